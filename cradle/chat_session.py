"""The web chat's door policy, as plain functions: signed sessions, allowed origins, rate limit.

Used by the web chat channel (`bot/channels/web_chat.py`), which owns the chat API; kept free of
any web framework so it is tested on its own.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import sqlalchemy as sa

from cradle import environment

SESSION_COOKIE = "cradle_session"
# The same signed session id as a header, for the widget on a council's own site: a cookie from
# another site is blocked by many browsers, a header sent by the widget is not.
SESSION_HEADER = "X-Cradle-Session"
MAX_REQUEST_BYTES = 16 * 1024

_METADATA = sa.MetaData()
RATE_LIMIT = sa.Table(
    "cradle_chat_rate",
    _METADATA,
    sa.Column("session", sa.String(64), nullable=False, index=True),
    sa.Column("at", sa.Float, nullable=False),
)
SWEEP_EVERY = 500  # messages between deletions of every session's old rows


def parse_origins(value: str) -> tuple[str, ...]:
    """A space-separated list of origins (CRADLE_EMBED_ORIGINS), without trailing slashes."""
    return tuple(o.rstrip("/") for o in value.split() if o)


def origin_allowed(origin: str | None, host: str, listed: Iterable[str]) -> bool:
    """The one origin rule of Cradle's browser APIs (the chat channel and the services API):
    requests with no Origin (not from a browser page), from the server's own host and from the
    listed sites are allowed; no other web page is.

    The own-host test compares host and port only: behind a TLS proxy the browser says https
    and the server sees http."""
    if origin is None:
        return True
    return urlsplit(origin.rstrip("/")).netloc == host or listed_origin(origin, listed) is not None


def listed_origin(origin: str | None, listed: Iterable[str]) -> str | None:
    """The origin as listed (no trailing slash), if it is one of `listed`; else None."""
    if origin is None:
        return None
    origin = origin.rstrip("/")
    return origin if origin in listed else None


@dataclass(frozen=True)
class ChatPolicy:
    """Who may use the chat API, how sessions are signed, and how fast a session may send."""

    session_secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    # Council sites that embed the widget: cross-site, so the cookie is SameSite=None; Secure.
    embed_origins: tuple[str, ...] = ()
    # Cradle's own page when it is served from another port than the chat (`make run`).
    page_origins: tuple[str, ...] = ()
    rate_limit: int = 20  # chat messages per session per minute

    @classmethod
    def from_env(cls, rate_limit: int = 20) -> ChatPolicy:
        secret = environment.secret("CRADLE_SESSION_SECRET")
        return cls(
            session_secret=secret or secrets.token_bytes(32),
            embed_origins=parse_origins(os.environ.get("CRADLE_EMBED_ORIGINS", "")),
            page_origins=parse_origins(os.environ.get("CRADLE_PAGE_ORIGINS", "")),
            rate_limit=rate_limit,
        )

    def sign(self, token: str) -> str:
        """The value sent to the browser: the token and its signature."""
        return f"{token}.{_signature(self.session_secret, token)}"

    def session_id(self, values: Iterable[str | None]) -> tuple[str, bool]:
        """The session id from the first validly signed value (header, cookie), or a new one,
        and whether it is new. An unsigned or forged value is ignored: a new session starts."""
        for value in values:
            token, _, signature = (value or "")[:200].partition(".")
            if token and hmac.compare_digest(_signature(self.session_secret, token), signature):
                return token, False
        return secrets.token_urlsafe(18), True

    def origin_allowed(self, origin: str | None, host: str) -> bool:
        """The chat's own host, Cradle's own page and the listed council sites may chat."""
        return origin_allowed(origin, host, (*self.page_origins, *self.embed_origins))

    def is_embedded(self, origin: str | None) -> bool:
        return listed_origin(origin, self.embed_origins) is not None

    def cors_origin(self, origin: str | None) -> str | None:
        """The origin to name in Access-Control-Allow-Origin, if it is listed."""
        return listed_origin(origin, (*self.embed_origins, *self.page_origins))


def _signature(secret: bytes, token: str) -> str:
    return hmac.new(secret, token.encode(), hashlib.sha256).hexdigest()[:32]


def cors_headers(origin: str) -> dict[str, str]:
    return {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Allow-Credentials": "true",
        "Access-Control-Allow-Headers": f"Content-Type, {SESSION_HEADER}",
        "Access-Control-Expose-Headers": SESSION_HEADER,
        "Access-Control-Allow-Methods": "POST, OPTIONS",
        "Access-Control-Max-Age": "600",
        "Vary": "Origin",
    }


class RateLimiter:
    """A per-session sliding window: at most `limit` messages in `window` seconds.

    Kept in the tracker's database (cradle.shared_state), so every Rasa worker and replica counts
    the same messages: a session cannot multiply its limit by landing on several of them. A row
    holds a session id and a time, and is deleted once it leaves the window. Two workers
    counting the same session at the same instant may each let one message through: the limit
    protects the service from floods, and is never what stands between a parent and crisis
    text (a refused message still gets it).
    """

    def __init__(
        self, limit: int = 20, window: float = 60.0, engine: sa.engine.Engine | None = None
    ) -> None:
        self.limit, self.window = limit, window
        # Opened on first use: Sanic may fork its workers after the channel is made.
        self._engine = engine
        self._calls = 0

    def _db(self) -> sa.engine.Engine:
        if self._engine is None:
            from cradle.shared_state import state_engine

            self._engine = state_engine()
        if self._calls == 0:
            _METADATA.create_all(self._engine, checkfirst=True)
        return self._engine

    def allow(self, key: str, now: float | None = None) -> bool:
        now = time.time() if now is None else now
        table, since = RATE_LIMIT, now - self.window
        with self._db().begin() as db:
            if self._calls % SWEEP_EVERY == 0:  # sessions that went quiet
                db.execute(table.delete().where(table.c.at <= since))
            self._calls += 1
            db.execute(table.delete().where(table.c.session == key, table.c.at <= since))
            count = db.execute(
                sa.select(sa.func.count()).select_from(table).where(table.c.session == key)
            ).scalar_one()
            allowed = count < self.limit
            if allowed:
                db.execute(table.insert().values(session=key, at=now))
        return allowed
