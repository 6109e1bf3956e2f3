"""deploy/nginx.conf in a real nginx, in front of the real servers: only the signed SMS webhook,
the web chat channel (as /api/chat) and the web server are public; the REST channel and Rasa's
HTTP API are not."""

from __future__ import annotations

import json
import re
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from twilio.request_validator import RequestValidator

from cradle.launcher import Stack, free_port
from cradle.paths import PROJECT_ROOT
from tests.conftest import TWILIO_TOKEN

pytestmark = pytest.mark.integration
NGINX = Path("/usr/sbin/nginx")


def local_config(stack: Stack, port: int, folder: Path) -> str:
    """The deployed server blocks, pointed at this machine's test servers, without TLS."""
    site = (PROJECT_ROOT / "deploy" / "nginx.conf").read_text()
    cfg = stack.config
    site = re.sub(
        r"(upstream cradle_rasa \{).*?\}",
        rf"\1 server 127.0.0.1:{cfg.rasa_port}; }}",
        site,
        flags=re.S,
    )
    site = re.sub(
        r"(upstream cradle_actions \{).*?\}",
        rf"\1 server 127.0.0.1:{cfg.actions_port}; }}",
        site,
        flags=re.S,
    )
    site = re.sub(
        r"(upstream cradle_web \{).*?\}",
        rf"\1 server 127.0.0.1:{cfg.web_port}; }}",
        site,
        flags=re.S,
    )
    site = site.replace("listen 443 ssl;", f"listen 127.0.0.1:{port};")
    site = site.replace("listen 10.0.0.10:5055;", f"listen 127.0.0.1:{free_port()};")
    site = re.sub(r"^\s*listen 80;.*$", "", site, flags=re.M)
    temp = folder / "tmp"
    temp.mkdir()
    return (
        f"pid {folder}/nginx.pid;\nerror_log {folder}/error.log;\nevents {{}}\n"
        f"http {{\n access_log off;\n client_body_temp_path {temp};\n proxy_temp_path {temp};\n"
        f" fastcgi_temp_path {temp};\n uwsgi_temp_path {temp};\n scgi_temp_path {temp};\n"
        f"{site}\n}}\n"
    )


@pytest.fixture(scope="module")
def proxy(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not NGINX.exists():
        pytest.fail("nginx is missing: `make test` installs it (scripts/setup-system.sh)")
    folder = tmp_path_factory.mktemp("nginx")
    port = free_port()
    conf = folder / "nginx.conf"
    conf.write_text(local_config(stack, port, folder))
    check = subprocess.run([NGINX, "-t", "-c", conf, "-p", folder], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen([NGINX, "-c", conf, "-p", folder, "-g", "daemon off;"])
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                urllib.request.urlopen(f"{url}/healthz", timeout=2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def request(
    url: str, data: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(
            urllib.request.Request(url, data=data, headers=headers or {}), timeout=30
        ) as reply:
            return reply.status, reply.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/webhooks/rest/webhook", b'{"sender": "anyone", "message": "hello"}'),
        ("/webhooks/rest/", None),
        ("/webhooks/other/webhook", b"{}"),
        ("/conversations/anyone/tracker", None),
        ("/model/parse", b'{"text": "hello"}'),
        ("/status", None),
        ("/version", None),
    ],
)
def test_the_rest_channel_and_rasa_api_are_not_public(proxy, path, body):
    status, _ = request(f"{proxy}{path}", body, {"Content-Type": "application/json"})
    assert status == 404


def test_the_page_widget_and_services_go_to_the_web_server(proxy):
    assert request(f"{proxy}/")[0] == 200
    status, script = request(f"{proxy}/widget.js")
    assert status == 200 and "Cradle" in script
    status, _ = request(f"{proxy}/api/services?need=low-mood&area=rugby")
    assert status == 200


def test_the_chat_is_the_web_chat_channel_on_the_pages_own_host(proxy):
    """The page's own origin (the Host nginx passes on) may chat with no CORS listing; another
    site may not; ending the session restarts it."""
    host = urllib.parse.urlsplit(proxy).netloc
    headers = {"Content-Type": "application/json", "Origin": f"https://{host}"}
    status, body = request(f"{proxy}/api/chat", b'{"message": "I feel a bit low"}', headers)
    assert status == 200
    assert json.loads(body)["contract"]["topic"] == "low-mood"
    status, _ = request(
        f"{proxy}/api/chat", b'{"message": "hi"}', {**headers, "Origin": "https://evil.example"}
    )
    assert status == 403
    status, _ = request(f"{proxy}/api/chat/end", b"", headers)
    assert status == 204


def test_a_signed_sms_reaches_rasa_through_the_proxy(proxy):
    public = "https://cradle.example.org/webhooks/twilio/webhook"
    params = {"From": "+447700900999", "To": "+441632960000", "Body": "hello", "NumMedia": "0"}
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(public, params)
    body = urllib.parse.urlencode(params).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature}
    status, xml = request(f"{proxy}/webhooks/twilio/webhook", body, headers)
    assert status == 200 and "<Message>" in xml
    status, _ = request(
        f"{proxy}/webhooks/twilio/webhook", body, {**headers, "X-Twilio-Signature": "forged"}
    )
    assert status == 403
