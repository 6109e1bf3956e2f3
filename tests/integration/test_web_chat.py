"""Rasa's web chat channel (bot/channels/web_chat.py) on the real servers: requests refused with
a reason, server-issued sessions that carry a conversation, CORS for listed council sites only,
and an end that restarts the conversation (issue 14)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from cradle.launcher import Stack

pytestmark = pytest.mark.integration


def chat(
    stack: Stack, body: bytes | dict, headers: dict[str, str] | None = None, path: str = ""
) -> tuple[int, dict, object]:
    """(status, headers, JSON body or text) of one request to the channel."""
    data = json.dumps(body).encode() if isinstance(body, dict) else body
    request = urllib.request.Request(
        stack.config.chat_url + path,
        data=data,
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:  # noqa: S310 - loopback
            status, got, raw = reply.status, dict(reply.headers), reply.read()
    except urllib.error.HTTPError as err:
        status, got, raw = err.code, dict(err.headers), err.read()
    try:
        return status, got, json.loads(raw) if raw else None
    except ValueError:
        return status, got, raw.decode()


@pytest.mark.parametrize(
    ("body", "content_type", "status", "says"),
    [
        (b"not json", "application/json", 400, "not valid JSON"),
        (b'{"message": 5}', "application/json", 400, "message"),
        (b"[]", "application/json", 400, "message"),
        (b"message=hi", "application/x-www-form-urlencoded", 415, "JSON"),
        (b'{"message": "' + b"a" * 20000 + b'"}', "application/json", 413, "too large"),
    ],
)
def test_bad_requests_get_a_clear_error(stack, body, content_type, status, says):
    got, _, reply = chat(stack, body, {"Content-Type": content_type})
    assert got == status
    assert isinstance(reply, dict) and says in reply["error"]


def test_a_session_is_issued_signed_and_carries_the_conversation(stack):
    status, headers, reply = chat(stack, {"message": "i feel so low since the baby came"})
    assert status == 200 and isinstance(reply, dict)
    assert reply["contract"]["topic"] == "low-mood"
    assert all("recipient_id" not in m for m in reply["messages"])
    issued = headers["X-Cradle-Session"]
    cookie = headers["Set-Cookie"]
    assert cookie.startswith(f"cradle_session={issued};")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    # The second turn only works if the channel knows this conversation ("Find support").
    status, headers, reply = chat(stack, {"message": "/affirm"}, {"X-Cradle-Session": issued})
    assert status == 200 and "X-Cradle-Session" not in headers  # the same session
    assert isinstance(reply, dict)
    assert "Which town or area" in " ".join(m.get("text", "") for m in reply["messages"])


def test_a_forged_session_starts_a_new_one(stack):
    status, headers, _ = chat(stack, {"message": "hello"}, {"X-Cradle-Session": "mine.0000"})
    assert status == 200
    assert headers["X-Cradle-Session"] != "mine.0000"
    assert not headers["X-Cradle-Session"].startswith("mine.")


def test_a_listed_council_site_may_chat_across_sites(stack, council_origin):
    preflight = urllib.request.Request(
        stack.config.chat_url,
        method="OPTIONS",
        headers={
            "Origin": council_origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "X-Cradle-Session",
        },
    )
    with urllib.request.urlopen(preflight, timeout=30) as reply:  # noqa: S310 - loopback
        assert reply.status == 204
        assert reply.headers["Access-Control-Allow-Origin"] == council_origin
        assert reply.headers["Access-Control-Allow-Credentials"] == "true"
        assert "X-Cradle-Session" in reply.headers["Access-Control-Allow-Headers"]
    status, headers, _ = chat(stack, {"message": "hello"}, {"Origin": council_origin})
    assert status == 200
    assert headers["Access-Control-Allow-Origin"] == council_origin
    assert headers["Access-Control-Expose-Headers"] == "X-Cradle-Session"
    # Third-party on the council's site: the cookie must be SameSite=None and Secure.
    assert "SameSite=None" in headers["Set-Cookie"] and "Secure" in headers["Set-Cookie"]


def test_cradles_own_page_may_chat_from_its_port(stack):
    status, headers, _ = chat(stack, {"message": "hello"}, {"Origin": stack.config.web_url})
    assert status == 200
    assert headers["Access-Control-Allow-Origin"] == stack.config.web_url


@pytest.mark.parametrize("path", ["", "/end"])
def test_any_other_site_is_refused(stack, path):
    status, headers, _ = chat(
        stack, {"message": "hello"}, {"Origin": "https://evil.example"}, path=path
    )
    assert status == 403
    assert "Access-Control-Allow-Origin" not in headers


def test_ending_a_session_restarts_the_conversation_and_drops_the_cookie(stack):
    _, headers, reply = chat(stack, {"message": "I just want to die"})
    assert isinstance(reply, dict) and reply["contract"]["safety"] == "urgent"
    issued = headers["X-Cradle-Session"]
    status, headers, _ = chat(stack, b"", {"X-Cradle-Session": issued}, path="/end")
    assert status == 204
    assert (
        headers["Set-Cookie"].startswith("cradle_session=") and "Max-Age=0" in headers["Set-Cookie"]
    )
    tracker = stack.tracker("web-" + issued.split(".", 1)[0])
    assert tracker["slots"]["safety_tier"] is None
    assert any(e["event"] == "restart" for e in tracker["events"])
