"""Whose crisis is it? The reply speaks to the writer or about someone else, never weaker."""

from __future__ import annotations

import pytest

from cradle.frozen import read_frozen
from cradle.safety import SafetyResult, classify, get_net
from cradle.safety.whose import WHOSE_SETS, load_whose, reply_for_whom
from cradle.turn import SessionSafety, prepare_turn
from cradle.yamlio import ContentError

THRESHOLD = 0.8
OTHER, CONCERN = "emergency_for_other", "concern_for_other"


@pytest.mark.parametrize(
    ("tier", "chosen", "someone_else", "sent"),
    [
        # Clearly someone else's: the reply for someone else, as strong as the tier.
        ("emergency", "emergency", 0.95, "emergency_for_other"),
        ("urgent", "urgent", 0.95, "concern_for_other"),
        # A lexicon "kill herself" at an emergency tier gets the emergency reply for others.
        ("emergency", "concern_for_other", None, "emergency_for_other"),
        # Clearly the writer's: the writer's own reply, even if a layer chose the other one.
        ("urgent", "concern_for_other", 0.05, "urgent"),
        ("emergency", "emergency_for_other", 0.05, "emergency"),
        # Unsure, or too short to read: the layers' own choice says whose it is.
        ("emergency", "emergency", 0.5, "emergency"),
        ("urgent", "concern_for_other", 0.5, "concern_for_other"),
        ("urgent", "urgent", None, "urgent"),
        # Never weaker: an emergency reply a layer chose at an urgent tier stays an emergency one.
        ("urgent", "emergency", 0.05, "emergency"),
        ("urgent", "emergency", 0.95, "emergency_for_other"),
        # Tablets taken: the writer's own reply ("they can harm you hours later") is kept for
        # the writer, and someone else's gets the reply for someone else's emergency.
        ("emergency", "overdose", 0.05, "overdose"),
        ("emergency", "overdose", 0.5, "overdose"),
        ("emergency", "overdose", 0.95, "emergency_for_other"),
        # Replies written for anyone are kept: 999 for a medical emergency, abuse help.
        ("emergency", "medical", 0.95, "medical"),
        ("urgent", "abuse", 0.95, "abuse"),
        # Not a crisis: nothing to choose.
        ("support", "support", 0.95, "support"),
        ("none", None, 0.95, None),
    ],
)
def test_the_reply_is_for_the_person_at_risk(tier, chosen, someone_else, sent):
    assert reply_for_whom(tier, chosen, someone_else, THRESHOLD) == sent


@pytest.mark.parametrize(
    ("text", "response"),
    [
        ("my girlfriend has just swallowed a whole packet of pills", "emergency_for_other"),
        (
            "my wife keeps saying the baby isn't ours and she hasn't slept in days",
            "emergency_for_other",
        ),
        ("my brother rang me from the bridge saying goodbye", "emergency_for_other"),
        # The writer's own crisis, naming people who are not at risk.
        ("i've taken all my tablets, my husband is asleep next to me", "overdose"),
        ("i'm going to end it tonight, my mum can have the baby", "emergency"),
        ("I want to die, my partner would be better off without me", "urgent"),
    ],
)
def test_the_net_picks_whose_reply_and_keeps_the_tier(text, response):
    result = classify(text)
    assert result.is_crisis
    assert result.response == response


# The checksums are kept here too, so editing a part and its header together still fails.
WHOSE_PARTS = {
    "part1.yml": ("c50fc526567a927065e5cdb4c3e2c358b9e692fcc665d1ce088de386bfcf89fc", 240),
    "part2.yml": ("4a0df95b7d5a09b2973f0c9da7b3b9869a6c96fc39efd01e80a5709fa2ac7e92", 200),
    "part3.yml": ("355c775c6b9e13891ab326f22573358eaf823b504e60551c968d3fb8c9bcb622", 200),
    "part4.yml": ("31afb4b4e9d9994a14388f87cb1c79b4b0860129ed9f268ad98d04d4d78d0b16", 200),
    "part5.yml": ("5746f46346ae96ce97ccb8b3fc6786312cdd7f5b4397188a7471d90b3c935154", 120),
}


def test_the_whose_parts_are_exactly_the_frozen_ones():
    assert sorted(p.name for p in WHOSE_SETS.glob("*.yml")) == sorted(WHOSE_PARTS)


@pytest.mark.parametrize(("name", "frozen"), WHOSE_PARTS.items())
def test_a_whose_part_is_frozen_and_read_whole(tmp_path, name, frozen):
    checksum, count = frozen
    path = WHOSE_SETS / name
    assert read_frozen(path).startswith(f"# sha256: {checksum}\n")
    (tmp_path / name).write_bytes(path.read_bytes())
    messages = load_whose(tmp_path)
    assert len(messages) == count
    assert sum(m["who"] == "other" for m in messages) == count // 2


