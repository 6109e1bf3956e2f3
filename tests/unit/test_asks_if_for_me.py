""" "Is the dads and partners stuff meant for me?" is answered, not asked "are you or your baby
in danger?", when the net's only reading is the second opinion's doubt (the thirtieth user
test's non-birth mum; docs/safety.md, fifty-ninth session)."""

from __future__ import annotations

import pytest

from bot.components.safety_check import SafetyCheck
from cradle.safety import SafetyResult, classify
from cradle.turn import CHECK_INTENT, FOLLOW_UP_INTENT, SessionSafety, asks_if_for_me, prepare_turn
from tests.unit.test_after_crisis import AFTER, nlu_message

# Her question, in the words the report gives: the second opinion alone is unsure of it.
HER_QUESTION = "so is the dads and partners stuff meant for me? im not a dad"


def test_her_question_is_one_the_net_is_unsure_of():
    """The case this answers: if the net changes, this says so (the tests below still hold by
    their own readings)."""
    assert classify(HER_QUESTION).needs_check


@pytest.mark.parametrize(
    "session", [SessionSafety(), SessionSafety("urgent", None, response="urgent", said_safe=True)]
)
def test_her_question_goes_to_the_nlu_not_are_you_in_danger(session):
    turn = prepare_turn(HER_QUESTION, session)
    assert turn.text_for_rasa == HER_QUESTION and not turn.immediate


def test_right_after_crisis_help_the_follow_up_goes_on():
    after = SessionSafety("urgent", "utter_safety_check_in", after_crisis=True, response="urgent")
    assert prepare_turn(HER_QUESTION, after).text_for_rasa == f"/{FOLLOW_UP_INTENT}"


@pytest.mark.parametrize(
    "text",
    [
        "is this meant for me, i dont want to be here anymore",
        "is it just for mums? i want to end it all tonight",
    ],
)
def test_a_crisis_in_the_question_is_still_a_crisis(text):
    assert prepare_turn(text, SessionSafety()).safety.is_crisis


@pytest.mark.parametrize(
    ("safety", "answered"),
    [
        (SafetyResult("none", "check", ("second-opinion:unsure",), leaning="emergency"), True),
        (SafetyResult("none", "check", ("second-opinion:unsure",), leaning="urgent"), True),
        # A doubt of the lexicon's or a rule's own is still asked.
        (SafetyResult("none", "check", ("lexicon:check-something",), leaning="urgent"), False),
    ],
)
def test_only_the_second_opinions_doubt_is_answered(safety, answered):
    assert asks_if_for_me(HER_QUESTION, safety) is answered


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        (HER_QUESTION, True),
        ("is the dads group just for dads or can i come, im his nan", True),
        ("im a non birth mum, is any of this for me", True),
        ("my baby wont stop crying and i cant cope", False),
        ("is this normal", False),
    ],
)
def test_the_listed_words_anywhere(text, asks):
    unsure = SafetyResult("none", "check", ("second-opinion:unsure",), leaning="urgent")
    assert asks_if_for_me(text, unsure) is asks


@pytest.mark.parametrize(("metadata", "intent"), [(None, "ask_dads"), (AFTER, FOLLOW_UP_INTENT)])
def test_the_nlu_component_keeps_its_reading_not_the_check(metadata, intent):
    # The NLU pipeline reads the net again (a message the channel sent on as it was).
    [out] = SafetyCheck().process([nlu_message(HER_QUESTION, "ask_dads", 0.6, metadata)])
    assert out.get("intent")["name"] == intent != CHECK_INTENT
