"""The web chat's door policy (cradle/chat_session.py) and its 429 reply, without servers.

The channel that uses them runs in tests/integration/test_web_chat.py."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from bot.channels.web_chat import rate_limited_reply, web_reply
from cradle.chat_session import SWEEP_EVERY, ChatPolicy, RateLimiter, cors_headers

COUNCIL = "https://www.warwickshire.gov.uk"
PAGE = "http://127.0.0.1:8080"
POLICY = ChatPolicy(session_secret=b"k" * 32, embed_origins=(COUNCIL,), page_origins=(PAGE,))


def test_a_signed_session_is_recognised_and_a_forged_or_foreign_one_is_not():
    signed = POLICY.sign("token-abc")
    assert POLICY.session_id([signed]) == ("token-abc", False)
    # The first valid value wins: the widget's header, then the cookie.
    assert POLICY.session_id([None, "forged.0000", signed]) == ("token-abc", False)
    for value in ("chosen-by-client.abc", "token-abc", "token-abc.", "", None):
        token, is_new = POLICY.session_id([value])
        assert is_new and token != "token-abc" and len(token) >= 20
    other = ChatPolicy(session_secret=b"x" * 32)
    assert other.session_id([signed])[1] is True  # another deployment's key


@pytest.mark.parametrize(
    ("origin", "host", "allowed"),
    [
        (None, "cradle.example.org", True),  # not from a web page (curl, server to server)
        ("https://cradle.example.org", "cradle.example.org", True),  # own host behind TLS
        ("http://cradle.example.org", "cradle.example.org", True),
        (PAGE, "127.0.0.1:5005", True),  # Cradle's page on another port (make run)
        (COUNCIL, "cradle.example.org", True),
        (COUNCIL + "/", "cradle.example.org", True),
        ("https://evil.example", "cradle.example.org", False),
        ("https://cradle.example.org.evil.example", "cradle.example.org", False),
        ("null", "cradle.example.org", False),  # sandboxed frames and file:// pages
        ("http://127.0.0.1:9999", "127.0.0.1:5005", False),  # another local port
    ],
)
def test_which_web_pages_may_chat(origin, host, allowed):
    assert POLICY.origin_allowed(origin, host) is allowed


def test_cors_names_only_listed_origins_and_lets_the_widget_read_the_session():
    assert POLICY.cors_origin(COUNCIL) == COUNCIL
    assert POLICY.cors_origin(PAGE) == PAGE
    assert POLICY.cors_origin("https://cradle.example.org") is None  # same origin: no CORS
    assert POLICY.cors_origin(None) is None
    headers = cors_headers(COUNCIL)
    assert headers["Access-Control-Allow-Credentials"] == "true"
    assert "X-Cradle-Session" in headers["Access-Control-Allow-Headers"]
    assert headers["Access-Control-Expose-Headers"] == "X-Cradle-Session"
    assert headers["Vary"] == "Origin"


def test_only_council_sites_get_the_cross_site_cookie():
    assert POLICY.is_embedded(COUNCIL)
    assert not POLICY.is_embedded(PAGE)
    assert not POLICY.is_embedded(None)


def test_origins_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("CRADLE_SESSION_SECRET", "shared-by-every-replica")
    monkeypatch.setenv("CRADLE_EMBED_ORIGINS", f"{COUNCIL}/ https://fis.example")
    monkeypatch.setenv("CRADLE_PAGE_ORIGINS", PAGE)
    policy = ChatPolicy.from_env(rate_limit=5)
    assert policy.embed_origins == (COUNCIL, "https://fis.example")
    assert policy.page_origins == (PAGE,)
    assert policy.rate_limit == 5
    assert ChatPolicy.from_env().sign("t") == policy.sign("t")  # replicas agree


def test_production_refuses_to_chat_without_a_session_secret(monkeypatch):
    from cradle.environment import MissingSecret

    monkeypatch.setenv("CRADLE_ENV", "production")
    monkeypatch.delenv("CRADLE_SESSION_SECRET", raising=False)
    with pytest.raises(MissingSecret, match="CRADLE_SESSION_SECRET"):
        ChatPolicy.from_env()


@pytest.fixture
def rate_db(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'tracker.db'}")
    yield engine
    engine.dispose()


def test_the_rate_limit_is_a_sliding_window_per_session(rate_db):
    limiter = RateLimiter(limit=3, window=60, engine=rate_db)
    assert [limiter.allow("a", now=t) for t in (0, 1, 2, 3)] == [True, True, True, False]
    assert limiter.allow("b", now=3)  # another session is not slowed down
    assert limiter.allow("a", now=61)  # the first message has left the window


def test_workers_and_replicas_count_one_session_together(rate_db):
    # Two Rasa workers (or replicas) each make their own limiter over the same database.
    first, second = (RateLimiter(limit=4, window=60, engine=rate_db) for _ in range(2))
    allowed = [(first if n % 2 else second).allow("a", now=n) for n in range(6)]
    assert allowed == [True, True, True, True, False, False]


def test_old_rows_leave_the_database(rate_db):
    limiter = RateLimiter(limit=3, window=60, engine=rate_db)
    for n in range(SWEEP_EVERY):
        limiter.allow(f"session-{n}", now=0)
    limiter.allow("late", now=1000)  # a sweep: every session's old rows go
    with rate_db.connect() as db:
        assert db.execute(sa.text("SELECT session FROM cradle_chat_rate")).scalars().all() == [
            "late"
        ]


@pytest.mark.parametrize(
    ("text", "tier", "first"),
    [
        ("I'm going to kill myself tonight", "emergency", "999"),
        ("hi", "none", "wait a minute"),
    ],
)
def test_a_rate_limited_message_still_gets_crisis_text(text, tier, first):
    reply = rate_limited_reply(text)
    assert reply["contract"]["safety"] == tier
    assert first in reply["messages"][0]["text"]
    # The wait text itself always names 999 and Samaritans.
    assert "999" in reply["messages"][-1]["text"] and "116 123" in reply["messages"][-1]["text"]


def test_the_page_never_gets_the_session_id_back_as_a_recipient():
    messages = [
        {"recipient_id": "web-secret", "text": "Hello"},
        {"recipient_id": "web-secret", "custom": {"topic": None, "safety": "none"}},
    ]
    assert web_reply(messages) == {
        "messages": [{"text": "Hello"}],
        "contract": {"topic": None, "safety": "none"},
    }
