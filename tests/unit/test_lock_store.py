"""The SQLite lock store serialises one conversation's messages across processes (real SQLite,
real processes), the way Rasa's Sanic workers use it."""

from __future__ import annotations

import asyncio
import multiprocessing
import time
from pathlib import Path

import pytest
from rasa.core.lock_store import LockError, LockStore
from rasa.utils.endpoints import EndpointConfig

from cradle.lock_store import SQLiteLockStore
from cradle.paths import lock_db_path
from cradle.preflight import PreflightError, check_lock_store


def test_rasa_builds_it_from_endpoints_yml_and_allows_several_workers(tmp_path, monkeypatch):
    from rasa.core.utils import number_of_sanic_workers

    config = EndpointConfig(type="cradle.lock_store.SQLiteLockStore", db=str(tmp_path / "l.db"))
    store = LockStore.create(config)
    assert isinstance(store, SQLiteLockStore)
    assert store.path == tmp_path / "l.db"
    monkeypatch.setenv("SANIC_WORKERS", "2")
    assert number_of_sanic_workers(config) == 2


def test_without_a_configured_file_it_lives_under_var(tmp_path, monkeypatch):
    monkeypatch.delenv("CRADLE_LOCK_DB", raising=False)
    monkeypatch.setenv("CRADLE_VAR_DIR", str(tmp_path))
    assert lock_db_path() == tmp_path / "locks.db"
    monkeypatch.setenv("CRADLE_LOCK_DB", str(tmp_path / "other.db"))
    assert lock_db_path() == tmp_path / "other.db"


def test_tickets_are_served_in_order_and_the_lock_goes_when_the_last_is_done(tmp_path):
    store = SQLiteLockStore(db=tmp_path / "locks.db")
    first = store.issue_ticket("parent-1")
    second = store.issue_ticket("parent-1")
    assert second == first + 1
    lock = store.get_lock("parent-1")
    assert lock is not None and not lock.is_locked(first) and lock.is_locked(second)
    store.cleanup("parent-1", first)
    assert not store.get_lock("parent-1").is_locked(second)  # type: ignore[union-attr]
    store.cleanup("parent-1", second)
    assert store.get_lock("parent-1") is None  # nothing about the conversation is kept


def _issue_many(path: str, conversation: str, count: int, out: multiprocessing.Queue) -> None:
    store = SQLiteLockStore(db=path)
    out.put([store.issue_ticket(conversation, 60) for _ in range(count)])


def test_tickets_issued_by_racing_processes_are_all_different(tmp_path):
    # Rasa's base class reads, changes and writes a lock in three steps; without one
    # transaction around them two workers can be given the same ticket for one conversation.
    path = str(tmp_path / "locks.db")
    SQLiteLockStore(db=path).get_lock("warm-up")  # the table exists before the race
    ctx = multiprocessing.get_context("fork")  # as Sanic starts its workers
    out: multiprocessing.Queue = ctx.Queue()
    workers = [ctx.Process(target=_issue_many, args=(path, "shared", 50, out)) for _ in range(4)]
    for worker in workers:
        worker.start()
    tickets = [ticket for _ in workers for ticket in out.get(timeout=60)]
    for worker in workers:
        worker.join(timeout=30)
    assert sorted(tickets) == list(range(len(tickets)))


def _hold_lock(path: str, conversation: str, out: multiprocessing.Queue) -> None:
    async def turn() -> tuple[float, float]:
        store = SQLiteLockStore(db=path)
        async with store.lock(conversation, lock_lifetime=30, wait_time_in_seconds=0.01):
            entered = time.monotonic()
            await asyncio.sleep(0.2)  # a turn in progress
            return entered, time.monotonic()

    out.put(asyncio.run(turn()))


def test_two_workers_never_process_one_conversation_at_the_same_time(tmp_path):
    path = str(tmp_path / "locks.db")
    ctx = multiprocessing.get_context("fork")
    out: multiprocessing.Queue = ctx.Queue()
    workers = [ctx.Process(target=_hold_lock, args=(path, "parent-2", out)) for _ in range(3)]
    for worker in workers:
        worker.start()
    spans = sorted(out.get(timeout=60) for _ in workers)
    for worker in workers:
        worker.join(timeout=30)
    for (_, ended), (started, _) in zip(spans, spans[1:], strict=False):
        assert started >= ended  # each turn starts after the previous one ended
    assert SQLiteLockStore(db=path).get_lock("parent-2") is None


def test_a_store_made_before_a_fork_opens_its_own_connection_in_the_child(tmp_path):
    store = SQLiteLockStore(db=tmp_path / "locks.db")
    store.issue_ticket("before-fork")
    ctx = multiprocessing.get_context("fork")
    out: multiprocessing.Queue = ctx.Queue()

    def child() -> None:
        out.put(store.issue_ticket("before-fork"))

    process = ctx.Process(target=child)
    process.start()
    assert out.get(timeout=30) == 1
    process.join(timeout=30)
    assert store.issue_ticket("before-fork") == 2


def test_a_lock_file_that_cannot_be_opened_is_a_lock_error_not_a_crash(tmp_path):
    (tmp_path / "locks.db").mkdir()  # a folder where the file should be
    with pytest.raises(LockError):
        SQLiteLockStore(db=tmp_path / "locks.db").issue_ticket("parent-3")


@pytest.mark.parametrize(
    "folder_exists, message",
    [(False, "does not exist or is not writable"), (True, None)],
)
def test_preflight_names_a_lock_store_folder_that_cannot_be_written(
    tmp_path: Path, folder_exists: bool, message: str | None
):
    folder = tmp_path / "var"
    if folder_exists:
        folder.mkdir()
    config = {"type": "cradle.lock_store.SQLiteLockStore", "db": str(folder / "locks.db")}
    if message is None:
        check_lock_store(config)
    else:
        with pytest.raises(PreflightError, match=message):
            check_lock_store(config)
