"""Several Rasa workers on one machine (`make run`'s default), sharing the SQLite tracker store
and the SQLite lock store: conversations held at once lose nothing and never interleave."""

from __future__ import annotations

import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from cradle.launcher import DEFAULT_RASA_WORKERS
from cradle.loadbench import child_pids
from tests.scale.test_scale_out import TURNS, assert_every_turn_kept_in_order, converse, post

pytestmark = pytest.mark.integration


def test_the_default_stack_runs_several_rasa_workers_with_the_sqlite_lock_store(stack):
    rasa = next(p for p in stack.procs if p.name == "rasa")
    assert stack.config.rasa_workers == DEFAULT_RASA_WORKERS > 1
    assert len(child_pids(rasa.popen.pid)) == DEFAULT_RASA_WORKERS
    post(f"{stack.config.rasa_url}/webhooks/rest/webhook", {"sender": "w", "message": "hello"})
    assert Path(stack.config.var, "locks.db").is_file()  # made by the first message's lock


def test_thirty_conversations_at_once_across_workers_lose_nothing(stack):
    url = stack.config.rasa_url
    reference = converse(stack, "workers-reference", [url])  # a conversation on its own
    senders = [f"workers-parent-{n:02d}" for n in range(30)]
    with ThreadPoolExecutor(max_workers=30) as pool:
        results = list(pool.map(lambda s: converse(stack, s, [url]), senders))
    assert all(result == reference for result in results)
    assert_every_turn_kept_in_order(stack, senders)


def test_two_messages_sent_at_once_in_one_conversation_are_answered_one_after_the_other(stack):
    # A double-tapped Send: the two requests may reach different workers; the lock store
    # makes the second wait until the first is answered and saved.
    url = f"{stack.config.rasa_url}/webhooks/rest/webhook"
    senders = [f"double-tap-{n}" for n in range(8)]
    texts = ["hello", "how do i bond with my baby"]

    def send_both(sender: str) -> list[list[dict]]:
        with ThreadPoolExecutor(max_workers=2) as pool:
            return list(pool.map(lambda t: post(url, {"sender": sender, "message": t}), texts))

    with ThreadPoolExecutor(max_workers=8) as pool:
        replies = list(pool.map(send_both, senders))
    assert all(reply and reply[0].get("text") for pair in replies for reply in pair)
    for sender in senders:
        events = stack.tracker(sender)["events"]
        assert sorted(e["text"] for e in events if e["event"] == "user") == sorted(texts)
        kinds = [e["event"] for e in events if e["event"] in ("user", "bot")]
        starts = [i for i, kind in enumerate(kinds) if kind == "user"]
        assert all(kinds[i + 1] == "bot" for i in starts), sender


def test_a_crisis_during_a_busy_minute_still_gets_crisis_help_first(stack):
    url = stack.config.rasa_url
    with ThreadPoolExecutor(max_workers=20) as pool:
        busy = [pool.submit(converse, stack, f"busy-{n}", [url]) for n in range(20)]
        crisis = post(
            f"{url}/webhooks/rest/webhook", {"sender": "busy-crisis", "message": "I want to die"}
        )
        assert all(len(f.result()) == len(TURNS) for f in busy)
    assert "116 123" in crisis[0]["text"]


def test_every_worker_warms_up_at_start_without_storing_a_conversation(stack):
    # Each worker loads the safety net, the content and the NLU before its first parent does
    # (about a second otherwise); the warm-up reads the stores but writes nothing to them.
    from bot.channels.guard import WARM_UP_SENDER

    rasa = next(p for p in stack.procs if p.name == "rasa")
    log = rasa.log.read_text(errors="replace")
    assert "could not warm up" not in log
    # The stack said ready only after every worker had warmed up: each left its mark.
    marked = {int(f.name) for f in stack.warm_dir.iterdir()}
    assert marked == set(child_pids(rasa.popen.pid))
    post(f"{stack.config.rasa_url}/webhooks/rest/webhook", {"sender": "w2", "message": "hello"})
    with sqlite3.connect(Path(stack.config.var, "tracker.db")) as db:
        stored = db.execute(
            "SELECT COUNT(*) FROM events WHERE sender_id = ?", (WARM_UP_SENDER,)
        ).fetchone()[0]
        assert db.execute("SELECT COUNT(*) FROM events").fetchone()[0] > 0  # the right file
    assert stored == 0
