"""The last few results of a costly reading of a message, keyed by a digest of its text.

Two readings of a message happen more than once in the Rasa process: the safety net's (by the
channel, then by the NLU component for messages that arrive another way) and the sentence
vector's (worked out ahead by the channel, read by the NLU). Both keep their last results here.
Only a digest of each text is kept, never the text.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from typing import Generic, TypeVar

T = TypeVar("T")


def digest(*parts: str) -> bytes:
    """A short key for a text (and what it was read with); the text cannot be read from it."""
    return hashlib.blake2b("\0".join(parts).encode(), digest_size=16).digest()


class Recent(Generic[T]):
    """The last `size` results by key, oldest dropped first. Thread-safe: the NLU pipeline may
    run in a worker thread."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._items: OrderedDict[bytes, T] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: bytes) -> T | None:
        with self._lock:
            item = self._items.get(key)
            if item is not None:
                self._items.move_to_end(key)
            return item

    def put(self, key: bytes, item: T) -> None:
        with self._lock:
            self._items[key] = item
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def keys(self) -> list[bytes]:
        with self._lock:
            return list(self._items)
