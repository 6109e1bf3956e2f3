"""NLU component: a short, weakly classified reply to "Which town or area?" is read as an answer.

Parents answer the form's question with a place, and a village that is not on Cradle's list
("Harbury", "Long Itchington") is a word the classifier has never seen: its best guess is weak
and often wrong (a greeting at 0.31, a crying-baby question at 0.34), and Rasa's rules would
end the form on it. The channel says when the bot's last question was the area question
(message metadata `cradle_reply_to: area`, bot/channels/guard.py); then a guess below
REPLY_CONFIDENCE (YES_NO_CONFIDENCE for "yes" and "no"), or out_of_scope at any confidence,
becomes `inform`, which the form reads as its answer. A confident intent (a greeting, a topic
question, "no") still wins, and the safety net runs after this component.

Without a question, a Warwickshire place named in small talk the classifier is unsure of ("oh
sorry thats my old postcode, we're in atherstone now", read as `safe_now` at 0.41 and answered
"I'm glad to hear that") is also `inform`: the place is what the message gives.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, INTENT
from rasa.shared.nlu.training_data.message import Message

from bot.components.safety_check import set_intent
from bot.components.stateless import StatelessComponent
from cradle.turn import NET_INTENTS, REPLY_TO_KEY

__all__ = ["AREA_QUESTION", "REPLY_TO_KEY", "QuestionReply", "gives_a_place", "read_as_answer"]

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


# Small talk that a place turns into `inform` when the guess is below YES_NO_CONFIDENCE. Not a
# topic question ("feeling low in rugby" is still answered), not "find services" (it reads the
# place itself), not the fallback (a message it cannot read may not be about the place).
_SMALL_TALK = frozenset(
    {
        "greet",
        "goodbye",
        "thanks",
        "affirm",
        "deny",
        "safe_now",
        "out_of_scope",
        "feedback",
        "bot_challenge",
        "ask_capabilities",
        "ask_about_cradle",
    }
)
AREA_ENTITY = "area"


def gives_a_place(
    intent: dict[str, Any] | None, entities: list[dict[str, Any]] | None, metadata: object
) -> bool:
    """Whether a message that names a Warwickshire place, with no question of Cradle's before
    it, is the place given: small talk the classifier is unsure of. Never right after crisis
    help or a safety question (the channel's metadata names those)."""
    if isinstance(metadata, dict) and metadata.get(REPLY_TO_KEY):
        return False
    if not intent or intent.get("name") not in _SMALL_TALK:
        return False
    if not any(e.get("entity") == AREA_ENTITY for e in entities or []):
        return False
    return float(intent.get("confidence") or 0.0) < YES_NO_CONFIDENCE


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
    """Turns a weak guess into `inform` when the message answers the area question or gives a
    place in small talk."""

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent, metadata = message.get(INTENT), message.get("metadata")
            if read_as_answer(intent, metadata) or gives_a_place(
                intent, message.get(ENTITIES), metadata
            ):
                confidence = float(intent.get("confidence") or 0)
                set_intent(message, {"name": REPLY_INTENT, "confidence": confidence})
        return messages
