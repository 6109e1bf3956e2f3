"""A turn's new events are saved once each, without counting the stored ones (real SQLite)."""

from __future__ import annotations

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from cradle import tracker_counts

DOMAIN = Domain.from_yaml("version: '3.1'\nslots: {}")


@pytest.fixture
def store(tmp_path, monkeypatch):
    tracker_counts.install()
    tracker_counts.install()  # idempotent
    store = SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "tracker.db"))
    counted: list[str] = []
    original = store._event_query

    def spy(session, sender_id, fetch_events_from_all_sessions):
        counted.append(sender_id)
        return original(session, sender_id, fetch_events_from_all_sessions)

    monkeypatch.setattr(store, "_event_query", spy)
    store.counted = counted  # type: ignore[attr-defined]
    yield store
    store.engine.dispose()


def stored_types(store: SQLTrackerStore, sender: str) -> list[str]:
    with store.session_scope() as session:
        rows = session.query(store.SQLEvent).filter_by(sender_id=sender).order_by("id").all()
        return [row.type_name for row in rows]


def a_turn(tracker: DialogueStateTracker, text: str) -> None:
    tracker.update(UserUttered(text))
    tracker.update(ActionExecuted("utter_greet"))
    tracker.update(BotUttered("hello"))
    tracker.update(ActionExecuted("action_listen"))


async def test_a_turn_read_from_the_store_saves_its_new_events_once_without_a_count(store):
    tracker = DialogueStateTracker("parent", DOMAIN.slots)
    tracker.update(SessionStarted())
    a_turn(tracker, "hello")
    await store.save(tracker)  # a new conversation: Rasa's own count
    assert store.counted == ["parent"]
    assert len(stored_types(store, "parent")) == 5

    read = await store.retrieve("parent")  # the next turn
    store.counted.clear()
    a_turn(read, "thanks")
    await store.save(read)
    await store.save(read)  # a second save in the same turn writes nothing again
    assert store.counted == []  # no count query
    assert stored_types(store, "parent") == [
        "session_started",
        *["user", "action", "bot", "action"] * 2,
    ]
    again = await store.retrieve("parent")
    assert [e.text for e in again.events if isinstance(e, UserUttered)] == ["hello", "thanks"]


async def test_a_tracker_read_with_every_session_falls_back_to_rasas_count(store):
    tracker = DialogueStateTracker("parent", DOMAIN.slots)
    tracker.update(SessionStarted())
    a_turn(tracker, "hello")
    await store.save(tracker)
    full = await store.retrieve_full_tracker("parent")
    assert full is not None and not hasattr(full, tracker_counts.STORED)
    store.counted.clear()
    a_turn(full, "thanks")
    await store.save(full)
    assert store.counted == ["parent"]  # Rasa's own count decided what to write
    assert len(stored_types(store, "parent")) == 9
