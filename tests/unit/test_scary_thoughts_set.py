"""The frozen "after scary unwanted thoughts" set and its report
(cradle/safety/scary_thoughts_set.py)."""

from __future__ import annotations

import pytest

from cradle.frozen import freeze, read_frozen
from cradle.responses import get_responses
from cradle.safety.after_crisis import Replies
from cradle.safety.scary_thoughts_set import (
    SCARY_THOUGHTS_SETS,
    load_scary_thoughts,
    scary_thoughts_report,
)
from cradle.yamlio import ContentError

# The frozen parts and their checksums: a change to either fails here.
SCARY_THOUGHTS_PARTS = {
    "part1.yml": "87c7040f7f9e6d75671b93e97b18591dea2f9dd7da98fa5bb9775356104ea221",
}


def replies(safety: str, *texts: str) -> list[dict]:
    return [*({"text": t} for t in texts), {"custom": {"safety": safety}}]


@pytest.mark.parametrize(("name", "checksum"), SCARY_THOUGHTS_PARTS.items())
def test_the_scary_thoughts_set_is_frozen(name, checksum):
    assert read_frozen(SCARY_THOUGHTS_SETS / name).startswith(f"# sha256: {checksum}\n")


def test_every_scary_thoughts_part_is_checked_here_and_loads():
    assert {p.name for p in SCARY_THOUGHTS_SETS.glob("*.yml")} == set(SCARY_THOUGHTS_PARTS)
    messages = load_scary_thoughts()
    assert len(messages) == 160
    assert sorted({group for _, group in messages}) == ["danger", "everyday"]


@pytest.mark.parametrize("entry", ["{text: a, group: worried}", "{group: danger}", "just words"])
def test_a_malformed_entry_is_refused_naming_its_file(tmp_path, entry):
    part = tmp_path / "part1.yml"
    part.write_text(f"messages:\n- {entry}\n", encoding="utf-8")
    freeze(part)
    with pytest.raises(ContentError, match="part1.yml"):
        load_scary_thoughts(tmp_path)


def test_the_report_counts_crisis_help_the_question_or_neither():
    answer = replies("none", "Scary, unwanted thoughts...")
    question = get_responses()["utter_safety_check"][0]["text"]
    pairs = [
        ("everyday", Replies(answer, replies("urgent", "Call 999 now."))),
        ("everyday", Replies(answer, replies("none", question))),
        ("everyday", Replies(answer, replies("none", "What this is"))),
        ("danger", Replies(answer, replies("emergency", "Call 999 now."))),
        # The first reply was crisis help, not the answer: not counted.
        ("danger", Replies(replies("emergency", "Call 999 now."), replies("none", "Hi"))),
    ]
    lines = scary_thoughts_report(pairs)

    def line(group: str) -> str:
        return next(x for x in lines if x.split()[:1] == [group])

    assert "first   3/3" in line("everyday")
    assert "crisis   1/3" in line("everyday") and "asked   1/3" in line("everyday")
    assert "neither   1/3" in line("everyday")
    assert "first   1/2" in line("danger") and "crisis   1/1" in line("danger")
