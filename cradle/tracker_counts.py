"""Save a turn's new events without asking the database how many it already holds.

Rasa 3.6's SQL tracker store finds the events to write on every save by counting the
conversation's stored events since its last session start (a query with a subquery, through
the ORM): 10% of a topic question's time in the Rasa server (py-spy, docs/performance.md). The
tracker being saved was read from the same store earlier in the same turn, so how many of its
events are stored is known: the number it was read with, then the number after each save.

The same events are written in the same order. A tracker the store did not read (a new
conversation, or one read with every session) falls back to Rasa's own count. It holds with
replicas: a conversation's turn runs in one process at a time (the lock store), and nothing is
kept between turns. If `cradle purge` deletes old events during a turn, the turn still writes
only its own new events (Rasa's count would then fall short and write some events twice).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

# The number of the tracker's events that are in the database, kept on the tracker object
# itself, so it lives exactly as long as the turn's tracker does.
STORED = "_cradle_stored_events"

_installed = False
_rasa_retrieve = SQLTrackerStore._retrieve
_rasa_additional_events = SQLTrackerStore._additional_events
_rasa_save = SQLTrackerStore.save


async def _retrieve(
    store: SQLTrackerStore, sender_id: str, fetch_events_from_all_sessions: bool
) -> DialogueStateTracker | None:
    tracker = await _rasa_retrieve(store, sender_id, fetch_events_from_all_sessions)
    # With every session, the tracker holds more events than Rasa's count (which starts at the
    # last session), so only the usual read of the latest session is marked.
    if tracker is not None and not fetch_events_from_all_sessions:
        setattr(tracker, STORED, len(tracker.events))
    return tracker


def _additional_events(
    store: SQLTrackerStore, session: Any, tracker: DialogueStateTracker
) -> Iterator:
    stored = getattr(tracker, STORED, None)
    if stored is None or stored > len(tracker.events):
        return _rasa_additional_events(store, session, tracker)
    return itertools.islice(tracker.events, stored, len(tracker.events))


async def _save(store: SQLTrackerStore, tracker: DialogueStateTracker) -> None:
    await _rasa_save(store, tracker)
    setattr(tracker, STORED, len(tracker.events))


def install() -> None:
    """For every SQL tracker store in this process, SQLite and PostgreSQL (once)."""
    global _installed
    if not _installed:
        SQLTrackerStore._retrieve = _retrieve  # type: ignore[method-assign]
        SQLTrackerStore._additional_events = _additional_events  # type: ignore[method-assign]
        SQLTrackerStore.save = _save  # type: ignore[method-assign]
        _installed = True
