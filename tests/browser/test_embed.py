"""The one-tag embed on a council's own site keeps the conversation (issue 14, point 3).

A real Chromium loads a demo council page from a second site (http://localhost:<port>), which
embeds the widget from Cradle's web server (http://127.0.0.1:<port>), listed in
CRADLE_EMBED_ORIGINS. Different hosts make the two cross-site, as on a real council website.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from cradle.launcher import Stack, free_port
from cradle.paths import PROJECT_ROOT
from tests.browser.test_widget import SCREENSHOTS, ask, bot_count, open_widget, wait_for_reply

pytestmark = pytest.mark.integration

COUNCIL_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Family Information Service</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><h1>Family Information Service</h1>
<script src="{cradle}/widget.js" defer></script>
</body></html>
"""


def _wait(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - loopback
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


@pytest.fixture()
def council_site(stack: Stack, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """(council page URL, Cradle web URL): a Cradle web server that allows the council's
    origin, and the council's page on a different site."""
    council_port, cradle_port = free_port(), free_port()
    council = f"http://localhost:{council_port}"
    cradle = f"http://127.0.0.1:{cradle_port}"
    (tmp_path / "index.html").write_text(COUNCIL_PAGE.format(cradle=cradle))
    env = {
        **os.environ,
        "CRADLE_EMBED_ORIGINS": council,
        "CRADLE_CATALOGUE": str(stack.config.catalogue),
    }
    web = subprocess.Popen(  # noqa: S603 - our own module
        [
            sys.executable,
            "-m",
            "cradle.web",
            "--port",
            str(cradle_port),
            "--rasa-url",
            stack.config.rasa_url,
        ],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    page = subprocess.Popen(  # noqa: S603 - the standard library's static file server
        [sys.executable, "-m", "http.server", str(council_port), "--bind", "localhost"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait(f"{cradle}/healthz")
        _wait(f"{council}/")
        yield f"{council}/", cradle
    finally:
        for process in (web, page):
            process.terminate()
            process.wait(timeout=10)


def test_the_embedded_widget_keeps_the_conversation_across_sites(browser: Browser, council_site):
    page_url, cradle = council_site
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(page_url)
    open_widget(page)
    ask(page, "i feel so low since the baby came")
    assert "Feeling low or down" in page.locator(".cradle-bot").last.inner_text()
    # The second and third turns only work if the server still knows this conversation.
    before = bot_count(page)
    page.get_by_role("button", name="Find support near me").click()
    wait_for_reply(page, before)
    assert "Which town or area" in page.locator(".cradle-bot").last.inner_text()
    before = bot_count(page)
    page.get_by_role("button", name="Rugby").click()
    wait_for_reply(page, before)
    assert page.locator(".cradle-card").count() >= 1
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "widget-embedded-council-site-360.png"))
    context.close()


def test_a_site_not_listed_may_not_use_the_chat_api(council_site):
    _, cradle = council_site
    request = urllib.request.Request(
        f"{cradle}/api/chat",
        data=b'{"message": "hello"}',
        headers={"Content-Type": "application/json", "Origin": "https://evil.example"},
    )
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(request, timeout=10)  # noqa: S310 - loopback
    assert err.value.code == 403
