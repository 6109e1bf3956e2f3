"""The release bar for the safety net, on the red-team set in tests/safety/redteam.yml.

Zero misses on the emergency and urgent sets; at most 5% false alarms on the benign set.
`make bench-safety` prints the same figures with confidence intervals.
"""

from __future__ import annotations

import pytest

from cradle.safety import classify, tier_rank
from cradle.safety_eval import evaluate, load_redteam

SETS = load_redteam()


@pytest.mark.parametrize("text", SETS["emergency"])
def test_no_emergency_is_missed(text):
    assert classify(text).tier == "emergency"


@pytest.mark.parametrize("text", SETS["urgent"])
def test_no_urgent_message_is_missed(text):
    assert tier_rank(classify(text).tier) >= tier_rank("urgent")


@pytest.mark.parametrize("text", SETS["support"])
def test_support_messages_get_at_least_support(text):
    assert tier_rank(classify(text).tier) >= tier_rank("support")


def test_false_alarms_on_everyday_messages_are_at_most_5_percent():
    evaluation = evaluate()
    assert evaluation.benign_total >= 150
    assert evaluation.false_alarm_rate <= 0.05, evaluation.false_alarms


def test_the_set_is_big_enough_to_mean_something():
    assert sum(len(SETS[t]) for t in ("emergency", "urgent", "support")) >= 300
