"""Privacy by default, end to end: the insight log and every log file hold no message text and
no phone number, with Rasa logging at DEBUG (where it writes user text)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from cradle.insights import InsightLog
from tests.integration.test_conversation import say
from tests.integration.test_sms import text_sms

pytestmark = pytest.mark.integration


def test_nothing_personal_reaches_the_insight_log_or_the_logs(stack):
    log = InsightLog(Path(stack.config.var, "tracker.db"), frozenset())
    before = log.count()
    say(stack, "privacy-web-1", "my purple kangaroo feels low, ring me on 07700 900456")
    say(stack, "privacy-web-1", "yes please")
    say(stack, "privacy-web-1", "Rugby")
    text_sms(stack, "+447700900457", "zebra lighthouse, I can't sleep, 01632 960123")
    rows = log.rows(dt.date(2000, 1, 1), dt.date(2100, 1, 1))
    assert len(rows) >= before + 4  # the turns were recorded...
    assert any(r["district"] == "rugby" and r["services"] != "[]" for r in rows)
    # The log shares the tracker's database, which holds conversations by design (for 30
    # days): so every stored value of the insight table is checked, not the file's bytes.
    raw = json.dumps(rows).encode()
    logs = b"".join(p.read_bytes() for p in Path(stack.config.var, "logs").glob("*"))
    assert b"DEBUG" in logs  # ...while Rasa logged at DEBUG
    for secret in (
        b"kangaroo",
        b"zebra lighthouse",
        b"07700 900456",
        b"7700900456",
        b"447700900457",
        b"01632 960123",
    ):
        assert secret not in raw, secret
        assert secret not in logs, secret
    # Sender ids are random session codes; even so, the insight log never keeps them.
    assert b"privacy-web-1" not in raw and b"sms-" not in raw
