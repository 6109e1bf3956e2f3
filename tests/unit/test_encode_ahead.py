"""The encoder-ahead batches what queues up, hands each caller its own vector, keeps only
digests, and never loses a message when encoding fails."""

from __future__ import annotations

import asyncio
import threading

import numpy as np
import pytest

from cradle.encode_ahead import MAX_BATCH, EncodeAhead
from cradle.recent import Recent, digest


class Recorder:
    """A stand-in encoder whose vector says which text it was for (its length and first
    letter), and which records the batches it was given. The first call can be held back."""

    def __init__(self, hold_first: bool = False, fail: bool = False) -> None:
        self.batches: list[list[str]] = []
        self.release = threading.Event()
        if not hold_first:
            self.release.set()
        self.fail = fail

    def __call__(self, texts: list[str]) -> np.ndarray:
        self.batches.append(list(texts))
        self.release.wait(5)
        if self.fail:
            raise RuntimeError("model missing")
        return np.array([[len(t), ord(t[0])] for t in texts], dtype=np.float32)


def test_messages_that_queue_while_one_is_encoded_go_in_one_batch_and_each_gets_its_own():
    async def scenario():
        encode = Recorder(hold_first=True)
        ahead = EncodeAhead(encode)
        first = ahead.submit("hello")
        later = [ahead.submit(t) for t in ("a", "bb", "ccc", "bb")]
        encode.release.set()
        return encode.batches, await first, await asyncio.gather(*later)

    batches, first, later = asyncio.run(scenario())
    assert batches == [["hello"], ["a", "bb", "ccc"]]  # "bb" twice is encoded once
    assert first.tolist() == [5, ord("h")]
    assert [v.tolist() for v in later] == [[1, ord("a")], [2, ord("b")], [3, ord("c")], [2, 98]]


def test_a_long_queue_is_cut_into_batches_of_at_most_max_batch():
    async def scenario():
        encode = Recorder(hold_first=True)
        ahead = EncodeAhead(encode)
        futures = [ahead.submit("x" * n) for n in range(1, 2 * MAX_BATCH + 3)]
        encode.release.set()
        await asyncio.gather(*futures)
        return encode.batches

    sizes = [len(b) for b in asyncio.run(scenario())]
    assert sizes == [1, MAX_BATCH, MAX_BATCH, 1]


def test_the_nlu_reads_what_was_encoded_ahead_and_encodes_only_the_rest():
    async def ahead_of_time(ahead):
        await ahead.submit("i feel low")

    encode = Recorder()
    ahead = EncodeAhead(encode)
    asyncio.run(ahead_of_time(ahead))
    rows = ahead.vectors(["i feel low", "groups in rugby"])
    assert encode.batches == [["i feel low"], ["groups in rugby"]]
    assert rows.tolist() == [[10, ord("i")], [15, ord("g")]]


def test_a_failed_encoding_reaches_the_callers_and_the_next_message_is_still_encoded():
    async def scenario():
        failing = Recorder(fail=True)
        ahead = EncodeAhead(failing)
        with pytest.raises(RuntimeError, match="model missing"):
            await ahead.submit("hello")
        failing.fail = False
        return await ahead.submit("again")

    assert asyncio.run(scenario()).tolist() == [5, ord("a")]


def test_a_caller_that_stopped_waiting_does_not_break_the_batch():
    async def scenario():
        encode = Recorder(hold_first=True)
        ahead = EncodeAhead(encode)
        gone = ahead.submit("gone")
        kept = ahead.submit("kept")
        gone.cancel()
        encode.release.set()
        return await kept

    assert asyncio.run(scenario()).tolist() == [4, ord("k")]


def test_recent_vectors_keep_digests_not_text_and_forget_the_oldest():
    recent: Recent[np.ndarray] = Recent(size=2)
    for text in ("my wife is struggling", "b", "c"):
        recent.put(digest(text), np.zeros(2, dtype=np.float32))
    assert recent.get(digest("my wife is struggling")) is None
    assert recent.get(digest("c")) is not None
    assert all(b"wife" not in key for key in recent.keys())
    assert all(len(key) == 16 for key in recent.keys())
