"""The second check inside Rasa's NLU pipeline overrides any classifier and the fallback."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.components.safety_check import SafetyCheck


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
