"""A logging filter that keeps message text and phone numbers out of every log, at every level.

The channels register each incoming text here; any log record that contains it (Rasa logs user
text at DEBUG) has it replaced by "[message]". Anything that looks like a phone number becomes
"[phone]". CRADLE_LOG_MESSAGE_TEXT=1 turns scrubbing off for local debugging only.
"""

from __future__ import annotations

import collections
import logging
import os
import re
import threading

_PHONE = re.compile(r"(?<![\w])\+?(?:\d[\s()-]?){9,14}\d(?![\w])")
_MIN_TEXT = 3


class MessageScrubber(logging.Filter):
    def __init__(self, remember: int = 2000) -> None:
        super().__init__()
        self._texts: collections.OrderedDict[str, None] = collections.OrderedDict()
        self._remember = remember
        self._lock = threading.Lock()

    def register(self, *texts: object) -> None:
        with self._lock:
            for text in texts:
                if isinstance(text, str) and len(text.strip()) >= _MIN_TEXT:
                    self._texts[text] = None
                    self._texts.move_to_end(text)
            while len(self._texts) > self._remember:
                self._texts.popitem(last=False)

    def scrub(self, line: str) -> str:
        with self._lock:
            texts = sorted(self._texts, key=len, reverse=True)
        for text in texts:
            if text in line:
                line = line.replace(text, "[message]")
        return _PHONE.sub("[phone]", line)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = self.scrub(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and record.exc_text is None and record.exc_info[1] is not None:
            record.exc_text = self.scrub(logging.Formatter().formatException(record.exc_info))
        return True


SCRUBBER = MessageScrubber()


def install() -> MessageScrubber:
    """Attach the scrubber to every handler of the root logger (once), unless debugging text."""
    if os.environ.get("CRADLE_LOG_MESSAGE_TEXT") == "1":
        return SCRUBBER
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig()
    for handler in root.handlers:
        if SCRUBBER not in handler.filters:
            handler.addFilter(SCRUBBER)
    return SCRUBBER


def register(*texts: object) -> None:
    SCRUBBER.register(*texts)
