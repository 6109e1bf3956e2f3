"""NLU component: the second safety check, inside Rasa's pipeline.

The channels classify the raw text before Rasa sees it; this component checks again for any
message that reaches NLU some other way (rasa shell, rasa test, a new channel). When the text
signals crisis, it overrides the classifiers and the fallback with the `safety_alert` intent.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from cradle.safety import SafetyResult, classify

SAFETY_INTENT = "safety_alert"


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
class SafetyCheck(GraphComponent):
    """Overrides the intent with safety_alert when cradle.safety finds urgent or emergency risk."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SafetyCheck:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not text:
                continue
            result = classify(text)
            if not result.is_crisis:
                continue
            intent = {"name": SAFETY_INTENT, "confidence": 1.0}
            message.set(INTENT, intent, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [intent], add_to_output=True)
            kept = [e for e in message.get(ENTITIES, []) if e.get("entity") != "safety_tier"]
            message.set(ENTITIES, kept + safety_entities(result), add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
