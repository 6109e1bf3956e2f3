"""NLU component: the second safety check, inside Rasa's pipeline.

The channels classify the raw text before Rasa sees it; this component checks again for any
message that reaches NLU some other way (rasa shell, rasa test, a new channel). The safety net
decides, not the intent classifier:
- the text signals crisis: the intent becomes `safety_alert`, whatever the classifiers said;
- the net is unsure: the intent becomes `safety_check` (ask "are you or your baby in danger?");
- the classifier guessed one of the net's own intents but the net found no risk (an idiom
  such as "these nappies are killing me"): the guess is dropped for the next intent in its
  ranking, so an everyday message never gets a crisis reply from NLU alone;
- the bot's last turn was crisis help (message metadata from the channel, bot/channels/guard.py)
  and the message neither says the danger has passed nor confidently asks something else
  ("what do I do", "she won't go", "can it wait till morning?"): the intent becomes
  `safety_follow_up`, and the crisis help goes on;
- a question about Cradle itself that the classifier may read as a topic ("do you replace the
  health visitor?") becomes `ask_about_cradle`;
- a question whether what is happening is abuse, that the net is only unsure of ("is it
  actually abuse if he doesnt hit me?"), becomes the abuse topic's intent, not the check;
- thanks with a worry that has its own answer ("thanks. do u think im a bad mum") becomes that
  worry's topic intent;
- otherwise, a topic question about another adult's wellbeing is marked as such, so its first
  answer is the one for family and friends.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.components.stateless import StatelessComponent
from cradle.content import find_focus, intent_for_topic, topic_for_intent
from cradle.helping import ABOUT_KEY, SOMEONE_ELSE
from cradle.safety import SafetyResult, classify, get_net
from cradle.service_request import get_request_reader
from cradle.turn import (
    ABUSE_TOPIC_INTENT,
    AFTER_CRISIS,
    CHECK_INTENT,
    FOLLOW_UP_INTENT,
    JUST_CLEARED,
    NET_INTENTS,
    REPLY_TO_KEY,
    SAFETY_INTENT,
    answers_if_abuse,
    asks_again,
    asks_if_for_me,
)

FALLBACK_INTENT = "nlu_fallback"
CRISIS_HELP_INTENT = "crisis_help"
THANKS_INTENT = "thanks"
ABOUT_CRADLE_INTENT = "ask_about_cradle"
# After crisis help, a guess below this is not trusted to mean "I have moved on": a parent
# still in danger who is answered with a leaflet or "Sorry, I didn't understand" may stop
# there, while one who has moved on loses a turn. The same surer bar the area question asks
# of a "yes" or "no" (question_reply.YES_NO_CONFIDENCE); chosen before the after-crisis set
# was read, never tuned on it.
MOVE_ON_CONFIDENCE = 0.8
# Answers that the crisis rules read at any confidence ("I need help now", "no"), and the
# guesses that never mean the person has moved on.
_CRISIS_ANSWERS = frozenset({"crisis_help", "deny"}) | NET_INTENTS
# Cradle has not asked "Was this helpful?" right after crisis help: "the helpline didn't answer"
# or "that didn't help" read as feedback is about the crisis help, and the person is still
# without it (docs/safety.md, seventeenth session).
_NOT_A_MOVE_ON = frozenset({FALLBACK_INTENT, "out_of_scope", "feedback"})
# Questions answered right after crisis help at any confidence: whether the chat can be seen or
# wiped is itself a safety question for someone whose partner checks their phone ("how do i
# delete this chat", read at 0.61, got the abuse reply again in a sixth user test). The crisis
# stays on: the widget keeps its crisis panel, and the net still reads the message first.
_ANSWERED_AFTER_CRISIS = frozenset({"ask_privacy"})


def _reply_to(metadata: object) -> object:
    return metadata.get(REPLY_TO_KEY) if isinstance(metadata, dict) else None


def is_after_crisis(metadata: object) -> bool:
    """The channel says the bot's last turn was crisis help or its check-in."""
    return _reply_to(metadata) == AFTER_CRISIS


