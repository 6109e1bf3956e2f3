"""The tracker store's SQLite connections use WAL and normal sync once the channel is loaded."""

from __future__ import annotations

import sqlalchemy as sa

from cradle import sqlite_tuning


def test_sqlite_connections_use_wal(tmp_path):
    sqlite_tuning.install()
    sqlite_tuning.install()  # idempotent
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'tracker.db'}")
    with engine.connect() as conn:
        assert conn.execute(sa.text("PRAGMA journal_mode")).scalar_one() == "wal"
        assert conn.execute(sa.text("PRAGMA synchronous")).scalar_one() == 1  # NORMAL
    engine.dispose()
