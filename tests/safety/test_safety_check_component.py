"""The second check inside Rasa's NLU pipeline overrides any classifier and the fallback."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.components.safety_check import SafetyCheck
from cradle.turn import AFTER_CRISIS, REPLY_TO_KEY


def parsed(text: str, intent: str, confidence: float) -> Message:
    message = Message({TEXT: text})
    message.set(INTENT, {"name": intent, "confidence": confidence})
    message.set(ENTITIES, [])
    return message


@pytest.mark.parametrize(
    ("text", "nlu_intent", "tier"),
    [
        ("i just want to die", "ask_low_mood", "urgent"),
        ("im gonna kms tonight", "nlu_fallback", "emergency"),
        ("my baby isn't breathing", "ask_sleep_and_exhaustion", "emergency"),
    ],
)
def test_crisis_overrides_the_classifier(text, nlu_intent, tier):
    message = SafetyCheck().process([parsed(text, nlu_intent, 0.3)])[0]
    assert message.get(INTENT) == {"name": "safety_alert", "confidence": 1.0}
    entities = {e["entity"]: e["value"] for e in message.get(ENTITIES)}
    assert entities["safety_tier"] == tier


def test_ordinary_messages_are_left_alone():
    message = SafetyCheck().process([parsed("tell me about bonding", "ask_bonding", 0.9)])[0]
    assert message.get(INTENT)["name"] == "ask_bonding"


def ranked(text: str, ranking: list[tuple[str, float]]) -> Message:
    message = parsed(text, *ranking[0])
    message.set("intent_ranking", [{"name": n, "confidence": c} for n, c in ranking])
    return message


@pytest.mark.parametrize(
    "text",
    ["these nappies are killing me", "teething will be the death of me", "my back is killing me"],
)
def test_the_nlu_cannot_turn_an_idiom_back_into_a_crisis(text):
    # The NLU was trained with safety_alert examples and may guess it for "killing me";
    # the safety net read the idiom, so the guess gives way to the next intent.
    message = ranked(text, [("safety_alert", 0.7), ("ask_crying_baby", 0.2), ("greet", 0.1)])
    message = SafetyCheck().process([message])[0]
    assert message.get(INTENT)["name"] == "ask_crying_baby"
    assert not [e for e in message.get(ENTITIES) if e["entity"] == "safety_tier"]


def test_a_guessed_check_with_nothing_else_falls_back():
    message = ranked("hello there", [("safety_check", 0.9)])
    assert SafetyCheck().process([message])[0].get(INTENT)["name"] == "nlu_fallback"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        # The sixteenth user test's pregnant mum, after asking who to call about bleeding.
        ("ok ill ring 111 i guess. thanks", "thanks"),
        ("ok thanks ill call my midwife in the morning", "thanks"),
        # Still asking, or not safe: crisis help as before.
        ("thanks, i need help now", "crisis_help"),
        ("thanks but who do i call", "crisis_help"),
        ("thanks ill ring them now", "crisis_help"),
        ("thanks", "crisis_help"),  # says nothing of a call of their own
    ],
)
def test_thanks_for_a_call_of_their_own_is_not_a_request_for_crisis_help(text, intent):
    message = SafetyCheck().process([parsed(text, "crisis_help", 0.96)])[0]
    assert message.get(INTENT)["name"] == intent


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        # The nineteenth user test's mum got "You're welcome" (forty-seventh session).
        ("thanks. do u think im a bad mum", "ask_low_mood"),
        ("thanks, can panic attacks hurt the baby", "ask_anxiety"),
        # Plain thanks: thanks.
        ("thanks x", "thanks"),
        ("thank you so much, that helps", "thanks"),
    ],
)
def test_thanks_with_a_worry_of_its_own_is_that_worrys_question(text, intent):
    message = SafetyCheck().process([parsed(text, "thanks", 0.9)])[0]
    assert message.get(INTENT)["name"] == intent


@pytest.mark.parametrize(
    ("text", "read_as", "intent"),
    [
        # The sixteenth user test's health visitor, read by the classifier as topics.
        ("Do you replace the health visitor or the GP?", "ask_asking_for_help", "ask_about_cradle"),
        (
            "How do you decide when to tell someone to ring 999? does anyone get told?",
            "find_services",
            "ask_about_cradle",
        ),
        # The seventeenth's commissioner, read as privacy and as a request for services.
        (
            "Does Cradle work by text message (SMS) as well as the web chat?",
            "ask_privacy",
            "ask_about_cradle",
        ),
        (
            "What's in those counts, and could the council see how many parents in Nuneaton"
            " asked about low mood?",
            "find_services",
            "ask_about_cradle",
        ),
        # A professional is the one replacing or telling: the classifier's reading stands.
        ("will my health visitor tell social services", "ask_asking_for_help", None),
        ("can i see a nurse instead of my gp", "find_services", None),
    ],
)
def test_a_question_about_cradle_itself_is_one_whatever_the_classifier_read(text, read_as, intent):
    message = SafetyCheck().process([parsed(text, read_as, 0.9)])[0]
    assert message.get(INTENT)["name"] == (intent or read_as)


def test_right_after_crisis_help_a_question_about_cradle_keeps_the_follow_up():
    message = parsed("will you tell anyone what i write", "ask_privacy", 0.5)
    message.set("metadata", {REPLY_TO_KEY: AFTER_CRISIS})
    assert SafetyCheck().process([message])[0].get(INTENT)["name"] != "ask_about_cradle"


def test_right_after_crisis_help_a_call_of_their_own_keeps_the_follow_up():
    message = parsed("ok ill ring 111 i guess. thanks", "crisis_help", 0.96)
    message.set("metadata", {REPLY_TO_KEY: AFTER_CRISIS})
    assert SafetyCheck().process([message])[0].get(INTENT)["name"] != "thanks"
