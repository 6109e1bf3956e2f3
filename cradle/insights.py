"""The anonymised insight log: one row per turn, for commissioners' reports.

It holds no message text, no sender id, no phone number and no free text: only the time (to the
hour), the channel, the topic and safety tier, the audience and district if the person said,
the service ids signposted, a gap flag, a group of parents asked for that no service listed is
for (`unlisted_groups` in content/service_requests.yml), and button-only feedback. Every value
is checked against an allowlist before it is written, so nothing a person typed can end up here.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.pool import StaticPool

from cradle.catalogue.hours import LONDON, is_bank_holiday
from cradle.content import topic_ids
from cradle.paths import var_dir
from cradle.shared_state import state_engine, state_url
from cradle.tiers import TIERS

logger = logging.getLogger(__name__)
CHANNELS = ("web", "sms")
AUDIENCES = ("mum", "dad-or-partner", "parent")
FEEDBACK = ("yes", "no")
FEEDBACK_REASONS = ("not-relevant", "too-long", "hard-to-understand", "no-local-service")
_SERVICE_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def legacy_insights_path() -> Path:
    """Where earlier versions kept the log as its own file; its rows are imported once."""
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
    gap_group: str | None = None
    feedback: str | None = None
    feedback_reason: str | None = None

    def row(self, districts: frozenset[str]) -> dict[str, Any]:
        from cradle.service_request import get_request_reader

        local = self.when.astimezone(LONDON)
        district = self.district if self.district in districts else None
        topics = topic_ids()
        gap_need = self.gap_need if self.gap_need in topics and district else None
        return {
            "date": local.date().isoformat(),
            "month": local.strftime("%Y-%m"),
            "hour": local.hour,
            "weekday": local.strftime("%A"),
            "office_hours": int(in_office_hours(self.when)),
            "channel": self.channel if self.channel in CHANNELS else "web",
            "topic": self.topic if self.topic in topics else None,
            "safety": self.safety if self.safety in TIERS else "none",
            "audience": self.audience if self.audience in AUDIENCES else None,
            "district": district,
            "services": json.dumps([s for s in self.services if _SERVICE_ID.match(s)][:10]),
            "gap": int(gap_need is not None),
            "gap_need": gap_need,
            "gap_district": district if gap_need else None,
            "gap_group": self.gap_group if self.gap_group in get_request_reader().groups else None,
            "feedback": self.feedback if self.feedback in FEEDBACK else None,
            "feedback_reason": (
                self.feedback_reason if self.feedback_reason in FEEDBACK_REASONS else None
            ),
        }


_METADATA = sa.MetaData()
TURNS = sa.Table(
    "cradle_insights",
    _METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("date", sa.String(10), nullable=False, index=True),
    sa.Column("month", sa.String(7), nullable=False),
    sa.Column("hour", sa.Integer, nullable=False),
    sa.Column("weekday", sa.String(9), nullable=False),
    sa.Column("office_hours", sa.Integer, nullable=False),
    sa.Column("channel", sa.String(8), nullable=False),
    sa.Column("topic", sa.String(40)),
    sa.Column("safety", sa.String(10), nullable=False),
    sa.Column("audience", sa.String(20)),
    sa.Column("district", sa.String(40)),
    sa.Column("services", sa.Text, nullable=False),
    sa.Column("gap", sa.Integer, nullable=False),
    sa.Column("gap_need", sa.String(40)),
    sa.Column("gap_district", sa.String(40)),
    sa.Column("feedback", sa.String(3)),
    # Added after the first logs were kept: `add_missing_columns` adds it to an older table.
    sa.Column("gap_group", sa.String(40)),
    sa.Column("feedback_reason", sa.String(40)),
)
_COLUMNS = [c.name for c in TURNS.columns if c.name != "id"]


def add_missing_columns(engine: Engine) -> list[str]:
    """Add the columns a log kept by an earlier version lacks (all nullable), so its rows are
    kept and new turns can be written. SQLite and PostgreSQL both take ADD COLUMN. Returns the
    names added."""
    existing = {c["name"] for c in sa.inspect(engine).get_columns(TURNS.name)}
    added = []
    for column in TURNS.columns:
        if column.name in existing:
            continue
        kind = column.type.compile(dialect=engine.dialect)
        try:
            with engine.begin() as db:
                db.execute(sa.text(f"ALTER TABLE {TURNS.name} ADD COLUMN {column.name} {kind}"))
        except sa.exc.DBAPIError:
            # Another replica, starting at the same moment, added it first.
            if column.name not in {c["name"] for c in sa.inspect(engine).get_columns(TURNS.name)}:
                raise
            continue
        added.append(column.name)
    if added:
        logger.warning("insight log: added the column(s) %s to an older table", ", ".join(added))
    return added


def _engine(target: Engine | Path | str | None) -> Engine:
    if isinstance(target, Engine):
        return target
    if target is None:  # a private in-memory database, for tests and dry runs
        return sa.create_engine(
            "sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False}
        )
    return (
        sa.create_engine(f"sqlite:///{target}")
        if isinstance(target, Path)
        else state_engine(target)
    )


class InsightLog:
    """Append-only writer (and reader for reports) over the `cradle_insights` table, which
    lives in the tracker store's database (SQLite, or PostgreSQL when scaled out), so every
    replica writes to one log and the report covers them all."""

    def __init__(self, target: Engine | Path | str | None, districts: frozenset[str]) -> None:
        self.engine = _engine(target)
        self.districts = districts
        _METADATA.create_all(self.engine, checkfirst=True)
        add_missing_columns(self.engine)

    def record(self, turn: Turn) -> None:
        self.record_many([turn])

    def record_many(self, turns: list[Turn]) -> None:
        if turns:
            with self.engine.begin() as db:
                db.execute(TURNS.insert(), [t.row(self.districts) for t in turns])

    def rows(self, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
        """The turns from start to end (inclusive), oldest first."""
        query = (
            sa.select(*[TURNS.c[name] for name in _COLUMNS])
            .where(TURNS.c.date >= start.isoformat(), TURNS.c.date <= end.isoformat())
            .order_by(TURNS.c.date, TURNS.c.id)
        )
        with self.engine.connect() as db:
            return [dict(row._mapping) for row in db.execute(query)]

    def count(self) -> int:
        with self.engine.connect() as db:
            return int(db.execute(sa.select(sa.func.count()).select_from(TURNS)).scalar_one())

    def import_legacy(self, path: Path) -> int:
        """Rows from the insights.db file of earlier versions, once; the file is then renamed."""
        if not path.is_file():
            return 0
        with sqlite3.connect(path) as legacy:
            legacy.row_factory = sqlite3.Row
            try:
                rows = [dict(r) for r in legacy.execute("SELECT * FROM turns")]
            except sqlite3.Error:
                rows = []
        if rows:
            with self.engine.begin() as db:
                db.execute(TURNS.insert(), [{k: r.get(k) for k in _COLUMNS} for r in rows])
        try:
            path.rename(path.with_suffix(".db.imported"))
        except FileNotFoundError:  # another process imported it first
            return 0
        return len(rows)

    def close(self) -> None:
        self.engine.dispose()


_LOGS: dict[str, InsightLog] = {}
_LOGS_LOCK = threading.Lock()


def get_insight_log() -> InsightLog:
    """The process's writer, in the tracker store's database, opened on first use."""
    from cradle.areas import get_areas

    url = state_url()
    with _LOGS_LOCK:
        key = str(url)
        if key not in _LOGS:
            log = InsightLog(state_engine(url), frozenset(get_areas().district_names))
            imported = log.import_legacy(legacy_insights_path())
            if imported:
                logger.warning("imported %d insight rows from the old insights.db", imported)
            _LOGS[key] = log
        return _LOGS[key]


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
        gap_group=insight.get("gap_group"),
        feedback=insight.get("feedback"),
        feedback_reason=insight.get("feedback_reason"),
    )
