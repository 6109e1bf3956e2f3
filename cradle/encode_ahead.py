"""Sentence vectors worked out ahead of the NLU, in a worker thread, several messages at once.

Rasa runs its NLU graph on the event loop, one message at a time, so each message's sentence
vector (cradle/sentence_vectors.py) cost about 5-9 ms of the only busy core, most of it reading
the model's 40 MB of weights from memory once per message. The channel (bot/channels/guard.py)
hands each typed message to `EncodeAhead.submit` as it arrives: one worker thread encodes
whatever has queued up in one forward pass (the weights are read once for the whole batch), on
the second core, while the event loop classifies the message and reads the session. The NLU
component (bot/components/sentence_vectors.py) then finds the vector in the cache
(cradle/recent.py: digests, never the text) and encodes only what it does not find, so a
message that arrives another way is still encoded.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache

import numpy as np

from cradle.recent import Recent, digest

logger = logging.getLogger(__name__)
Encode = Callable[[list[str]], np.ndarray]
MAX_BATCH = 32  # messages per forward pass; more would wait for the longest


class EncodeAhead:
    """Queue texts from the event loop; one worker thread encodes each queue-full at once."""

    def __init__(self, encode: Encode) -> None:
        self._encode = encode
        self._recent: Recent[np.ndarray] = Recent()
        self._waiting: list[tuple[str, asyncio.Future[np.ndarray]]] = []
        self._busy = False
        self._pool: ThreadPoolExecutor | None = None

    def submit(self, text: str) -> asyncio.Future[np.ndarray]:
        """A future for the text's vector. Call from the event loop; work starts at once (not
        at the next await), so it overlaps whatever the caller does next."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[np.ndarray] = loop.create_future()
        vector = self.cached(text)
        if vector is not None:
            future.set_result(vector)
            return future
        self._waiting.append((text, future))
        if not self._busy:
            self._start(loop)
        return future

    def cached(self, text: str) -> np.ndarray | None:
        """The text's vector if it was worked out a moment ago."""
        return self._recent.get(digest(text))

    def vectors(self, texts: list[str]) -> np.ndarray:
        """One row per text, cached where it was worked out ahead, encoded here where not."""
        rows = [self.cached(t) for t in texts]
        missing = [i for i, row in enumerate(rows) if row is None]
        if missing:
            for i, vector in zip(missing, self._encode([texts[i] for i in missing]), strict=True):
                rows[i] = vector
        return np.stack(rows)  # type: ignore[arg-type]

    def _start(self, loop: asyncio.AbstractEventLoop) -> None:
        batch, self._waiting = self._waiting[:MAX_BATCH], self._waiting[MAX_BATCH:]
        texts = list(dict.fromkeys(text for text, _ in batch))
        if self._pool is None:
            self._pool = ThreadPoolExecutor(1, thread_name_prefix="encode-ahead")
        self._busy = True
        work = loop.run_in_executor(self._pool, self._encode, texts)
        work.add_done_callback(lambda done: self._finish(loop, texts, batch, done))

    def _finish(
        self,
        loop: asyncio.AbstractEventLoop,
        texts: list[str],
        batch: list[tuple[str, asyncio.Future[np.ndarray]]],
        done: asyncio.Future[np.ndarray],
    ) -> None:
        self._busy = False
        error = done.exception()
        found: dict[str, np.ndarray] = {}
        if error is None:
            found = dict(zip(texts, done.result(), strict=True))
            for text, vector in found.items():
                self._recent.put(digest(text), vector)
        else:
            logger.error("could not encode %d message(s) ahead: %r", len(texts), error)
        for text, future in batch:
            if future.done():  # the caller stopped waiting
                continue
            if error is None:
                future.set_result(found[text])
            else:
                future.set_exception(error)
        if self._waiting:
            self._start(loop)


@lru_cache(maxsize=1)
def get_encode_ahead() -> EncodeAhead:
    """The process's encoder-ahead, over the installed model (loaded once per process)."""
    from cradle.sentence_vectors import encoder

    return EncodeAhead(lambda texts: encoder().encode(texts))
