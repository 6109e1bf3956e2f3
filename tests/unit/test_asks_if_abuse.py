""" "Is it actually abuse if he doesn't hit me?" gets the abuse topic's answer, not "are you in
danger?", when the net is only unsure (the seventeenth user test; docs/safety.md, forty-sixth
session). End to end on the real servers: tests/integration/test_safety_holes.py."""

from __future__ import annotations

import pytest

from bot.components.safety_check import SafetyCheck
from cradle.safety import SafetyResult, classify
from cradle.service_request import get_request_reader
from cradle.turn import (
    ABUSE_TOPIC_INTENT,
    CHECK_INTENT,
    FOLLOW_UP_INTENT,
    SessionSafety,
    answers_if_abuse,
    prepare_turn,
)
from tests.unit.test_after_crisis import AFTER, nlu_message

# The user test's message: on the second opinion's doubt alone, leaning urgent.
HER_QUESTION = (
    "but is it actually abuse if he doesnt hit me? i dont want to make a fuss over nothing"
)
LATER_AFTER_ABUSE_HELP = SessionSafety("urgent", None, response="abuse", said_safe=True)
UNSURE = SafetyResult("none", "check", ("second-opinion:unsure",), leaning="urgent")


@pytest.mark.parametrize(
    "text",
    [
        HER_QUESTION,
        "is it abuse if he checks my phone",
        "does it count as abuse if he only shouts",
        "would that be classed as domestic abuse",
        "am i being controlled? he takes my bank card",
        "is my partner abusive or am i overreacting",
        "is it controlling if he won't let me see my mum",
    ],
)
def test_asking_whether_it_is_abuse_is_read(text):
    assert get_request_reader().asks_if_abuse(text)


@pytest.mark.parametrize(
    "text",
    ["is this normal", "is it normal for a baby to cry this much", "he is controlling", "abuse"],
)
def test_other_questions_are_not_read_as_asking_whether_it_is_abuse(text):
    assert not get_request_reader().asks_if_abuse(text)


def test_her_question_is_one_the_net_is_only_unsure_of():
    """The case this answers: if the net changes, this says so (and the tests below still
    hold by their own readings)."""
    assert classify(HER_QUESTION).needs_check


@pytest.mark.parametrize(
    "session", [SessionSafety(), SessionSafety("urgent", None, response="urgent", said_safe=True)]
)
def test_her_question_goes_to_the_nlu_not_are_you_in_danger(session):
    # After abuse help in the same session, "Yes, it can be abuse" answers it instead
    # (tests/unit/test_check_in.py, `after_abuse_answer`).
    turn = prepare_turn(HER_QUESTION, session)
    assert turn.text_for_rasa == HER_QUESTION
    assert not turn.immediate


def test_right_after_crisis_help_the_follow_up_goes_on():
    after = SessionSafety("urgent", "utter_safety_check_in", after_crisis=True, response="urgent")
    assert prepare_turn(HER_QUESTION, after).text_for_rasa == f"/{FOLLOW_UP_INTENT}"


@pytest.mark.parametrize(
    ("safety", "answered"),
    [
        (UNSURE, True),
        # An emergency leaning is still asked.
        (SafetyResult("none", "check", ("second-opinion:unsure",), leaning="emergency"), False),
        # A doubt of the lexicon's or a rule's own is still asked.
        (SafetyResult("none", "check", ("lexicon:check-something",), leaning="urgent"), False),
        # A crisis reading gets crisis help; nothing read needs no answer of this kind.
        (SafetyResult("urgent", "abuse", ("second-opinion",)), False),
        (SafetyResult(), False),
    ],
)
def test_only_the_second_opinions_doubt_without_an_emergency_leaning_is_answered(safety, answered):
    assert answers_if_abuse(HER_QUESTION, safety) is answered


def test_a_crisis_named_in_the_question_is_still_a_crisis():
    turn = prepare_turn("is it abuse if he strangled me last night", LATER_AFTER_ABUSE_HELP)
    assert turn.safety.is_crisis


@pytest.mark.parametrize(
    ("metadata", "intent"),
    [(None, ABUSE_TOPIC_INTENT), (AFTER, FOLLOW_UP_INTENT)],
)
def test_the_nlu_makes_it_the_abuse_topic_not_the_check(metadata, intent):
    [out] = SafetyCheck().process([nlu_message(HER_QUESTION, "ask_relationships", 0.5, metadata)])
    assert out.get("intent")["name"] == intent
    assert out.get("intent")["name"] != CHECK_INTENT
