"""NLU component: a short, weakly classified reply to "Which town or area?" is read as an answer.

Parents answer the form's question with a place, and a village that is not on Cradle's list
("Harbury", "Long Itchington") is a word the classifier has never seen: its best guess is weak
and often wrong (a greeting at 0.31, a crying-baby question at 0.34), and Rasa's rules would
end the form on it. The channel says when the bot's last question was the area question
(message metadata `cradle_reply_to: area`, bot/channels/guard.py); then a guess below
REPLY_CONFIDENCE (YES_NO_CONFIDENCE for "yes" and "no"), or out_of_scope at any confidence,
becomes `inform`, which the form reads as its answer. A confident intent (a greeting, a topic
question, "no") still wins, and the safety net runs after this component.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT
from rasa.shared.nlu.training_data.message import Message

from bot.components.safety_check import set_intent
from bot.components.stateless import StatelessComponent
from cradle.turn import NET_INTENTS, REPLY_TO_KEY

__all__ = ["AREA_QUESTION", "REPLY_TO_KEY", "QuestionReply", "read_as_answer"]

AREA_QUESTION = "area"
REPLY_INTENT = "inform"
# Below this, the classifier's guess for a short reply to the area question is not trusted.
REPLY_CONFIDENCE = 0.5
# Guesses that are already answers the form reads, or that only the safety net may make.
_KEPT = frozenset({"inform", "nlu_fallback"}) | NET_INTENTS
# "yes" and "no" end or skip the question, so they need a surer guess: an unknown place can
# look like "nah" to character n-grams ("narnia" read as `deny` at 0.58), while a typed "no",
# "nope" or "no thanks" is read at 0.96 or more and the Skip button sends `/deny` itself.
_YES_NO = frozenset({"affirm", "deny"})
YES_NO_CONFIDENCE = 0.8
# "Not something Cradle talks about" is, in reply to the area question, a place it does not
# know ("narnia" read as out_of_scope at 0.6 once the NLU had sentence vectors): the form says
# so and asks again, at any confidence. A parent who meant something else can Skip.
_NOT_A_TOPIC = frozenset({"out_of_scope"})


def read_as_answer(intent: dict[str, Any] | None, metadata: object) -> bool:
    """Whether this message's intent should become the answer to the bot's area question."""
    if not isinstance(metadata, dict) or metadata.get(REPLY_TO_KEY) != AREA_QUESTION:
        return False
    if not intent or intent.get("name") in _KEPT:
        return False
    if intent.get("name") in _NOT_A_TOPIC:
        return True
    bar = YES_NO_CONFIDENCE if intent.get("name") in _YES_NO else REPLY_CONFIDENCE
    return float(intent.get("confidence") or 0.0) < bar


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class QuestionReply(StatelessComponent):
    """Turns a weak guess into `inform` when the message answers the area question."""

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = message.get(INTENT)
            if read_as_answer(intent, message.get("metadata")):
                confidence = float(intent.get("confidence") or 0)
                set_intent(message, {"name": REPLY_INTENT, "confidence": confidence})
        return messages
