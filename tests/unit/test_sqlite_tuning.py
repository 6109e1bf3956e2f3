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


async def test_rasa_keeps_its_sqlite_tracker_connections_in_a_pool(tmp_path):
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker
    from sqlalchemy.pool import QueuePool

    sqlite_tuning.install()
    domain = Domain.from_yaml("version: '3.1'\nslots:\n  topic:\n    type: any\n    mappings: []")
    store = SQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "tracker.db"))
    assert isinstance(store.engine.pool, QueuePool)
    tracker = DialogueStateTracker("pooled", domain.slots)
    tracker.update(UserUttered("hello"))
    tracker.update(SlotSet("topic", "sleep-and-exhaustion"))
    for _ in range(3):  # the same connections are reused, and what was written is read back
        await store.save(tracker)
    again = SQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "tracker.db"))
    read = await again.retrieve("pooled")
    assert read is not None and read.get_slot("topic") == "sleep-and-exhaustion"
    assert store.engine.pool.checkedout() == 0  # every connection went back to the pool
    store.engine.dispose()
    again.engine.dispose()
