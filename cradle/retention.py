"""Retention: delete conversation events older than a limit from the tracker store, and a
texter's remembered numbered options once their 24 hours are over.

Works on Rasa's SQL tracker store, SQLite or PostgreSQL (table `events`, column `timestamp` in
Unix seconds). The default limit, 30 days, is what the privacy notice promises.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

import sqlalchemy as sa

DEFAULT_DAYS = 30


def parse_age(text: str) -> int:
    """'30d' or '30' -> 30 days."""
    match = re.fullmatch(r"\s*(\d{1,5})\s*d?\s*", text)
    if not match or int(match.group(1)) < 1:
        raise ValueError(f"give an age in days, like 30d, not {text!r}")
    return int(match.group(1))


@dataclass(frozen=True)
class PurgeResult:
    before: int
    deleted: int
    # A texter's remembered numbered options older than their 24 hours (README, "A texter's
    # remembered options are deleted after their 24 hours"); opt-outs are never purged.
    options_deleted: int = 0

    @property
    def after(self) -> int:
        return self.before - self.deleted


def purge_events(db_url: str, older_than_days: int, now: float | None = None) -> PurgeResult:
    """Delete events older than the limit; returns counts so operators can see what happened."""
    from cradle.sms_state import OPTIONS, OPTIONS_TTL_SECONDS

    now = now if now is not None else time.time()
    cutoff = now - older_than_days * 86400
    engine = sa.create_engine(db_url)
    try:
        with engine.begin() as conn:
            options = 0
            if sa.inspect(conn).has_table(OPTIONS.name):
                stale = OPTIONS.delete().where(OPTIONS.c.at < now - OPTIONS_TTL_SECONDS)
                options = int(conn.execute(stale).rowcount or 0)
            if not sa.inspect(conn).has_table("events"):
                return PurgeResult(0, 0, options)
            before = conn.execute(sa.text("SELECT COUNT(*) FROM events")).scalar_one()
            deleted = conn.execute(
                sa.text("DELETE FROM events WHERE timestamp < :cutoff"), {"cutoff": cutoff}
            ).rowcount
        return PurgeResult(int(before), int(deleted or 0), options)
    finally:
        engine.dispose()


def sqlite_url(path: str) -> str:
    return f"sqlite:///{path}"
