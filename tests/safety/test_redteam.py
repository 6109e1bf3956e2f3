"""The release bar for the safety net on the red-team set (content/safety/bank/redteam.yml).

The lexicon was written against this set and the second opinion trains on it, so it is a
regression check: nothing that was once caught may slip. Generalisation is measured on the
frozen evaluation set (test_frozen_evaluation.py). `make bench-safety` prints both.
"""

from __future__ import annotations

import pytest

from cradle.safety import classify, tier_rank
from cradle.safety.evaluate import load_redteam, net_classifier, run

ITEMS = load_redteam()


def _texts(tier: str) -> list[str]:
    return [item.text for item in ITEMS if item.tier == tier]


@pytest.mark.parametrize("text", _texts("emergency"))
def test_no_emergency_is_missed(text):
    assert classify(text).tier == "emergency"


@pytest.mark.parametrize("text", _texts("urgent"))
def test_no_urgent_message_is_missed(text):
    assert tier_rank(classify(text).tier) >= tier_rank("urgent")


@pytest.mark.parametrize("text", _texts("support"))
def test_support_messages_get_at_least_support(text):
    assert tier_rank(classify(text).tier) >= tier_rank("support")


def test_false_alarms_on_everyday_messages_are_at_most_3_percent():
    alarms, total = run("red-team", ITEMS, net_classifier()).false_alarms()
    assert total >= 150
    assert len(alarms) / total <= 0.03, [item.text for item, _ in alarms]


def test_the_set_is_big_enough_to_mean_something():
    assert sum(item.tier != "none" for item in ITEMS) >= 300
