"""The anonymised insight log: one row per turn, for commissioners' reports.

It holds no message text, no sender id, no phone number and no free text: only the time (to the
hour), the channel, the topic and safety tier, the audience and district if the person said,
the service ids signposted, a gap flag, and button-only feedback. Every value is checked against
an allowlist before it is written, so nothing a person typed can end up here.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlite_utils

from cradle.catalogue.hours import LONDON, is_bank_holiday
from cradle.content import TOPIC_IDS
from cradle.paths import var_dir
from cradle.tiers import TIERS

CHANNELS = ("web", "sms")
AUDIENCES = ("mum", "dad-or-partner", "parent")
FEEDBACK = ("yes", "no")
FEEDBACK_REASONS = ("not-relevant", "too-long", "hard-to-understand", "no-local-service")
_SERVICE_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def insights_path() -> Path:
    return Path(os.environ.get("CRADLE_INSIGHTS_DB", var_dir() / "insights.db"))


def in_office_hours(when: dt.datetime) -> bool:
    """Monday to Friday, 09:00-17:00 UK time, not a bank holiday."""
    local = when.astimezone(LONDON)
    return local.weekday() < 5 and 9 <= local.hour < 17 and not is_bank_holiday(local.date())


@dataclass(frozen=True)
class Turn:
    """What may be recorded about one turn. Anything not on an allowlist becomes None."""

    when: dt.datetime
    channel: str
    topic: str | None = None
    safety: str = "none"
    audience: str | None = None
    district: str | None = None
    services: tuple[str, ...] = ()
    gap_need: str | None = None
    feedback: str | None = None
    feedback_reason: str | None = None

    def row(self, districts: frozenset[str]) -> dict[str, Any]:
        local = self.when.astimezone(LONDON)
        district = self.district if self.district in districts else None
        gap_need = self.gap_need if self.gap_need in TOPIC_IDS and district else None
        return {
            "date": local.date().isoformat(),
            "month": local.strftime("%Y-%m"),
            "hour": local.hour,
            "weekday": local.strftime("%A"),
            "office_hours": int(in_office_hours(self.when)),
            "channel": self.channel if self.channel in CHANNELS else "web",
            "topic": self.topic if self.topic in TOPIC_IDS else None,
            "safety": self.safety if self.safety in TIERS else "none",
            "audience": self.audience if self.audience in AUDIENCES else None,
            "district": district,
            "services": json.dumps([s for s in self.services if _SERVICE_ID.match(s)][:10]),
            "gap": int(gap_need is not None),
            "gap_need": gap_need,
            "gap_district": district if gap_need else None,
            "feedback": self.feedback if self.feedback in FEEDBACK else None,
            "feedback_reason": (
                self.feedback_reason if self.feedback_reason in FEEDBACK_REASONS else None
            ),
        }


class InsightLog:
    """Append-only writer (and reader for reports) over insights.db."""

    def __init__(self, path: Path | None, districts: frozenset[str]) -> None:
        self.path = path
        self.districts = districts
        self._lock = threading.Lock()
        # Written from worker threads (never the event loop), one at a time under the lock.
        connection = sqlite3.connect(path or ":memory:", check_same_thread=False)
        self.db = sqlite_utils.Database(connection)
        if path:
            self.db.execute("PRAGMA journal_mode=WAL")
        self.db.table("turns").create(
            {
                "date": str,
                "month": str,
                "hour": int,
                "weekday": str,
                "office_hours": int,
                "channel": str,
                "topic": str,
                "safety": str,
                "audience": str,
                "district": str,
                "services": str,
                "gap": int,
                "gap_need": str,
                "gap_district": str,
                "feedback": str,
                "feedback_reason": str,
            },
            if_not_exists=True,
        )
        self.db.table("turns").create_index(["date"], if_not_exists=True)

    def record(self, turn: Turn) -> None:
        with self._lock:
            self.db.table("turns").insert(turn.row(self.districts))

    def close(self) -> None:
        self.db.close()


_LOGS: dict[str, InsightLog] = {}
_LOGS_LOCK = threading.Lock()


def get_insight_log() -> InsightLog:
    """The process's writer for the configured insights database, opened on first use."""
    from cradle.areas import get_areas

    path = insights_path()
    with _LOGS_LOCK:
        if str(path) not in _LOGS:
            path.parent.mkdir(parents=True, exist_ok=True)
            _LOGS[str(path)] = InsightLog(path, frozenset(get_areas().district_names))
        return _LOGS[str(path)]


def turn_from_contract(contract: dict[str, Any], channel: str, when: dt.datetime) -> Turn:
    """The insight row for a turn, from the reply contract the channel assembled."""
    insight = contract.get("insight") or {}
    return Turn(
        when=when,
        channel="sms" if channel in ("twilio", "sms") else "web",
        topic=insight.get("feedback_topic") or contract.get("topic"),
        safety=contract.get("safety", "none"),
        audience=insight.get("audience"),
        district=insight.get("district"),
        services=tuple(contract.get("services") or ()),
        gap_need=insight.get("gap_need"),
        feedback=insight.get("feedback"),
        feedback_reason=insight.get("feedback_reason"),
    )
