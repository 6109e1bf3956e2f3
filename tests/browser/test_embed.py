"""The one-tag embed on a council's own site keeps the conversation (issue 14, point 3).

A real Chromium loads a demo council page from a second site (http://localhost:<port>, listed in
CRADLE_EMBED_ORIGINS), which embeds the widget from Cradle's web server (http://127.0.0.1:<port>);
the widget talks to Rasa's web chat channel. Different hosts make the page and Cradle
cross-site, as on a real council website.
"""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from cradle.launcher import Stack
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
def council_site(stack: Stack, council_origin: str, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """(council page URL, Cradle web URL): the council's page on another site, embedding the
    widget from the test stack's web server; the stack lists the council in
    CRADLE_EMBED_ORIGINS, so its web chat channel (on Rasa's port) accepts it."""
    cradle = stack.config.web_url
    (tmp_path / "index.html").write_text(COUNCIL_PAGE.format(cradle=cradle))
    port = council_origin.rsplit(":", 1)[1]
    page = subprocess.Popen(  # noqa: S603 - the standard library's static file server
        [sys.executable, "-m", "http.server", port, "--bind", "localhost"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait(f"{council_origin}/")
        yield f"{council_origin}/", cradle
    finally:
        page.terminate()
        page.wait(timeout=10)


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


def test_a_site_not_listed_may_not_use_the_chat_api(stack):
    request = urllib.request.Request(
        stack.config.chat_url,
        data=b'{"message": "hello"}',
        headers={"Content-Type": "application/json", "Origin": "https://evil.example"},
    )
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(request, timeout=10)  # noqa: S310 - loopback
    assert err.value.code == 403
