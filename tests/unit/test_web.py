"""The web server: health, security headers, server-issued sessions, and a safe fallback."""

from __future__ import annotations

import pytest

from cradle.launcher import free_port
from cradle.web.app import SESSION_COOKIE, WebConfig, create_app


@pytest.fixture()
async def client(aiohttp_client):
    # Rasa is not running on this port: every chat exercises the web server's own fallback.
    config = WebConfig(
        rasa_url=f"http://127.0.0.1:{free_port()}",
        reply_timeout=2.0,
        embed_origins=("https://www.warwickshire.gov.uk",),
    )
    return await aiohttp_client(create_app(config))


async def test_healthz(client):
    response = await client.get("/healthz")
    assert response.status == 200
    assert await response.json() == {"status": "ok"}


@pytest.mark.parametrize("path", ["/", "/widget.js", "/healthz"])
async def test_security_headers_on_every_page(client, path):
    response = await client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'self' https://www.warwickshire.gov.uk" in csp
    assert response.headers["Referrer-Policy"] == "no-referrer"


async def test_demo_page_embeds_the_widget_with_one_script_tag(client):
    page = await (await client.get("/")).text()
    assert page.count("<script") == 1 and 'src="/widget.js"' in page


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b"not json", "application/json", 400),
        (b'{"message": 5}', "application/json", 400),
        (b"[]", "application/json", 400),
        (b"message=hi", "application/x-www-form-urlencoded", 415),
        (b'{"message": "' + b"a" * 20000 + b'"}', "application/json", 413),
    ],
)
async def test_bad_chat_requests_get_a_clear_error(client, body, content_type, status):
    response = await client.post("/api/chat", data=body, headers={"Content-Type": content_type})
    assert response.status == status
    assert (await response.text()).strip()


async def test_rasa_down_still_gets_crisis_help(client):
    response = await client.post("/api/chat", json={"message": "I want to end my life"})
    assert response.status == 200
    reply = await response.json()
    assert "116 123" in reply["messages"][0]["text"]
    assert reply["contract"]["safety"] == "urgent"


async def test_sessions_are_issued_by_the_server_and_forged_cookies_are_replaced(client):
    first = await client.post("/api/chat", json={"message": "hello"})
    cookie = first.cookies[SESSION_COOKIE].value
    token, _, signature = cookie.partition(".")
    assert len(token) >= 20 and signature
    client.session.cookie_jar.clear()
    client.session.cookie_jar.update_cookies({SESSION_COOKIE: "chosen-by-client.abc"})
    forged = await client.post("/api/chat", json={"message": "hello"})
    new_cookie = forged.cookies[SESSION_COOKIE].value
    assert not new_cookie.startswith("chosen-by-client")
