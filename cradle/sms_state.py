"""What the SMS channel must remember between texts, keyed by the hashed sender only:
opt-outs (STOP) and the numbered options last offered ("reply 1 or 2").

A small SQLite file, so every process on the machine sees the same state. No phone numbers.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import secrets
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from cradle.paths import var_dir

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


class SmsState:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or var_dir() / "sms_state.db"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        with self._connect() as db:
            db.execute("CREATE TABLE IF NOT EXISTS opt_outs (sender TEXT PRIMARY KEY, at REAL)")
            db.execute(
                "CREATE TABLE IF NOT EXISTS options "
                "(sender TEXT PRIMARY KEY, payloads TEXT, at REAL)"
            )

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=5)

    def opt_out(self, sender: str) -> None:
        with self._lock, self._connect() as db:
            db.execute("INSERT OR REPLACE INTO opt_outs VALUES (?, ?)", (sender, time.time()))

    def opt_in(self, sender: str) -> None:
        with self._lock, self._connect() as db:
            db.execute("DELETE FROM opt_outs WHERE sender = ?", (sender,))

    def opted_out(self, sender: str) -> bool:
        with self._lock, self._connect() as db:
            row = db.execute("SELECT 1 FROM opt_outs WHERE sender = ?", (sender,)).fetchone()
        return row is not None

    def remember_options(self, sender: str, payloads: list[str], prompt: str = "") -> None:
        """What "1", "2"... mean in the next text, and the line that offered them."""
        with self._lock, self._connect() as db:
            db.execute(
                "INSERT OR REPLACE INTO options VALUES (?, ?, ?)",
                (sender, json.dumps({"payloads": payloads, "prompt": prompt}), time.time()),
            )

    def _options(self, sender: str) -> dict[str, Any]:
        with self._lock, self._connect() as db:
            row = db.execute(
                "SELECT payloads, at FROM options WHERE sender = ?", (sender,)
            ).fetchone()
        if not row or time.time() - row[1] > OPTIONS_TTL_SECONDS:
            return {"payloads": [], "prompt": ""}
        stored = json.loads(row[0])
        # Rows written before the prompt was kept are a bare list of payloads.
        return stored if isinstance(stored, dict) else {"payloads": stored, "prompt": ""}

    def option(self, sender: str, number: int) -> str | None:
        """The payload behind "1", "2"... from the last numbered options, if still fresh."""
        payloads = self._options(sender)["payloads"]
        return payloads[number - 1] if 1 <= number <= len(payloads) else None

    def options_prompt(self, sender: str) -> str:
        """The last "Reply 1=... 2=..." line, if still fresh, to offer again."""
        return str(self._options(sender)["prompt"])
