"""Faster SQLite for Rasa's tracker store: write-ahead logging and normal sync.

Rasa opens a new SQLite connection for each tracker read or write; with the default rollback
journal and full sync, each write waits for the disk twice. WAL with synchronous=NORMAL is
still durable across application crashes (only an OS crash can lose the last commits).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

_installed = False


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def install() -> None:
    """Apply to every SQLAlchemy engine in this process (once)."""
    global _installed
    if not _installed:
        event.listen(Engine, "connect", _on_connect)
        _installed = True
