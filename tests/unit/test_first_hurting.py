"""The frozen "who does the hurting, in a first message" set and its counts
(cradle/safety/first_hurting.py)."""

from __future__ import annotations

import pytest

from cradle.frozen import grouped_messages, read_frozen
from cradle.safety import SafetyResult
from cradle.safety.first_hurting import (
    FIRST_HURTING_SETS,
    GROUPS,
    OTHERS_GROUPS,
    OTHERS_HURTING_SETS,
    report,
    written_for,
)

# The frozen parts and their checksums: a change to either fails here.
FIRST_HURTING_PARTS = {
    "part1.yml": "04ef9daeddf05e12947861043615c9949dea52ed320c0c58a020306a5f7804f8",
    "part2.yml": "73f5effd6d48395dcb14aef2fc1697e9e031b1162f71086e60de244e7a1cdf49",
}
OTHERS_HURTING_PARTS = {
    "part1.yml": "de709564aa8215d5df152b44ecc9aa70215588d70e8eae69b0ebab319836d6cc",
}


@pytest.mark.parametrize(
    ("path", "checksum"),
    [
        pytest.param(folder / name, sha, id=f"{folder.name}/{name}")
        for folder, parts in (
            (FIRST_HURTING_SETS, FIRST_HURTING_PARTS),
            (OTHERS_HURTING_SETS, OTHERS_HURTING_PARTS),
        )
        for name, sha in parts.items()
    ],
)
def test_the_first_message_hurting_sets_are_frozen(path, checksum):
    assert read_frozen(path).startswith(f"# sha256: {checksum}\n")


def test_every_others_hurting_part_is_checked_here_and_loads():
    assert {p.name for p in OTHERS_HURTING_SETS.glob("*.yml")} == set(OTHERS_HURTING_PARTS)
    messages = grouped_messages(OTHERS_HURTING_SETS, OTHERS_GROUPS)
    assert len(messages) == 160
    assert {group for _, group in messages} == set(OTHERS_GROUPS)


def test_every_first_message_hurting_part_is_checked_here_and_loads():
    assert {p.name for p in FIRST_HURTING_SETS.glob("*.yml")} == set(FIRST_HURTING_PARTS)
    messages = grouped_messages(FIRST_HURTING_SETS, GROUPS)
    assert len(messages) == 300
    assert {group for _, group in messages} == set(GROUPS)


@pytest.mark.parametrize(
    ("result", "kind"),
    [
        (SafetyResult("urgent", "losing_control"), "writer"),
        (SafetyResult("emergency", "emergency"), "writer"),
        (SafetyResult("urgent", "abuse_for_other"), "other"),
        (SafetyResult("emergency", "emergency_for_other"), "other"),
        (SafetyResult("emergency", "medical"), "anyone"),
        (SafetyResult("none", "check"), "none"),
        (SafetyResult(), "none"),
    ],
)
def test_each_reply_is_counted_by_whom_it_is_written_for(result, kind):
    assert written_for(result) == kind


def test_the_report_counts_per_group():
    read = {
        "a": SafetyResult("urgent", "losing_control"),
        "b": SafetyResult("urgent", "abuse_for_other"),
        "c": SafetyResult(),
    }
    messages = [("a", "own_urge"), ("b", "own_urge"), ("b", "other_hurts_baby"), ("c", "own_urge")]
    lines = report(messages, read.__getitem__, ", part2.yml")
    assert "part2.yml" in lines[0]
    own = next(line for line in lines if line.strip().startswith("own_urge"))
    assert "writer   1/3" in own and "other   1/3" in own and "none   1/3" in own
    baby = next(line for line in lines if line.strip().startswith("other_hurts_baby"))
    assert "other   1/1" in baby and "writer   0/1" in baby
