"""A conversation lock store in a SQLite file, so one machine can run several Rasa workers.

Rasa processes one conversation's messages one at a time through a lock store. Its in-memory
store lives inside one process, so Rasa refuses more than one Sanic worker with it
(`SANIC_WORKERS`); its Redis store needs a Redis server, which the single-machine profile
(`make run`) does without. This store keeps the same ticket locks in a small SQLite file next to
the tracker store, shared by every worker on the machine.

Rasa's base class reads a lock, changes it and writes it back in separate steps (so does its
Redis store, which can lose a ticket when two processes race). Here each read-change-write runs
inside one `BEGIN IMMEDIATE` transaction, which SQLite serialises across processes.
A lock holds a conversation id (a pseudonym for SMS senders, never a phone number) and ticket
times, and is deleted when its last message is answered.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, LockStore

from cradle.paths import lock_db_path

# A writer waits this long for another worker's transaction before Rasa gets a LockError.
BUSY_TIMEOUT_MS = 5000


class SQLiteLockStore(LockStore):
    """Rasa's ticket locks in a SQLite table, one row per conversation being answered."""

    def __init__(self, endpoint_config: Any = None, db: str | Path | None = None) -> None:
        configured = db or (getattr(endpoint_config, "kwargs", None) or {}).get("db")
        self.path = lock_db_path(str(configured) if configured else None)
        # Opened on first use in the process that uses it: Sanic forks its workers after the
        # lock store may have been made, and a SQLite connection must not cross a fork.
        self._conn: sqlite3.Connection | None = None
        self._pid = 0
        super().__init__()

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None or self._pid != os.getpid():
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute(
                "CREATE TABLE IF NOT EXISTS locks "
                "(conversation_id TEXT PRIMARY KEY, lock TEXT NOT NULL)"
            )
            self._conn, self._pid = conn, os.getpid()
        return self._conn

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        """One read-change-write, serialised across processes. Rasa calls the store from its
        event loop only, so a process never nests two of these."""
        try:
            conn = self._connection()
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as err:
            raise LockError(f"the lock store at {self.path} is busy or unreadable: {err}") from err
        try:
            yield
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def get_lock(self, conversation_id: str) -> TicketLock | None:
        row = (
            self._connection()
            .execute("SELECT lock FROM locks WHERE conversation_id = ?", (conversation_id,))
            .fetchone()
        )
        return TicketLock.from_dict(json.loads(row[0])) if row else None

    def delete_lock(self, conversation_id: str) -> None:
        deleted = (
            self._connection()
            .execute("DELETE FROM locks WHERE conversation_id = ?", (conversation_id,))
            .rowcount
        )
        self._log_deletion(conversation_id, bool(deleted))

    def save_lock(self, lock: TicketLock) -> None:
        self._connection().execute(
            "INSERT INTO locks (conversation_id, lock) VALUES (?, ?) "
            "ON CONFLICT (conversation_id) DO UPDATE SET lock = excluded.lock",
            (lock.conversation_id, lock.dumps()),
        )

    # The base class's read-change-write steps, each made atomic.

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        with self._transaction():
            return super().issue_ticket(conversation_id, lock_lifetime)

    def update_lock(self, conversation_id: str) -> None:
        with self._transaction():
            super().update_lock(conversation_id)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        with self._transaction():
            super().cleanup(conversation_id, ticket_number)
