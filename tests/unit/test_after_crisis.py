"""The message after crisis help: still the crisis, unless it says the danger has passed or
confidently asks something else (bot/components/safety_check.py, cradle/turn.py, and the frozen
after-crisis set read by `make bench-after-crisis`)."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.components.safety_check import MOVE_ON_CONFIDENCE, SafetyCheck, follows_crisis
from cradle.frozen import read_frozen
from cradle.responses import get_responses
from cradle.safety import SafetyResult
from cradle.safety.after_crisis import (
    AFTER_SETS,
    HURTING_GROUPS,
    HURTING_SETS,
    Conversation,
    Hurting,
    Replies,
    after_report,
    hurting_report,
    load_after,
    load_hurting,
)
from cradle.turn import (
    SessionSafety,
    held_since_crisis,
    is_after_crisis,
    prepare_turn,
    repeats_crisis_help,
)
from tests.asked import asked_about_losing_control

AFTER = {"cradle_reply_to": "crisis"}
# The frozen after-crisis parts and their checksums: a change to either fails here.
AFTER_PARTS = {
    "part1.yml": "2477367d5480cb4cca0f275066a8367ce85a07be12e4c4ee6205a20d750881b5",
}
# The frozen "who does the hurting" parts (tests/safety/hurting/), the same way.
HURTING_PARTS = {
    "part1.yml": "06eb04a4b81c5688d306a799fd8f61898438ea4207eb91c7a528e8f36fada5db",
}


@pytest.mark.parametrize(
    ("intent", "confidence", "metadata", "still"),
    [
        # Not understood, or not sure: still the crisis ("she won't go", "what now").
        ("nlu_fallback", 0.3, AFTER, True),
        ("out_of_scope", 0.95, AFTER, True),
        ("ask_asking_for_help", 0.55, AFTER, True),
        ("greet", MOVE_ON_CONFIDENCE - 0.01, AFTER, True),
        (None, 0.0, AFTER, True),
        # Feedback right after crisis help is about the crisis help ("the helpline didnt answer").
        ("feedback", 0.99, AFTER, True),
        ("feedback", 0.99, None, False),
        # Confidently something else: answered as asked.
        ("ask_sleep_and_exhaustion", 0.93, AFTER, False),
        ("thanks", MOVE_ON_CONFIDENCE, AFTER, False),
        # Answers the crisis rules read themselves, at any confidence.
        ("crisis_help", 0.4, AFTER, False),
        ("deny", 0.4, AFTER, False),
        ("safety_alert", 1.0, AFTER, False),
        # Whether the chat can be seen or wiped is a safety question of its own.
        ("ask_privacy", 0.5, AFTER, False),
        # No crisis help before: nothing changes.
        ("nlu_fallback", 0.3, None, False),
        ("ask_asking_for_help", 0.55, {"cradle_reply_to": "area"}, False),
    ],
)
def test_which_messages_after_crisis_help_are_still_the_crisis(intent, confidence, metadata, still):
    guess = {"name": intent, "confidence": confidence} if intent else None
    assert follows_crisis(guess, metadata) is still


@pytest.mark.parametrize(
    ("last_action", "response", "after"),
    [
        ("utter_safety_check_in", "emergency", True),
        ("utter_safety_gentle_check_in", "urgent", True),
        ("utter_safety_ways_now", "urgent", True),
        ("utter_safety_follow_up", "medical", True),
        # "I'm safe" from someone helping another, or after a baby's 999: still on.
        ("utter_safety_glad_safe", "emergency_for_other", True),
        ("utter_safety_glad_safe", "medical", True),
        # "I'm safe" from the writer at risk: over, and the next message is answered as asked.
        ("utter_safety_glad_safe", "urgent", False),
        ("utter_safety_help_is_there", "emergency_for_other", False),
        ("utter_safety_check", None, False),  # "in danger?" is a question, not crisis help
        ("action_answer_topic", "emergency", False),
        (None, None, False),
    ],
)
def test_which_of_the_bots_turns_leave_the_crisis_on(last_action, response, after):
    assert is_after_crisis(last_action, response) is after


FOLLOW_UP, WAYS_NOW = "utter_safety_follow_up", "utter_safety_ways_now"
BOTH = frozenset({FOLLOW_UP, WAYS_NOW})


@pytest.mark.parametrize(
    ("last_action", "response", "held", "after"),
    [
        # The seventh user test's grandmother: a worry about someone else, after the follow-up
        # and the ways to get help now, whatever the bot's last turn.
        ("utter_safety_glad_safe", "concern_for_other", BOTH, False),
        ("utter_safety_follow_up", "concern_for_other", BOTH, False),
        ("utter_safety_ways_now", "concern_for_other", BOTH, False),
        # Only one of them yet: still held.
        ("utter_safety_glad_safe", "concern_for_other", frozenset({WAYS_NOW}), True),
        ("utter_safety_follow_up", "concern_for_other", frozenset({FOLLOW_UP}), True),
        # Every other crisis reply keeps its hold, however often it has been followed up.
        *[
            ("utter_safety_ways_now", response, BOTH, True)
            for response in ("urgent", "emergency", "emergency_for_other", "medical", "overdose")
        ],
        ("utter_safety_glad_safe", "emergency_for_other", BOTH, True),
        ("utter_safety_glad_safe", "medical", BOTH, True),
    ],
)
def test_a_worry_about_someone_else_is_held_until_both_held_replies_are_sent(
    last_action, response, held, after
):
    assert is_after_crisis(last_action, response, held) is after


@pytest.mark.parametrize(
    ("actions", "held"),
    [
        (["utter_greet", "utter_safety", "utter_safety_check_in", FOLLOW_UP, WAYS_NOW], BOTH),
        # A new crisis reply starts the count again.
        ([FOLLOW_UP, WAYS_NOW, "utter_safety", "utter_safety_check_in"], frozenset()),
        ([WAYS_NOW, "utter_safety", "action_listen", FOLLOW_UP], frozenset({FOLLOW_UP})),
        ([], frozenset()),
    ],
)
def test_the_held_replies_are_counted_since_the_last_crisis_reply(actions, held):
    assert held_since_crisis(actions) == held


def nlu_message(text: str, intent: str, confidence: float, metadata: object) -> Message:
    message = Message(data={"text": text, "metadata": metadata})
    message.set("intent", {"name": intent, "confidence": confidence})
    message.set("intent_ranking", [{"name": intent, "confidence": confidence}])
    return message


def test_the_component_turns_an_unsure_guess_after_crisis_help_into_the_follow_up():
    [out] = SafetyCheck().process([nlu_message("what now", "ask_bonding", 0.41, AFTER)])
    assert out.get("intent")["name"] == "safety_follow_up"
    [out] = SafetyCheck().process([nlu_message("what now", "ask_bonding", 0.41, None)])
    assert out.get("intent")["name"] == "ask_bonding"


def test_the_classifier_alone_never_chooses_the_follow_up():
    [out] = SafetyCheck().process([nlu_message("what now", "safety_follow_up", 0.9, None)])
    assert out.get("intent")["name"] != "safety_follow_up"


def test_a_crisis_after_crisis_help_is_still_a_crisis_alert():
    message = nlu_message("I've taken all my tablets", "ask_low_mood", 0.9, AFTER)
    [out] = SafetyCheck().process([message])
    assert out.get("intent")["name"] == "safety_alert"


def test_a_typed_follow_up_command_is_refused():
    turn = prepare_turn("/safety_follow_up")
    assert turn.text_for_rasa is None  # reserved: only the safety net sets it


def test_after_crisis_help_the_net_does_not_ask_in_danger_again():
    unsure = asked_about_losing_control()
    assert prepare_turn(unsure).text_for_rasa.startswith("/safety_check")
    after = SessionSafety("urgent", None, after_crisis=True, response="urgent")
    assert prepare_turn(unsure, after).text_for_rasa == "/safety_follow_up"


def replies(safety: str, *texts: str) -> list[dict]:
    return [*({"text": t} for t in texts), {"custom": {"safety": safety}}]


def test_the_report_counts_second_replies_per_kind_and_label():
    crisis = replies("emergency", "Call 999 now.")
    pairs = [
        (Conversation("a", "b", "other", "still_in_crisis"), Replies(crisis, crisis)),
        (
            Conversation("a", "b", "other", "still_in_crisis"),
            Replies(crisis, replies("none", get_responses()["utter_please_rephrase"][0]["text"])),
        ),
        # A first message that got no crisis help is not counted here.
        (Conversation("a", "b", "other", "still_in_crisis"), Replies(replies("none"), crisis)),
        (Conversation("a", "b", "self", "moving_on"), Replies(crisis, replies("none", "Sleep."))),
    ]
    lines = after_report(pairs)
    other = next(line for line in lines if line.strip().startswith("other still_in_crisis"))
    assert "first   2/3" in other
    assert "999   1/2" in other and "again   1/2" in other and "not understood   1/2" in other
    moving = next(line for line in lines if line.strip().startswith("all   moving_on"))
    assert "999   0/1" in moving and "again   0/1" in moving


@pytest.mark.parametrize(
    ("path", "checksum"),
    [
        *((AFTER_SETS / name, checksum) for name, checksum in AFTER_PARTS.items()),
        *((HURTING_SETS / name, checksum) for name, checksum in HURTING_PARTS.items()),
    ],
)
def test_the_after_crisis_and_hurting_sets_are_frozen(path, checksum):
    assert read_frozen(path).startswith(f"# sha256: {checksum}\n")


def test_every_after_crisis_part_is_checked_here_and_loads():
    assert {p.name for p in AFTER_SETS.glob("*.yml")} == set(AFTER_PARTS)
    conversations = load_after()
    assert len(conversations) == 150
    assert {c.label for c in conversations} == {"still_in_crisis", "safe_now", "moving_on"}


@pytest.mark.parametrize(
    ("read", "session", "follow_up"),
    [
        # The same reply again, right after it was sent: the short follow-up instead.
        (
            SafetyResult("urgent", "urgent"),
            SessionSafety("urgent", None, False, True, "urgent"),
            True,
        ),
        (
            SafetyResult("urgent", "urgent"),
            SessionSafety("emergency", None, False, True, "urgent"),
            True,
        ),
        # A higher tier, another reply, or not right after crisis help: the full crisis text.
        (
            SafetyResult("emergency", "urgent"),
            SessionSafety("urgent", None, False, True, "urgent"),
            False,
        ),
        (
            SafetyResult("urgent", "abuse"),
            SessionSafety("urgent", None, False, True, "urgent"),
            False,
        ),
        (
            SafetyResult("urgent", "urgent"),
            SessionSafety("urgent", None, False, False, "urgent"),
            False,
        ),
    ],
)
def test_the_same_crisis_right_after_its_reply_gets_the_follow_up(read, session, follow_up):
    assert repeats_crisis_help(read, session) is follow_up


def test_not_safe_after_are_you_safe_is_never_cut_short():
    session = SessionSafety("emergency", "utter_safety_check_in", False, True, "emergency")
    assert prepare_turn("no", session).text_for_rasa.startswith("/safety_alert")


def crisis_text(response: str) -> str:
    """utter_safety's text written for `response` (the default channel's)."""
    for variation in get_responses()["utter_safety"]:
        conditions = variation.get("condition") or []
        if "channel" not in variation and any(c.get("value") == response for c in conditions):
            return variation["text"]
    raise AssertionError(response)


def test_the_hurting_report_counts_whom_each_second_reply_is_written_for():
    for_other = replies("urgent", "Thank you for telling me.")
    pairs = [
        # The writer's urge answered to the writer; then answered as someone else's.
        (
            Hurting("a", "b", "own_urge"),
            Replies(for_other, replies("urgent", crisis_text("losing_control"))),
        ),
        (
            Hurting("a", "b", "own_urge"),
            Replies(for_other, replies("urgent", crisis_text("abuse_for_other"))),
        ),
        # Someone else's hurting: for someone else, for anyone, and not crisis help at all.
        (
            Hurting("a", "b", "other_hurts_adult"),
            Replies(for_other, replies("urgent", crisis_text("abuse_for_other"))),
        ),
        (
            Hurting("a", "b", "other_hurts_baby"),
            Replies(for_other, replies("emergency", crisis_text("medical"))),
        ),
        (Hurting("a", "b", "other_hurts_baby"), Replies(for_other, replies("none", "Sleep."))),
        # A first message with no crisis help is not counted.
        (Hurting("a", "b", "other_hurts_baby"), Replies(replies("none"), for_other)),
    ]
    lines = hurting_report(pairs)
    own = next(line for line in lines if line.strip().startswith("own_urge"))
    assert "first   2/2" in own and "writer   1/2" in own and "other   1/2" in own
    baby = next(line for line in lines if line.strip().startswith("other_hurts_baby"))
    assert "first   2/3" in baby and "again   1/2" in baby
    assert "anyone   1/2" in baby and "other   0/2" in baby and "writer   0/2" in baby
    adult = next(line for line in lines if line.strip().startswith("other_hurts_adult"))
    assert "other   1/1" in adult and "writer   0/1" in adult


def test_every_hurting_part_is_checked_here_and_loads():
    assert {p.name for p in HURTING_SETS.glob("*.yml")} == set(HURTING_PARTS)
    conversations = load_hurting()
    assert len(conversations) == 150
    assert {c.group for c in conversations} == set(HURTING_GROUPS)
