"""What the SMS channel must remember between texts, keyed by the hashed sender only:
opt-outs (STOP), the numbered options last offered ("reply 1 or 2"), and with them whether the
number is still to be told that Cradle is automated.

Tables in the tracker store's database (cradle.shared_state), so every replica sees the same
state: a STOP sent to one is honoured by all. No phone numbers.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import logging
import secrets
import sqlite3
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from cradle.paths import var_dir
from cradle.shared_state import state_engine

logger = logging.getLogger(__name__)

OPTIONS_TTL_SECONDS = 24 * 3600


def sender_key() -> bytes:
    """The HMAC key for phone numbers (CRADLE_SENDER_KEY). Without it, a random key per process
    start: conversations still work, but a restart begins new ones."""
    return _configured_key() or _RANDOM_KEY


@functools.lru_cache(maxsize=1)
def _configured_key() -> bytes | None:
    from cradle.environment import secret

    return secret("CRADLE_SENDER_KEY")  # warns once in development, raises in production


_RANDOM_KEY = secrets.token_bytes(32)


def hash_sender(number: str, key: bytes | None = None) -> str:
    """A stable, keyed pseudonym for a phone number: what the tracker store and logs see."""
    digest = hmac.new(key or sender_key(), number.strip().encode(), hashlib.sha256).hexdigest()
    return f"sms-{digest[:32]}"


_METADATA = sa.MetaData()
OPT_OUTS = sa.Table(
    "cradle_sms_opt_outs",
    _METADATA,
    sa.Column("sender", sa.String(64), primary_key=True),
    sa.Column("at", sa.Float, nullable=False),
)
OPTIONS = sa.Table(
    "cradle_sms_options",
    _METADATA,
    sa.Column("sender", sa.String(64), primary_key=True),
    sa.Column("payloads", sa.Text, nullable=False),
    sa.Column("at", sa.Float, nullable=False),
)
# Where opt-outs were kept before they moved to the tracker's database; imported once.
LEGACY_FILE = "sms_state.db"


class SmsState:
    def __init__(self, engine: Engine | None = None) -> None:
        self.engine = engine or state_engine()
        _METADATA.create_all(self.engine, checkfirst=True)
        self._import_legacy(var_dir() / LEGACY_FILE)

    def _upsert(self, table: sa.Table, **values: Any) -> None:
        # One statement, so two replicas writing the same sender never collide on the key.
        dialect = self.engine.dialect.name
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
        statement = insert(table).values(**values)
        update = {k: statement.excluded[k] for k in values if k != "sender"}
        with self.engine.begin() as db:
            db.execute(statement.on_conflict_do_update(index_elements=["sender"], set_=update))

    def opt_out(self, sender: str) -> None:
        self._upsert(OPT_OUTS, sender=sender, at=time.time())

    def opt_in(self, sender: str) -> None:
        with self.engine.begin() as db:
            db.execute(OPT_OUTS.delete().where(OPT_OUTS.c.sender == sender))

    def opted_out(self, sender: str) -> bool:
        with self.engine.connect() as db:
            row = db.execute(sa.select(OPT_OUTS.c.sender).where(OPT_OUTS.c.sender == sender))
            return row.first() is not None

    def remember_options(
        self, sender: str, payloads: list[str], prompt: str = "", untold: bool = False
    ) -> None:
        """What "1", "2"... mean in the next text, and the line that offered them. `untold`: the
        notice a new conversation gets did not fit this reply, so the next one carries it."""
        stored = json.dumps({"payloads": payloads, "prompt": prompt, "untold": untold})
        self._upsert(OPTIONS, sender=sender, payloads=stored, at=time.time())

    def mark_told(self, sender: str) -> None:
        """A reply said by itself that Cradle is automated (HELP, START): the number is told,
        and the options the last reply offered still stand (README, "HELP and START count as
        telling a texter")."""
        kept = self._options(sender)
        self.remember_options(sender, list(kept["payloads"]), str(kept["prompt"]))

    def _fresh(self, sender: str) -> dict[str, Any] | None:
        """What the last reply to this number remembered, if it was sent in the last day."""
        with self.engine.connect() as db:
            row = db.execute(
                sa.select(OPTIONS.c.payloads, OPTIONS.c.at).where(OPTIONS.c.sender == sender)
            ).first()
        if not row or time.time() - row[1] > OPTIONS_TTL_SECONDS:
            return None
        stored = json.loads(row[0])
        return stored if isinstance(stored, dict) else {"payloads": stored, "prompt": ""}

    def _options(self, sender: str) -> dict[str, Any]:
        return self._fresh(sender) or {"payloads": [], "prompt": ""}

    def to_be_told(self, sender: str) -> bool:
        """Whether this number is still to be told what Cradle is: no reply to it in the last
        day (every reply remembers its options, so their age is the age of the last reply), or
        the last reply had no room for the notice (crisis help comes whole first)."""
        fresh = self._fresh(sender)
        return fresh is None or fresh.get("untold") is True

    def option(self, sender: str, number: int) -> str | None:
        """The payload behind "1", "2"... from the last numbered options, if still fresh."""
        payloads = self._options(sender)["payloads"]
        return payloads[number - 1] if 1 <= number <= len(payloads) else None

    def options_prompt(self, sender: str) -> str:
        """The last "Reply 1=... 2=..." line, if still fresh, to offer again."""
        return str(self._options(sender)["prompt"])

    def _import_legacy(self, path: Path) -> None:
        """Opt-outs kept in var/sms_state.db by earlier versions: a STOP must never be lost."""
        if not path.is_file():
            return
        with sqlite3.connect(path) as legacy:
            try:
                rows = legacy.execute("SELECT sender, at FROM opt_outs").fetchall()
            except sqlite3.Error:
                rows = []
        for sender, at in rows:
            self._upsert(OPT_OUTS, sender=sender, at=at)
        try:
            path.rename(path.with_suffix(".db.imported"))
        except FileNotFoundError:  # another process imported it first
            return
        logger.warning(
            "imported %d SMS opt-outs from %s into the tracker database", len(rows), path
        )
