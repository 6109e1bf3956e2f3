"""Faster SQLite for Rasa's tracker store: write-ahead logging, normal sync, pooled connections.

With the default rollback journal and full sync, each write waits for the disk twice. WAL with
synchronous=NORMAL is still durable across application crashes (only an OS crash can lose the
last commits). SQLAlchemy 1.4 gives file SQLite no pool, so Rasa opened and closed a connection
for every tracker read and write, and closing a WAL connection checkpoints the log: 9-19% of a
greeting's time in the Rasa server (py-spy, docs/performance.md). A small pool keeps them open.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import QueuePool

_installed = False


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def pooled_sqlite_kwargs(kwargs_for: Callable[[Any], dict[str, Any]]) -> Callable[[Any], dict]:
    """Rasa's engine arguments, plus a connection pool when the URL is a SQLite file."""

    def engine_kwargs(url: Any) -> dict[str, Any]:
        kwargs = dict(kwargs_for(url))
        if str(url).startswith("sqlite:///"):
            # Rasa's handlers run on one event loop, but a pooled connection may be handed to
            # another thread later, so SQLite's same-thread check is off (SQLAlchemy serialises
            # use of each connection through the pool).
            kwargs.update(
                poolclass=QueuePool,
                pool_size=4,
                max_overflow=4,
                connect_args={"check_same_thread": False, "timeout": 10},
            )
        return kwargs

    return engine_kwargs


def install() -> None:
    """Apply to every SQLAlchemy engine in this process, and pool Rasa's tracker store (once)."""
    global _installed
    if not _installed:
        from rasa.core import tracker_store

        event.listen(Engine, "connect", _on_connect)
        tracker_store.create_engine_kwargs = pooled_sqlite_kwargs(  # type: ignore[assignment]
            tracker_store.create_engine_kwargs
        )
        _installed = True