def follows_crisis(intent: dict[str, Any] | None, metadata: object) -> bool:
    """Whether a message sent right after crisis help is still about the crisis."""
    if not is_after_crisis(metadata):
        return False
    name = (intent or {}).get("name")
    if not name or name in _NOT_A_MOVE_ON:
        return True
    if name in _CRISIS_ANSWERS or name in _ANSWERED_AFTER_CRISIS:
        return False
    return float((intent or {}).get("confidence") or 0.0) < MOVE_ON_CONFIDENCE


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
                continue
            metadata = message.get("metadata")
            asks_if_abuse = answers_if_abuse(text, result) and not is_after_crisis(metadata)
            if (
                result.needs_check
                and asks_again(result, _reply_to(metadata) == JUST_CLEARED)
                and not asks_if_abuse
                # "is the dads and partners stuff meant for me?" (docs/safety.md, fifty-ninth
                # session): who may use help, answered as the NLU reads it.
                and not (asks_if_for_me(text, result) and not is_after_crisis(metadata))
            ):
                # Right after crisis help, the check would ask what was just answered.
                asked = FOLLOW_UP_INTENT if is_after_crisis(metadata) else CHECK_INTENT
                set_intent(message, {"name": asked, "confidence": 1.0})
                continue
            if (message.get(INTENT) or {}).get("name") in NET_INTENTS:
                set_intent(message, _next_intent(message))
            if not result.needs_check and (worry := worry_after_thanks(message.get(INTENT), text)):
                set_intent(message, {"name": worry, "confidence": 1.0})
            if asks_if_abuse:
                set_intent(message, {"name": ABUSE_TOPIC_INTENT, "confidence": 1.0})
            if not result.needs_check and thanks_for_own_call(message.get(INTENT), text, metadata):
                set_intent(message, {"name": THANKS_INTENT, "confidence": 1.0})
            if not result.needs_check and asks_about_cradle_itself(text, metadata):
                set_intent(message, {"name": ABOUT_CRADLE_INTENT, "confidence": 1.0})
            if follows_crisis(message.get(INTENT), metadata):
                set_intent(message, {"name": FOLLOW_UP_INTENT, "confidence": 1.0})
            elif asks_for_someone_else(message.get(INTENT), text):
                message.set(ABOUT_KEY, SOMEONE_ELSE, add_to_output=True)
        return messages


def worry_after_thanks(intent: dict[str, Any] | None, text: str) -> str | None:
    """ "thanks. do u think im a bad mum", read as thanks (the nineteenth user test's mum got
    "You're welcome"): the topic intent of the worry its words name (a topic's focus), so the
    worry's own answer comes; None for a plain thanks (README, forty-seventh session)."""
    if (intent or {}).get("name") != THANKS_INTENT:
        return None
    focused = find_focus(text)
    return intent_for_topic(focused[0]) if focused is not None else None


def thanks_for_own_call(intent: dict[str, Any] | None, text: str, metadata: Any) -> bool:
    """ "ok ill ring 111 i guess. thanks", read as a request for crisis help by the classifier
    and as nothing by the net (the sixteenth user test): thanks, not crisis help. Never right
    after crisis help, whose follow-up reads calling for itself (docs/safety.md, forty-fourth
    session)."""
    return (
        (intent or {}).get("name") == CRISIS_HELP_INTENT
        and not is_after_crisis(metadata)
        and get_request_reader().thanks_for_own_call(text)
    )


def asks_about_cradle_itself(text: str, metadata: Any) -> bool:
    """ "Do you replace the health visitor?", "does anyone get told?" (the sixteenth user
    test's health visitor, read as topics): a question about Cradle, whatever the classifier
    read. Not right after crisis help, whose follow-up goes on (README, forty-fifth session)."""
    return not is_after_crisis(metadata) and get_request_reader().asks_about_cradle_itself(text)


def asks_for_someone_else(intent: dict[str, Any] | None, text: str) -> bool:
    """A topic question about another adult's wellbeing: its first answer is the one for family
    and friends (cradle/helping.py). Read only for topic questions, to keep other turns fast."""
    name = (intent or {}).get("name")
    return topic_for_intent(name) is not None and get_net().asks_about_someone_else(text)


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