def test_an_edited_whose_set_is_refused(tmp_path):
    text = (WHOSE_SETS / "part1.yml").read_text(encoding="utf-8")
    (tmp_path / "part1.yml").write_text(text.replace("who: self", "who: other", 1))
    with pytest.raises(ContentError, match="checksum"):
        load_whose(tmp_path)


@pytest.mark.parametrize(
    ("read", "earlier", "sent"),
    [
        # Right after crisis help for someone else: still about them.
        (
            SafetyResult("emergency", "emergency", someone_else=0.5),
            "emergency_for_other",
            "emergency_for_other",
        ),
        (
            SafetyResult("urgent", "urgent", someone_else=None),
            "concern_for_other",
            "concern_for_other",
        ),
        # Even when the whose model reads it as the writer's: a message after crisis help for
        # someone else rarely says who it is about ("can it wait till the GP opens?").
        (
            SafetyResult("emergency", "emergency", someone_else=0.05),
            "emergency_for_other",
            "emergency_for_other",
        ),
        # The earlier crisis was the writer's own, or there was none: each message for itself.
        (SafetyResult("emergency", "emergency", someone_else=0.5), "emergency", "emergency"),
        (SafetyResult("emergency", "emergency", someone_else=0.5), None, "emergency"),
        # Replies written for anyone are kept.
        (SafetyResult("emergency", "medical", someone_else=0.5), OTHER, "medical"),
        # Not a crisis: nothing to choose.
        (SafetyResult("none", "check"), OTHER, "check"),
    ],
)
def test_a_crisis_right_after_someone_elses_is_still_theirs(read, earlier, sent):
    assert get_net().in_conversation(read, earlier).response == sent


@pytest.mark.parametrize(
    ("read", "earlier", "text", "sent"),
    [
        # The thirteenth user test's grandmother: someone else hurts an adult.
        (
            SafetyResult("urgent", "losing_control"),
            "concern_for_other",
            "it's not her mental health I'm worried about, it's him. I think he's hurting her",
            "abuse_for_other",
        ),
        (
            SafetyResult("urgent", "abuse"),
            "concern_for_other",
            "hes hitting her",
            "abuse_for_other",
        ),
        # Someone else hurts a baby: someone else's reply of the tier (an emergency after theirs).
        (
            SafetyResult("urgent", "losing_control"),
            "concern_for_other",
            "im scared hell hurt the baby",
            "concern_for_other",
        ),
        (
            SafetyResult("urgent", "losing_control"),
            "emergency_for_other",
            "her boyfriend shook the baby",
            "emergency_for_other",
        ),
        # The writer might do it: the writer's own reply, whatever the first crisis was.
        (
            SafetyResult("urgent", "losing_control"),
            "concern_for_other",
            "he won't stop screaming and I feel like shaking him",
            "losing_control",
        ),
        (
            SafetyResult("urgent", "urgent"),
            "concern_for_other",
            "im scared of what ill do to him",
            "concern_for_other",
        ),
        (SafetyResult("urgent", "urgent"), "concern_for_other", "i could hit someone", "urgent"),
        (
            SafetyResult("emergency", "emergency"),
            "emergency_for_other",
            "i'm going to hurt him",
            "emergency",
        ),
        # Done to the writer: the victim's own reply is kept.
        (SafetyResult("urgent", "abuse"), "concern_for_other", "he hits me too", "abuse"),
    ],
)
def test_who_does_the_hurting_right_after_someone_elses_crisis_picks_the_reply(
    read, earlier, text, sent
):
    assert get_net().in_conversation(read, earlier, text).response == sent


def test_not_safe_yourself_after_someone_elses_crisis_gets_the_writers_own_reply():
    # "No" to "Are you safe yourself right now?" is about the writer, whoever the first was for.
    session = SessionSafety(
        "emergency", "utter_safety_check_in", after_crisis=True, response="emergency_for_other"
    )
    turn = prepare_turn("no", session)
    assert '"safety_response": "emergency"' in turn.text_for_rasa


def test_the_whose_report_counts_each_part_on_its_own():
    from cradle.safety.whose import whose_report

    replies = {
        "a": SafetyResult("emergency", "emergency"),
        "b": SafetyResult("emergency", "emergency_for_other"),
        "c": SafetyResult(),
    }
    messages = [
        {"text": "a", "who": "self", "group": "emergency_self", "part": "part1"},
        {"text": "b", "who": "self", "group": "emergency_self", "part": "part1"},
        {"text": "b", "who": "other", "group": "emergency_other", "part": "part2"},
        {"text": "c", "who": "other", "group": "emergency_other", "part": "part2"},
    ]
    lines = whose_report(lambda text: replies[text], messages)
    part1 = lines[lines.index("  part1") + 1 : lines.index("  part2")]
    part2 = lines[lines.index("  part2") + 1 :]
    assert part1[0].split() == ["emergency_self", "2/2", "1/2"]
    assert part1[-1].endswith("someone else's: 1/2")
    assert part2[0].split() == ["emergency_other", "1/2", "1/2"]
    assert part2[-1].endswith("someone else's: 0/0")
