"""NLU component: the second safety check, inside Rasa's pipeline.

The channels classify the raw text before Rasa sees it; this component checks again for any
message that reaches NLU some other way (rasa shell, rasa test, a new channel). The safety net
decides, not the intent classifier:
- the text signals crisis: the intent becomes `safety_alert`, whatever the classifiers said;
- the net is unsure: the intent becomes `safety_check` (ask "are you or your baby in danger?");
- the classifier guessed `safety_alert` or `safety_check` but the net found neither (an idiom
  such as "these nappies are killing me"): the guess is dropped for the next intent in its
  ranking, so an everyday message never gets a crisis reply from NLU alone.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.components.stateless import StatelessComponent
from cradle.safety import SafetyResult, classify
from cradle.turn import CHECK_INTENT, NET_INTENTS, SAFETY_INTENT

FALLBACK_INTENT = "nlu_fallback"


def safety_entities(result: SafetyResult) -> list[dict[str, Any]]:
    """The entities that fill the safety_tier and safety_response slots."""
    return [
        {
            "entity": "safety_tier",
            "value": result.tier,
            "start": 0,
            "end": 0,
            "extractor": "SafetyCheck",
        },
        {
            "entity": "safety_response",
            "value": result.response,
            "start": 0,
            "end": 0,
            "extractor": "SafetyCheck",
        },
    ]


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SafetyCheck(StatelessComponent):
    """Overrides the intent with safety_alert when cradle.safety finds urgent or emergency risk."""

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not text or text.startswith("/"):
                continue  # commands are checked by the channels and parsed by Rasa itself
            result = classify(text)
            if result.is_crisis:
                set_intent(message, {"name": SAFETY_INTENT, "confidence": 1.0})
                kept = [
                    e
                    for e in message.get(ENTITIES, [])
                    if e.get("entity") not in ("safety_tier", "safety_response")
                ]
                message.set(ENTITIES, kept + safety_entities(result), add_to_output=True)
            elif result.needs_check:
                set_intent(message, {"name": CHECK_INTENT, "confidence": 1.0})
            elif (message.get(INTENT) or {}).get("name") in NET_INTENTS:
                set_intent(message, _next_intent(message))
        return messages


def set_intent(message: Message, intent: dict[str, Any]) -> None:
    """Make `intent` the message's intent, at the head of its ranking."""
    ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != intent["name"]]
    message.set(INTENT, intent, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [intent, *ranking], add_to_output=True)


def _next_intent(message: Message) -> dict[str, Any]:
    """The classifier's best guess that is not an intent only the safety net may choose."""
    for candidate in message.get(INTENT_RANKING_KEY) or []:
        if candidate.get("name") not in NET_INTENTS and candidate.get("name"):
            return {"name": candidate["name"], "confidence": float(candidate.get("confidence", 0))}
    return {"name": FALLBACK_INTENT, "confidence": 1.0}
