"""The frozen "calling and help coming" set and its report (cradle/safety/calling_set.py)."""

from __future__ import annotations

import pytest

from cradle.frozen import freeze, read_frozen
from cradle.responses import message, pick_variation
from cradle.safety.after_crisis import Conversation, Replies
from cradle.safety.calling_set import CALLING_SETS, LABELS, calling_report, load_calling
from cradle.yamlio import ContentError

# The frozen parts and their checksums: a change to either fails here.
CALLING_PARTS = {
    "part1.yml": "01e72fb72839f956f55cffa17947206f28ff1a97a8a243ea7ac4ae88721739e2",
}


def replies(safety: str, *texts: str) -> list[dict]:
    return [*({"text": t} for t in texts), {"custom": {"safety": safety}}]


def glad_help_is_coming() -> str:
    """The "Help is on the way" button's reply after a medical emergency."""
    variation = pick_variation("utter_safety_glad_safe", {"safety_response": "medical"})
    return " ".join(variation["text"].split())


@pytest.mark.parametrize(("name", "checksum"), CALLING_PARTS.items())
def test_the_calling_set_is_frozen(name, checksum):
    assert read_frozen(CALLING_SETS / name).startswith(f"# sha256: {checksum}\n")


def test_every_calling_part_is_checked_here_and_loads():
    assert {p.name for p in CALLING_SETS.glob("*.yml")} == set(CALLING_PARTS)
    conversations = load_calling()
    assert len(conversations) == 150
    assert {c.label for c in conversations} == set(LABELS)
    assert {c.whose for c in conversations} == {"self", "baby"}


@pytest.mark.parametrize(
    "entry",
    [
        "{first: a, second: b, whose: self, label: waiting}",  # unknown label
        "{first: a, second: b, whose: partner, label: calling}",  # unknown kind
        "{first: a, whose: self, label: calling}",  # no second message
        "just words",
    ],
)
def test_a_malformed_entry_is_refused_naming_its_file(tmp_path, entry):
    part = tmp_path / "part1.yml"
    part.write_text(f"conversations:\n- {entry}\n", encoding="utf-8")
    freeze(part)
    with pytest.raises(ContentError, match="part1.yml"):
        load_calling(tmp_path)


def test_a_changed_part_is_refused(tmp_path):
    part = tmp_path / "part1.yml"
    part.write_text("conversations:\n- {first: a, second: b, whose: self, label: calling}\n")
    freeze(part)
    part.write_text(part.read_text() + "- {first: c, second: d, whose: self, label: calling}\n")
    with pytest.raises(ContentError, match="changed"):
        load_calling(tmp_path)


def test_the_report_counts_which_reply_each_second_message_got():
    crisis = replies("emergency", "Call 999 now.")
    calling = message("crisis_calling")["text"]
    coming = message("crisis_help_coming")["text"]
    pairs = [
        # Calling: heard once, crisis help again once.
        (Conversation("a", "b", "self", "calling"), Replies(crisis, replies("emergency", calling))),
        (Conversation("a", "b", "self", "calling"), Replies(crisis, crisis)),
        # Help coming: heard.
        (Conversation("a", "b", "baby", "help_coming"), Replies(crisis, replies("none", coming))),
        # After a baby's medical emergency: the "Help is on the way" reply.
        (
            Conversation("a", "b", "baby", "help_coming"),
            Replies(crisis, replies("emergency", glad_help_is_coming())),
        ),
        # After a baby's medical emergency: the calling reply written for a medical call.
        (
            Conversation("a", "b", "baby", "calling"),
            Replies(crisis, replies("emergency", message("crisis_calling_medical")["text"])),
        ),
        # Not calling, told "You've done the right thing by calling": counted as such.
        (
            Conversation("a", "b", "self", "not_calling"),
            Replies(crisis, replies("urgent", calling)),
        ),
        # A first message that got no crisis help is not counted.
        (Conversation("a", "b", "self", "not_calling"), Replies(replies("none", "Hi."), crisis)),
    ]
    lines = calling_report(pairs)

    def line(whose: str, label: str) -> str:
        return next(x for x in lines if x.split()[:2] == [whose, label])

    assert "first   2/2" in line("self", "calling")
    assert "calling   1/2" in line("self", "calling") and "again   2/2" in line("self", "calling")
    assert "999   2/2" in line("self", "calling")  # the calling reply says 999 too
    assert "calling   1/1" in line("baby", "calling") and "999   1/1" in line("baby", "calling")
    baby = line("baby", "help_coming")
    assert "coming   1/2" in baby and "on the way   1/2" in baby and "again   1/2" in baby
    assert "on the way   0/2" in line("self", "calling")
    assert "first   1/2" in line("self", "not_calling")
    assert "calling   1/1" in line("self", "not_calling")
    assert "first   0/0" in line("baby", "not_calling")
