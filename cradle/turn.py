"""One turn at the channel edge, without Rasa: check the input, then assemble the reply contract.

The channels call `prepare_turn` on the raw text before Rasa sees it, and `assemble_reply` on
whatever Rasa sent back (possibly nothing). These are plain functions so that the safety
guarantees are tested directly:
- a crisis message always gets fixed crisis text, whatever Rasa and the action server did;
- a turn never ends in silence;
- a hand-typed `/intent{...}` is checked against allowlists before Rasa can act on it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

import yaml

from cradle.areas import get_areas
from cradle.audience import normalise_audience
from cradle.catalogue.naming import asks_cost, asks_open
from cradle.content import (
    HELD_REQUEST,
    LIST_QUESTIONS,
    PENDING_TOPIC,
    SECTION_KEYS,
    SOURCES_KEY,
    find_focus,
    get_topic,
    topic_for_intent,
)
from cradle.insights import FEEDBACK, FEEDBACK_REASONS
from cradle.languages import in_another_language, only_sad_emoji
from cradle.paths import PROJECT_ROOT
from cradle.replies import (
    CRISIS_INTENT,
    CRISIS_REPLY_ACTION,
    EMERGENCY_REPLIES,
    READ_BY,
    READ_BY_MATTERS,
    SAID_SAFE,
    SECOND_OPINION_READ,
)
from cradle.responses import crisis_lines, message, pick_variation, safety_message
from cradle.safety import (
    RESPONSES,
    TIERS,
    SafetyResult,
    classify,
    get_detector,
    in_conversation,
    tier_rank,
)
from cradle.safety.check_in import OWN_SAFETY_QUESTION, get_check_in
from cradle.safety.lexicon import CONTEXT_SIGNAL, RULED_OUT_SIGNAL
from cradle.safety.net import SECOND_OPINION, WHO_IS_HURT
from cradle.safety.whose import is_for_someone_else, reply_for_someone_else, reply_for_whom
from cradle.service_request import KIND_OF_HELP, get_request_reader

MAX_MESSAGE_CHARS = 1000
# Of a very long message, the last characters read: a question or two. The start, where the
# story and its feelings usually are, gets the rest.
END_CHARS = 300
_GAP = " ... "


def cut_for_reading(text: str) -> str:
    """What Cradle reads of a very long message for everything but safety (the net reads it
    all): its start and its end, cut between words. A long story often ends with the question
    (the ninth user test's question after 1,000 characters was not read). Halves were tried
    first: the project's one long test message about low mood was then read as feeling alone
    (0.70), its start holding less of the story; one message, so not a measurement."""
    if len(text) <= MAX_MESSAGE_CHARS:
        return text
    start, end = text[: MAX_MESSAGE_CHARS - END_CHARS - len(_GAP)], text[-END_CHARS:]
    # Whole words only: a word cut in two reads as a different one.
    start = start.rsplit(None, 1)[0] if " " in start.strip() else start
    end = end.split(None, 1)[1] if " " in end.strip() else end
    return f"{start}{_GAP}{end}"


SAFETY_INTENT = CRISIS_INTENT
CHECK_INTENT = "safety_check"  # the net is unsure: ask "are you or your baby in danger?"
# A message after crisis help that neither says the danger has passed nor asks something else:
# the crisis is still on ("what do I do?", "she won't go"), so the crisis help goes on.
FOLLOW_UP_INTENT = "safety_follow_up"
# "The ambulance is here", "I'm calmer now": the danger has passed (its reply still says to call
# 999 if help has not come).
SAFE_NOW_INTENT = "safe_now"
# The answer to "I'm safe for now" after crisis help ("Thank you. I'm still here...").
GLAD_SAFE_REPLY = "utter_safety_glad_safe"
# "It's not me, it's my friend" right after crisis help: the same help, for someone else, then
# "Are you safe yourself right now?" (its own rule: a crisis after the check-in would get the
# check-in written to the writer).
SOMEONE_ELSE_INTENT = "safety_someone_else"
# "She's not seeing things or hearing voices" right after crisis help for someone else's
# emergency: a sign ruled out (`signs_ruled_out_answer`).
SIGNS_RULED_OUT_INTENT = "safety_signs_ruled_out"
# Only the safety net may choose these (the channels and bot/components/safety_check.py).
NET_INTENTS = frozenset(
    {SAFETY_INTENT, CHECK_INTENT, FOLLOW_UP_INTENT, SOMEONE_ELSE_INTENT, SIGNS_RULED_OUT_INTENT}
)
# Intents a person may never trigger by typing a command: only the safety net sets these.
RESERVED_INTENTS = NET_INTENTS | {"nlu_fallback"}
# Message metadata from the channel to the NLU components: the question the bot asked last.
REPLY_TO_KEY = "cradle_reply_to"
AFTER_CRISIS = "crisis"  # the bot's last turn was crisis help or its check-in
JUST_CLEARED = "check_cleared"  # the bot's last turn answered "No" to "are you in danger?"
# Crisis help and what follows it. After these, a message is read as part of the crisis
# unless it says the danger has passed or confidently asks something else.
AFTER_CRISIS_ACTIONS = frozenset(
    {
        CRISIS_REPLY_ACTION,
        "utter_safety_check_in",
        "utter_safety_gentle_check_in",
        "utter_safety_ways_now",
        "utter_safety_follow_up",
    }
)
# The replies that answer a message after crisis help as the crisis going on (docs/safety.md,
# "The message after crisis help").
HELD_REPLIES = frozenset({"utter_safety_follow_up", "utter_safety_ways_now"})
# A worry about someone else, not an emergency: once both held replies have been sent since its
# crisis reply, the next message is read on its own (a grandmother got "call 999" four times
# for "how can i help my daughter who is low": docs/safety.md, "not held for ever"). The net
# still reads every message first.
EASED_AFTER_HELD = frozenset({"concern_for_other", "abuse_for_other"})
# "What do I say to her?" right after crisis help for someone else not in danger this minute:
# the answer of the "How can I help them?" button (its action answers for each of these;
# docs/safety.md, thirty-sixth session). Not after "call 999 for them now".
HELPER_ASKS_AFTER = EASED_AFTER_HELD
HELP_THEM_COMMAND = "/help_them"
# "I'm safe" after crisis help for someone else or for a baby is not the end of it: the reply
# says to call 999 for them, and "she won't answer her phone" is still the crisis.
STILL_ON_AFTER_SAFE = frozenset(
    {"emergency_for_other", "concern_for_other", "abuse_for_other", "medical", "overdose"}
)
# The crisis replies whose check-in asks "Is help on the way?": a baby's or a parent's medical
# emergency, and tablets already taken (feeling fine is not being safe: the fifth user test).
HELP_ON_THE_WAY = frozenset({"medical", "overdose"})
# The questions after which "the ambulance is on its way" typed is the "Help is on the way"
# button (its payload): the check-in asks it, and the follow-up's "yes" has the same rule.
ON_THE_WAY_ASKED = frozenset({"utter_safety_check_in", "utter_safety_follow_up"})
HELP_ON_THE_WAY_COMMAND = "/affirm"
# Where help on its way or a call typed is heard: those two questions, and the ways to get help
# now (whose "yes" has no rule, so the channel sends the reply itself).
HEARD_AFTER = ON_THE_WAY_ASKED | {"utter_safety_ways_now"}
# The crisis replies after which a call typed there gets the reply for a medical call: a baby's
# or a parent's medical emergency (not tablets taken).
CALLING_AFTER = frozenset({"medical"})
CALLING_AFTER_MEDICAL = "crisis_calling_medical"
# "999 or 111?" while a medical emergency is held (`medical_held`, `when_to_call`).
WHEN_TO_CALL_MEDICAL = "when_to_call_medical"
# The crisis replies after which a safe answer with its reason ("im not in danger i just meant im
# a single mum") counts: the writer's own crisis in general. After abuse, losing control, a
# medical emergency, tablets or a worry about someone else it does not (docs/safety.md,
# twenty-ninth session).
CORRECTABLE = frozenset({"emergency", "urgent"})
# "Can you stay with me?" gets "I'm here..." after the writer's own crisis help in general; the
# other crisis replies (abuse, tablets, a baby, losing control) say what to do and stay.
STAY_AFTER = CORRECTABLE
# "It's not me, it's my friend" after the writer's own crisis reply: the same help for someone
# else. Not after a medical emergency or tablets (those replies are for anyone, or the writer's
# own act) or losing control with the baby (docs/safety.md, thirty-third session).
NOT_ME_AFTER = frozenset({"emergency", "urgent", "abuse"})
# "What if the thoughts come back?" gets its line after the writer's own crisis help for thoughts
# of suicide or self-harm, or tablets taken; not after losing control with the baby, abuse or a
# worry about someone else (docs/safety.md, fifty-third session).
THOUGHTS_BACK_AFTER = frozenset({"emergency", "urgent", "overdose"})
# Rasa's own intents a person (or the widget's Quick exit) may send: /restart ends the
# conversation and clears every slot, the safety flag included.
BUILT_IN_INTENTS = frozenset({"restart"})
# Facts the actions report for the anonymised insight log (never text a person typed).
INSIGHT_KEYS = (
    "audience",
    "district",
    "gap_need",
    "gap_group",
    "feedback",
    "feedback_reason",
    "feedback_topic",
)
# The parts of a topic a "Tell me more" button may ask for (see cradle.replies.section_key).
SECTIONS = (*SECTION_KEYS, SOURCES_KEY, "more")
_COMMAND = re.compile(r"^/([A-Za-z_][A-Za-z0-9_]{0,63})(\{.*\})?$", re.S)
# Web markup typed or pasted into a message: a script or style element with its contents, or a
# tag. The NLU read "<script>alert(1)</script> hi" as asking for crisis help (for "alert"), so
# markup never reaches it (or the tracker). "<3" and "a < b" are not tags and stay.
_MARKUP = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>|</?[A-Za-z][^<>]{0,200}>", re.I | re.S)


class CommandError(ValueError):
    """A hand-typed /intent{...} command was refused; the message says why (for logs)."""


@lru_cache(maxsize=1)
def domain_intents() -> frozenset[str]:
    """The intents declared in domain.yml."""
    with (PROJECT_ROOT / "domain.yml").open(encoding="utf-8") as handle:
        domain = yaml.safe_load(handle)
    return frozenset(str(i) for i in domain.get("intents") or [])


def _check_entities(raw: str) -> dict[str, str]:
    try:
        values = json.loads(raw)
    except json.JSONDecodeError as err:
        raise CommandError(f"entities are not valid JSON: {err.msg}") from err
    if not isinstance(values, dict):
        raise CommandError("entities must be a JSON object")
    cleaned: dict[str, str] = {}
    for key, value in values.items():
        if key == "area":
            match = get_areas().resolve(value)
            if match.district is None:
                raise CommandError("area is not a Warwickshire place Cradle knows")
            cleaned["area"] = match.district
        elif key in ("helpful", "reason"):
            allowed = FEEDBACK if key == "helpful" else FEEDBACK_REASONS
            if value not in allowed:
                raise CommandError(f"{key} must be one of {', '.join(allowed)}")
            cleaned[key] = value
        elif key == "section":
            if value not in SECTIONS:
                raise CommandError(f"section must be one of {', '.join(SECTIONS)}")
            cleaned["section"] = value
        elif key == KIND_OF_HELP:
            if value not in get_request_reader().kinds_of_help:
                kinds = ", ".join(get_request_reader().kinds_of_help)
                raise CommandError(f"{KIND_OF_HELP} must be one of {kinds}")
            cleaned[key] = value
        elif key == "audience":
            audience = normalise_audience(value)
            if audience is None:
                raise CommandError("audience must be mum, dad-or-partner or parent")
            cleaned["audience"] = audience
        else:
            raise CommandError(f"{key!r} cannot be set from a message")
    return cleaned


def check_command(text: str) -> str:
    """Validate a `/intent{...}` message and return a clean version of it.

    Raises CommandError for an unknown or reserved intent, bad JSON, an entity that users may
    not set, or a value that is not on its allowlist.
    """
    match = _COMMAND.match(text.strip())
    if not match:
        raise CommandError("not a command of the form /intent or /intent{...}")
    intent, raw_entities = match.group(1), match.group(2)
    if intent in RESERVED_INTENTS or intent not in domain_intents() | BUILT_IN_INTENTS:
        raise CommandError(f"intent {intent!r} cannot be used")
    if not raw_entities:
        return f"/{intent}"
    cleaned = _check_entities(raw_entities)
    return f"/{intent}{json.dumps(cleaned)}" if cleaned else f"/{intent}"


@dataclass(frozen=True)
class SessionSafety:
    """What the channel read from the conversation so far (the tracker), before this turn."""

    tier: str = "none"  # the session's safety flag: it never drops within a session
    last_question: str | None = None  # the bot's last action, when it was a safety question
    asked_area: bool = False  # the bot's last question was the form's "Which town or area?"
    after_crisis: bool = False  # the bot's last action was crisis help or its check-in
    response: str | None = None  # the crisis reply sent last in this session (whose, what kind)
    # The bot's last action answered "No" to "Are you or your baby in danger right now?".
    just_cleared: bool = False
    # The reply buttons the bot offered last, as (title, payload): a title typed out by hand is
    # that button (see `typed_button`).
    offered: tuple[tuple[str, str], ...] = ()
    # The writer has said they are safe since the last crisis reply (`said_safe_since_crisis`).
    said_safe: bool = False
    # The actions of the bot's last turn, in order (read again after a turn: what Rasa ran).
    last_turn: tuple[str, ...] = ()
    # The bot's last turn answered a question about a list of services (`ABOUT_A_LIST_LINES`).
    answered_about_services: bool = False


# An immediate reply's message key, so that `assemble_reply` puts it in the channel's words.
_LINE_KEY = "line"


def line(key: str) -> dict[str, Any]:
    """A fixed line from content/responses.yml sent before, or instead of, Rasa's reply: web
    words here, its `sms:` words by SMS (`assemble_reply` knows the channel; this does not)."""
    return {**message(key), _LINE_KEY: key}


def _in_channel(item: dict[str, Any], channel: str | None) -> dict[str, Any]:
    key = item.get(_LINE_KEY)
    if not isinstance(key, str):
        return item
    rendered = message(key, channel)
    if "buttons" not in item:  # taken off for this turn (see `after_losing_control_answer`)
        rendered.pop("buttons", None)
    return rendered


@dataclass(frozen=True)
class PreparedTurn:
    """What to send to Rasa (if anything), and what the safety net found in the raw text."""

    safety: SafetyResult
    text_for_rasa: str | None  # None: do not call Rasa, answer with `immediate` only
    immediate: tuple[dict[str, Any], ...] = ()
    truncated: bool = False


NOT_SAFE_ANSWER = SafetyResult("emergency", "emergency", ("check-in:not-safe",))
# The crisis replies a "not safe" answer may send (not "support" or "check").
_CRISIS_REPLIES = frozenset(RESPONSES) - {"support", "check"}
CHECK_QUESTION = "utter_safety_check"
CHECK_CLEARED = "action_check_cleared"  # the answer to "No" to that question
WHEN_TO_CALL_999 = "when_to_call_999"  # "should I ring 999?" (`asks_999_answer`)
THOUGHTS_PASSED = "thoughts_passed"  # own suicidal thoughts in the past (`thoughts_passed`)
IF_THOUGHTS_COME_BACK = "if_thoughts_come_back"  # "what if they come back?"
BABY_FEVER = "baby_fever"  # a baby's temperature (`when_to_call`)


def not_safe_answer(session: SessionSafety) -> SafetyResult:
    """The crisis reply for a "not safe" answer to one of Cradle's safety questions."""
    if session.last_question == CHECK_QUESTION and session.response in _CRISIS_REPLIES:
        # "Yes" to "Are you or your baby in danger right now?": the reply the net leaned to
        # when it asked, at emergency strength (a worry about someone else becomes their
        # emergency; a parent losing control with the baby keeps the reply about the baby).
        leaned = reply_for_whom("emergency", session.response, None, 1.0)
        return replace(NOT_SAFE_ANSWER, response=leaned)
    if session.response in HELP_ON_THE_WAY:
        # "No" to "Is help on the way?" after a medical emergency or tablets taken.
        return replace(NOT_SAFE_ANSWER, response=session.response)
    return NOT_SAFE_ANSWER


def prepare_turn(raw_text: object, session: SessionSafety | None = None) -> PreparedTurn:
    """Classify the raw text first, then decide what Rasa may see.

    A crisis replaces the text with the internal safety intent, so the crisis reply does not
    depend on NLU, and the words themselves are not stored in the tracker. An answer such as
    "no" to "Are you safe right now?" is a crisis too. When the net is unsure, Rasa is asked to
    check first ("Are you or your baby in danger right now?") instead of answering the topic.
    """
    session = session or SessionSafety()
    text = raw_text if isinstance(raw_text, str) else ""
    if not text.strip():
        return PreparedTurn(SafetyResult(), None, (line("empty_message"),))
    # The whole text is classified, before it is cut and commands included: "/greet I want to
    # die" and a crisis at the end of a long message are still crises.
    safety = classify(text)
    # The message right after crisis help for someone else is still about them (later in the
    # conversation, each message speaks for itself).
    if safety.is_crisis and session.after_crisis:
        safety = in_conversation(safety, session.response, text)
        safety = still_losing_control(safety, session)
    # "No I'm not in danger" to Cradle's own question is the button it means, not a "no". The
    # answer is listed whole, so it holds no other words; a reading of the second opinion alone
    # on three or four words is not kept against it ("no im safe" read as an emergency).
    payload = get_check_in().safe_answer(session.last_question, text)
    if payload and session.response not in HELP_ON_THE_WAY and _second_opinion_only(safety):
        return PreparedTurn(SafetyResult(), payload)
    if corrected := corrected_answer(text, session, safety):
        return corrected
    if not_me := not_me_answer(text, session, safety):
        return not_me
    if asked := misread_answer(text, session, safety):
        return asked
    # "Help has come" or "I feel calmer" right after crisis help, or right after "I'm safe for
    # now" was answered: the danger has passed, in words the NLU is not sure of
    # (content/safety/check_in.yml, passed_answers; docs/safety.md, fifty-second session).
    if (
        (session.after_crisis or session.last_turn[-1:] == (GLAD_SAFE_REPLY,))
        and get_check_in().says_danger_passed(text)
        and _second_opinion_only(safety)
    ):
        return PreparedTurn(SafetyResult(), f"/{SAFE_NOW_INTENT}")
    # A "not safe" answer to Cradle's own question is an emergency, even when the net already
    # read the words as urgent ("I don't know" is both).
    if tier_rank(safety.tier) < tier_rank(NOT_SAFE_ANSWER.tier) and get_check_in().is_not_safe(
        session.last_question, text
    ):
        safety = not_safe_answer(session)
    if pressed := typed_button(text, session, safety):
        return PreparedTurn(SafetyResult(), pressed)
    if helper_asks_answer(text, session, safety):
        return PreparedTurn(SafetyResult(), HELP_THEM_COMMAND)
    if heard := help_on_the_way_answer(text, session, safety):
        return heard
    if answer := while_not_safe_answer(text, session, safety):
        return PreparedTurn(SafetyResult(), None, (line(answer),))
    if answer := after_999_for_other_answer(text, session, safety):
        return PreparedTurn(SafetyResult(), None, (line(answer),))
    if answer := after_abuse_answer(text, session, safety):
        return PreparedTurn(SafetyResult(), None, (line(answer),))
    if temper := after_losing_control_answer(text, session, safety):
        return temper
    if ruled_out := signs_ruled_out_answer(session, safety):
        return ruled_out
    if stated := stated_safe_answer(text, session, safety):
        return stated
    safety = asked_about_the_services(text, session, safety)
    truncated = len(text) > MAX_MESSAGE_CHARS
    text = cut_for_reading(text)
    if safety.is_crisis and repeats_crisis_help(safety, session):
        # The same crisis again, right after its reply: the short follow-up, not the same text
        # twice in a row (a user test: "the same text and question again").
        return PreparedTurn(safety, f"/{FOLLOW_UP_INTENT}", truncated=truncated)
    if safety.is_crisis:
        tier = max(safety.tier, session.tier, key=tier_rank)  # the session flag never drops
        entities = {"safety_tier": tier, "safety_response": safety.response}
        if safety.response in READ_BY_MATTERS and _second_opinion_only(safety):
            entities[READ_BY] = SECOND_OPINION_READ
        return PreparedTurn(safety, f"/{SAFETY_INTENT}{json.dumps(entities)}", truncated=truncated)
    # After the crisis branches: a crisis inside markup is still read and answered above.
    if _MARKUP.search(text):
        text = " ".join(_MARKUP.sub(" ", text).split())
        if not text:  # markup alone: "Sorry, I couldn't use that..."
            return PreparedTurn(safety, None, (line("command_error"),), truncated)
    if text.lstrip().startswith("/"):
        try:
            return PreparedTurn(safety, check_command(text), truncated=truncated)
        except CommandError:
            return PreparedTurn(safety, None, (line("command_error"),), truncated)
    if asked := asks_999_answer(text, session, safety):
        return replace(asked, truncated=truncated)
    if thoughts_back_answer(text, session):
        # Not the NLU's guess: it answered with scary thoughts about the baby (the twenty-third
        # user test).
        return PreparedTurn(safety, None, (line(IF_THOUGHTS_COME_BACK),), truncated)
    turn = _past_the_crisis_readings(text, session, safety, truncated)
    fever = get_check_in().speaks_of_baby_fever(text)
    if fever or (session.after_crisis and get_check_in().asks_whether_999(text)):
        # Right after crisis help, "do i ring 999 or 111?" was answered with a topic (the
        # twenty-third user test): when to call first, then the turn goes on as it would. A
        # baby's temperature gets its own line first, whenever it comes.
        when = when_to_call(fever, medical_held(session))
        if when[_LINE_KEY] == WHEN_TO_CALL_MEDICAL and _goes_to_the_nlu(turn):
            # Not the NLU's worry topic and the reminder after it: crisis help again, where
            # the net asks for it, still follows the line (docs/safety.md, fifty-fourth session).
            return PreparedTurn(safety, None, (when,), truncated)
        return replace(turn, immediate=(when, *turn.immediate))
    return turn


def _goes_to_the_nlu(turn: PreparedTurn) -> bool:
    """Whether the turn sends Rasa the parent's words for the NLU to read, not an intent of its
    own (crisis help, a question) and not nothing."""
    return turn.text_for_rasa is not None and not turn.text_for_rasa.startswith("/")


def _past_the_crisis_readings(
    text: str, session: SessionSafety, safety: SafetyResult, truncated: bool
) -> PreparedTurn:
    """The rest of `prepare_turn`, once no crisis, command or question whether to ring 999 has
    answered the message."""
    if safety.needs_check:
        # Right after crisis help, "are you or your baby in danger?" would ask what was just
        # answered: the crisis help goes on instead.
        if session.after_crisis:
            return PreparedTurn(safety, f"/{FOLLOW_UP_INTENT}", truncated=truncated)
        if (
            not asks_again(safety, session.just_cleared)
            or answers_if_abuse(text, safety)
            or asks_if_for_me(text, safety)
        ):
            return PreparedTurn(safety, text, truncated=truncated)
        # The reply to send if the answer is "yes" goes with the question (the
        # safety_response slot); "urgent" when the net leaned nowhere, so that a reply from an
        # earlier crisis is never the one sent.
        leaning = {"safety_response": safety.leaning or "urgent"}
        return PreparedTurn(safety, f"/{CHECK_INTENT}{json.dumps(leaning)}", truncated=truncated)
    if in_another_language(text):
        # The NLU reads English only: say where help in her language is, not "I can't help".
        return PreparedTurn(safety, None, (line("other_language"),), truncated)
    if only_sad_emoji(text):
        # Not a greeting: someone is sad and has no words for it yet.
        return PreparedTurn(safety, None, (line("sad_without_words"),), truncated)
    if thoughts_passed(safety) and not session.after_crisis:
        # Said back, whatever the NLU answers next (docs/safety.md, fifty-second session).
        return PreparedTurn(safety, text, (line(THOUGHTS_PASSED),), truncated)
    return PreparedTurn(safety, text, truncated=truncated)


# The contexts that lower the writer's own suicidal thoughts to `support` because they have
# passed or are in the past (content/safety/lexicon.yml): not helping someone, a film or a
# topic question, which are not the writer telling of their own thoughts.
_OWN_THOUGHTS_PASSED = frozenset({f"{CONTEXT_SIGNAL}past", f"{CONTEXT_SIGNAL}safe_now"})


def thoughts_passed(safety: SafetyResult) -> bool:
    """The writer's own suicidal thoughts, read as `support` because they have passed or are in
    the past ("i used to feel suicidal years ago, im fine now")."""
    return (
        safety.tier == "support"
        and "suicidal-thoughts" in safety.rules
        and bool(safety.signals & _OWN_THOUGHTS_PASSED)
        and not any(
            s.startswith(CONTEXT_SIGNAL) and s not in _OWN_THOUGHTS_PASSED for s in safety.signals
        )
    )


def thoughts_back_answer(text: str, session: SessionSafety) -> bool:
    """ "What if the thoughts come back later tonight?" after the writer's own crisis help, at any
    later turn of the session (docs/safety.md, fifty-third session). The caller has answered any
    crisis in the message already."""
    return session.response in THOUGHTS_BACK_AFTER and get_check_in().asks_if_thoughts_come_back(
        text
    )


def asks_999_answer(text: str, session: SessionSafety, safety: SafetyResult) -> PreparedTurn | None:
    """ "Should I ring 999?" with no crisis read in it (docs/safety.md, fifty-second session):
    when to call 999 or NHS 111, from the NHS, then Cradle's own question, leaning to the reply
    the net leaned to, else the crisis reply sent earlier in the session, else the emergency
    reply. Without the question again right after "No" to it. Right after crisis help, which
    has just asked its own question, `prepare_turn` puts the line before the turn instead."""
    if safety.is_crisis or session.after_crisis or not get_check_in().asks_whether_999(text):
        return None
    fever = get_check_in().speaks_of_baby_fever(text)
    when = (when_to_call(fever, medical_held(session)),)
    if session.just_cleared or session.last_question == CHECK_QUESTION:
        return PreparedTurn(safety, None, when)
    # "Yes, in danger" to a question whether to ring 999: the emergency reply ("Call 999 now"),
    # unless the net or the session's crisis help said whose danger it is; for a baby's
    # temperature, the reply for a medical emergency.
    earlier = session.response if session.response in _CRISIS_REPLIES else None
    default = "medical" if fever else "emergency"
    leaning = {"safety_response": safety.leaning or earlier or default}
    return PreparedTurn(safety, f"/{CHECK_INTENT}{json.dumps(leaning)}", when)


def when_to_call(fever: bool, medical: bool = False) -> dict[str, Any]:
    """When to call 999 or NHS 111: for a baby's temperature, the NHS's own thresholds and red
    flags (docs/safety.md, fifty-third session); while a medical emergency is held, for illness
    (fifty-fourth session); otherwise in general."""
    if fever:
        return line(BABY_FEVER)
    return line(WHEN_TO_CALL_MEDICAL if medical else WHEN_TO_CALL_999)


def corrected_answer(
    text: str, session: SessionSafety, safety: SafetyResult
) -> PreparedTurn | None:
    """A safe answer given with its reason ("wtf?? im not in danger i just meant im a single
    mum"), sent on as the safe answer's button when the net reads nothing to worry about in the
    reason; after crisis help it starts with "Sorry if I got that wrong"."""
    if session.response not in CORRECTABLE or not _second_opinion_only(safety):
        return None
    found = get_check_in().correction(session.last_question, text)
    if found is None:
        return None
    payload, reason = found
    if reason:
        read = classify(reason)
        if read.tier != "none" or read.needs_check:
            return None
    sorry = (line("misread_sorry"),) if session.after_crisis else ()
    return PreparedTurn(SafetyResult(), payload, sorry)


def not_me_answer(text: str, session: SessionSafety, safety: SafetyResult) -> PreparedTurn | None:
    """Right after crisis help for the writer's own crisis, or Cradle's danger question leaning
    to it, a message that says it is someone else's ("its not me, its my friend. im fine."):
    "Sorry if I got that wrong", then the same help for someone else at the session's tier,
    which never drops. Only when the whole net reads nothing in the message, or is only unsure
    of it: the listed words are what the writer said, and the second opinion's doubt alone does
    not stand against them (as for a button's title typed out); any crisis reading does, and
    the message is read as before."""
    # Or right after "Are you or your baby in danger right now?" leaning to the writer's own
    # crisis reply (the twelfth user test's sister was asked it again): its leaning is
    # `session.response`, and an emergency leaning gives the emergency reply for someone else.
    asked = session.last_question == CHECK_QUESTION
    if not (session.after_crisis or asked) or session.response not in NOT_ME_AFTER:
        return None
    if safety.tier != "none" or not get_check_in().says_not_me(text):
        return None
    leaned_emergency = (safety.needs_check and safety.leaning in EMERGENCY_REPLIES) or (
        session.response in EMERGENCY_REPLIES
    )
    leaned = "emergency" if leaned_emergency else "urgent"
    tier = max(session.tier, leaned, key=tier_rank)
    # Abuse keeps its own reply; otherwise someone else's at the tier ("call 999 for them").
    for_other = "abuse_for_other" if session.response == "abuse" else reply_for_someone_else(tier)
    # A crisis result, so that the channel still sends this help if Rasa does not.
    help_for_other = SafetyResult(tier, for_other, ("check-in:not-me",))
    entities = {"safety_tier": tier, "safety_response": for_other}
    return PreparedTurn(
        help_for_other,
        f"/{SOMEONE_ELSE_INTENT}{json.dumps(entities)}",
        (line("misread_sorry"),),
    )


def misread_answer(text: str, session: SessionSafety, safety: SafetyResult) -> PreparedTurn | None:
    """Right after crisis help, a message that says it was misread with no statement of safety
    ("i dont have a baby yet... i just meant the wine"), or that rules out the crisis by name
    ("what?? im not suicidal or anything": the twenty-first user test, docs/safety.md; "what? no
    one is abusing me" after the abuse reply: the twenty-seventh): "Sorry if I got that wrong",
    then Cradle's own question, leaning to the crisis reply just sent, so that "Yes" brings it
    back. Only when the whole net reads nothing in the message; otherwise it is held as
    before."""
    if not session.after_crisis or safety.tier != "none" or safety.needs_check:
        return None
    check_in = get_check_in()
    if session.response in CORRECTABLE:
        said = SUICIDAL_RULED_OUT in safety.signals or check_in.says_misread(text)
    elif session.response == LOSING_CONTROL:
        # "what?? no im not going to hurt anyone" (docs/safety.md, fifty-ninth session).
        said = check_in.says_harm_misread(text)
    else:
        said = session.response == ABUSE_REPLY and check_in.says_abuse_misread(text)
    if not said:
        return None
    leaning = {"safety_response": session.response}
    return PreparedTurn(safety, f"/{CHECK_INTENT}{json.dumps(leaning)}", (line("misread_sorry"),))


def stated_safe_answer(
    text: str, session: SessionSafety, safety: SafetyResult
) -> PreparedTurn | None:
    """Later in a conversation whose reminder is on, a message with a part that says the writer
    is safe ("woah no im not gonna do anything, im safe. i just meant like my heads messed up":
    the sixteenth user test's dad, after a false alarm and a topic button): "I'm glad to hear
    that", a "said safe" reply that ends the reminder. Right after crisis help or a safety
    question, the readings above answer instead; after a medical emergency or tablets, being
    safe is not being treated. Only when any crisis reading of the message is the second
    opinion's alone and the whole net reads nothing in its other parts."""
    if not reminds(session) or session.after_crisis or session.last_question:
        return None
    if session.response in HELP_ON_THE_WAY or not _second_opinion_only(safety):
        return None
    rest = get_check_in().states_safe(text)
    if rest is None:
        return None
    # The other parts without the statement read more worrying to the model ("i just meant
    # like my heads messed up" alone is unsure): its doubt alone does not stand against what
    # the writer said, as for "not me"; any other reading of them does.
    if rest and not _reads_nothing_but_doubt(classify(rest)):
        return None
    sorry = (line("misread_sorry"),) if get_check_in().says_misread(text) else ()
    return PreparedTurn(SafetyResult(), f"/{SAFE_NOW_INTENT}", sorry)


def typed_button(text: str, session: SessionSafety, safety: SafetyResult) -> str | None:
    """The command of the button just offered whose title `text` types out, if any.

    "I'm safe for now" typed instead of pressed was read by the NLU as asking for crisis help
    (the twenty-first session's 360px check), and an SMS reader may type a title rather than its
    number. The title is Cradle's own words, so a reading of the second opinion alone does not
    stand against it; the lexicon's and a "not safe" answer's reading do. The command is checked
    like a typed one: a bad payload in the tracker is never sent on."""
    if safety.is_crisis and not _second_opinion_only(safety):
        return None
    payload = get_check_in().button_typed(text, session.offered)
    if payload is None:
        return None
    try:
        return check_command(payload)
    except CommandError:
        return None


def helper_asks_answer(text: str, session: SessionSafety, safety: SafetyResult) -> bool:
    """Whether `text`, right after crisis help for someone else not in danger this minute, asks
    how to help them ("what do i actually say back to him") and the net reads nothing new in it:
    only the second opinion, at no higher tier than the session holds. A message naming a new
    danger ("what do i say, she's taken pills") is read by the lexicon and answered as before."""
    if not session.after_crisis or session.response not in HELPER_ASKS_AFTER:
        return False
    return _reads_nothing_new(safety, session) and get_check_in().asks_how_to_help(text)


# "What do I say when they answer?" and "what's postpartum psychosis?" right after the reply
# for someone else's emergency.
WHAT_TO_SAY_ON_999 = "call_999_what_to_say"
PSYCHOSIS_ON_999 = "call_999_what_is_psychosis"
# "Ambulance is coming, what now?" at a later turn of that session.
WAITING_ON_999 = "call_999_while_waiting"


def after_999_for_other_answer(
    text: str, session: SessionSafety, safety: SafetyResult
) -> str | None:
    """The reply's name when `text`, right after crisis help for someone else's emergency ("call
    999 now and say what is happening... it can be postpartum psychosis"), asks what to say ("ok.
    what do i actually say when they answer": `call_999_what_to_say`) or names postpartum
    psychosis ("whats postpartum psychosis? will she get better": `call_999_what_is_psychosis`),
    and the net reads nothing new in it; else None. Both keep 999 first (the twenty-eighth user
    test's grandmother got the asking-for-help topic, then the 999 follow-up with no reason;
    docs/safety.md, fifty-seventh and fifty-eighth sessions). At a later turn of that session
    (not the one right after the reply), a message saying help is coming or the call is made
    gets what to do while waiting (`call_999_while_waiting`). Sent by the channel: the session,
    its flag and the question asked last stay."""
    if session.response != "emergency_for_other":
        return None
    check_in = get_check_in()
    if (
        not session.after_crisis
        and _reads_nothing_new(safety, session)
        and (check_in.says_help_coming(text) or check_in.says_calling(text))
    ):
        # At a later turn: the call is made, and a search in between does not make the message
        # the writer's own emergency (the twenty-ninth user test's sister; docs/safety.md,
        # fifty-eighth session). Not right after the reply: there the first form made one of
        # the frozen after-crisis conversations with the writer's own urge lose its crisis help.
        return WAITING_ON_999
    if not session.after_crisis or not _reads_nothing_new(safety, session):
        return None
    if check_in.asks_how_to_help(text):
        return WHAT_TO_SAY_ON_999
    if check_in.names_psychosis(text):
        return PSYCHOSIS_ON_999
    return None


def while_not_safe_answer(text: str, session: SessionSafety, safety: SafetyResult) -> str | None:
    """The reply's name when `text` asks Cradle to stay ("can you stay talking to me while i
    do") while the writer's own crisis help is on and they have not said they are safe: "I'm
    here", that Cradle cannot phone or stay on a call, and where a person is, by the session's
    tier; or says help is coming: "That's good... wait for them"; or that they are calling:
    "You've done the right thing". Only when the net reads nothing new in it (the second opinion
    alone, at no higher tier). Sent by the channel: the session, its flag and the question asked
    last stay."""
    if session.response not in STAY_AFTER or not reminds(session):
        return None
    if not _reads_nothing_new(safety, session):
        return None
    check_in = get_check_in()
    # What she says she has done comes before what she asks: on the line to 111, "are you still
    # there" was told "Please call 999 now" (the thirteenth user test's mum).
    if check_in.says_help_coming(text):
        return "crisis_help_coming"
    if check_in.says_calling(text):
        return "crisis_calling"
    if check_in.asks_to_stay(text):
        return f"crisis_stay_{session.tier}"
    return None


def after_abuse_answer(text: str, session: SessionSafety, safety: SafetyResult) -> str | None:
    """The reply's name when, after the abuse reply in this session, `text` asks if a call for
    help can be seen ("if i ring that number will he see it?": `abuse_call_seen`), or says she
    is not leaving or not ready to and asks for no services ("im not ready to leave him":
    `abuse_not_ready_to_leave`), or asks whether it is abuse or "counts" ("the push... does
    that count?": `abuse_does_it_count`), and the net reads nothing new in it; else None. The
    seventeenth user test's mum got the abuse reply again; alone, "not ready to leave him" was
    read as an emergency; the eighteenth's got couples advice (docs/safety.md). Sent by the
    channel: the session, its flag and the question asked last stay."""
    if session.response != "abuse" or not _reads_nothing_new(safety, session):
        return None
    check_in = get_check_in()
    if check_in.asks_if_call_seen(text):
        return "abuse_call_seen"
    if check_in.says_not_leaving(text) and get_request_reader().read(text) is None:
        return "abuse_not_ready_to_leave"
    if asks_if_abuse_counts(text):
        return "abuse_does_it_count"
    return None


LOSING_CONTROL = "losing_control"
ABUSE_REPLY = "abuse"
TEMPER_ANSWER = "losing_control_temper"
# "Feeling snappy" is written for a temper with a partner: after the losing-control reply, "i
# snapped at him" is about the child, and the anger answer is the one for it.
SNAPPY_FOCUS = "own-short-temper"
FIND_SERVICES = "find_services"


def still_losing_control(safety: SafetyResult, session: SessionSafety) -> SafetyResult:
    """Right after the losing-control reply, a crisis the second opinion alone reads as abuse
    keeps the losing-control reply, at the higher tier: "what do i actually do right now tho
    hes still screaming" is the baby (the twenty-seventh user test's dad got "delete this chat";
    docs/safety.md, fifty-seventh session). A lexicon or situation reading of abuse keeps its
    own reply."""
    if (
        session.response != LOSING_CONTROL
        or safety.response != ABUSE_REPLY
        or not _second_opinion_only(safety)
    ):
        return safety
    return replace(
        safety, response=LOSING_CONTROL, rules=(*safety.rules, "conversation:losing-control")
    )


def after_losing_control_answer(
    text: str, session: SessionSafety, safety: SafetyResult
) -> PreparedTurn | None:
    """After the losing-control reply in this session, a message about the writer's own temper
    or wanting to stop ("how do i actually stop tho... i just snap"), from a writer who has said
    they are safe or says the child is ("hes asleep, hes fine"), in which the net reads nothing
    new: "Wanting to stop is a strong first step...", not that reply again (the eighteenth user
    test's Rugby dad got it twice, and nothing on anger; docs/safety.md, forty-seventh
    session). A request for services in it is searched in the same turn; a worry with its own
    first answer gets that instead; right after "Are you safe right now?" it is that question's
    safe answer too; otherwise the answer offers "Find support near me". The session's flag and
    the crisis panel stay (docs/safety.md, and after the nineteenth user test)."""
    if session.response != LOSING_CONTROL or not _reads_nothing_new(safety, session):
        return None
    check_in = get_check_in()
    if not check_in.speaks_of_temper(text):
        return None
    if not (session.said_safe or check_in.says_child_fine(text)):
        return None
    if (focused := find_focus(text)) is not None and focused[1].id != SNAPPY_FOCUS:
        # "will they call social services on me?": the worry's own answer, not this one again
        # (the nineteenth user test's dad got it twice).
        return PreparedTurn(SafetyResult(), None, ({"text": focused[1].answer},))
    answer = line(TEMPER_ANSWER)
    without_button = {k: v for k, v in answer.items() if k != "buttons"}
    if (search := services_search(text)) is not None:
        # The search's own reply follows: its button would ask for what is being done.
        return PreparedTurn(SafetyResult(), search, (without_button,))
    if not session.said_safe and session.last_question == OWN_SAFETY_QUESTION:
        # "i'd never hurt him" answers "Are you safe right now?": sent on as its safe button, so
        # the session records it and the reminder stops ("makes me feel like a monster").
        return PreparedTurn(SafetyResult(), "/affirm", (without_button,))
    return PreparedTurn(SafetyResult(), None, (answer,))


# The sign a partner is asked about in the reply for someone else's emergency (postpartum
# psychosis: seeing, hearing or believing things that are not real), ruled out.
PSYCHOSIS_RULED_OUT = f"{RULED_OUT_SIGNAL}strange_belief"
# The writer's own crisis ruled out by name ("im not suicidal"): `misread_answer`.
SUICIDAL_RULED_OUT = f"{RULED_OUT_SIGNAL}suicidal"


def signs_ruled_out_answer(session: SessionSafety, safety: SafetyResult) -> PreparedTurn | None:
    """Right after crisis help for someone else's emergency, a message that rules out the signs
    of psychosis ("shes not seeing things or hearing voices, i asked her... do i really need to
    ring 999?") in which the net reads no crisis, nor the model's doubt: "Thank you for
    checking. If they aren't seeing, hearing or believing things that aren't real... you don't
    need to call 999 now", through Rasa, so the crisis part ends as after "Help is with them".
    The nineteenth user test's dad was told to call 999 three times (docs/safety.md,
    forty-eighth session). Any crisis reading keeps the held reply."""
    if not session.after_crisis or session.response != "emergency_for_other":
        return None
    if PSYCHOSIS_RULED_OUT not in safety.signals or safety.is_crisis or safety.needs_check:
        return None
    return PreparedTurn(SafetyResult(), f"/{SIGNS_RULED_OUT_INTENT}")


# The action that answers a request for services; "are any of them open now?" right after it
# asks about what it listed.
FIND_SERVICES_ACTION = "action_find_services"
# The lines that answer a question about a list (its opening or cost lines, or one listed
# service's card): right after them, the list is still what the parent asks about
# (docs/safety.md, fifty-seventh session).
ABOUT_A_LIST_LINES = (
    "utter_services_open_",
    "utter_services_cost_",
    "utter_services_wait_",
    "utter_service_named_",
    "utter_service_cost_",
    "utter_service_open_",
)
ABOUT_THE_SERVICES_RULE = "conversation:about-the-services"


def answers_about_a_list(lines: Sequence[str]) -> bool:
    """Whether the bot's turn (the names of the responses it sent) answered a question about a
    list of services."""
    return any(line.startswith(ABOUT_A_LIST_LINES) for line in lines)


def list_question(safety: SafetyResult, text: str) -> str | None:
    """The kind of services question to answer after "No", when the danger question was asked
    about one (`asked_about_the_services`); else None."""
    if ABOUT_THE_SERVICES_RULE not in safety.rules:
        return None
    opening, cost, reaching = LIST_QUESTIONS
    return opening if asks_open(text) else cost if asks_cost(text) else reaching


def asked_about_the_services(
    text: str, session: SessionSafety, safety: SafetyResult
) -> SafetyResult:
    """Right after a service list, in a conversation with no crisis reply yet, a question about
    reaching the services ("are any of them open now? its gone midnight") that the second
    opinion alone reads as a crisis is asked about ("are you or your baby in danger?"), and
    "yes" gets the reply it leaned to. Alone, such readings are almost always right; after a
    list, the twenty-fifth user test's dad was told "Call 999 now" (docs/safety.md, fifty-sixth
    session). Any lexicon or situation reading keeps the crisis help."""
    if (
        not safety.is_crisis
        or tier_rank(session.tier) >= tier_rank("urgent")
        or not (FIND_SERVICES_ACTION in session.last_turn or session.answered_about_services)
        or not _second_opinion_only(safety)
        or not get_check_in().asks_about_services(text)
    ):
        return safety
    return replace(
        safety,
        tier="none",
        response="check",
        rules=(*safety.rules, ABOUT_THE_SERVICES_RULE),
        leaning=safety.response,
        someone_else=None,
    )


def services_search(text: str) -> str | None:
    """The `/find_services` command for a message that asks for services, with the Warwickshire
    district and the audience it names; None when it asks for none. Sent by the channel when
    the words themselves cannot go to Rasa (its safety check would read them again)."""
    district = get_areas().find_in_text(text).district
    # A place named makes "a parenting course near warwick" a request, as in the actions.
    ask = get_request_reader().read(text, names_a_place=district is not None)
    if ask is None:
        return None
    # The kind of help goes with the command: the action sees the command, not these words,
    # and says its line before the list ("I don't have parenting courses...").
    kind = ask.group if ask.group in get_request_reader().kinds_of_help else None
    named = {"area": district, "audience": ask.audience, KIND_OF_HELP: kind}
    entities = {key: value for key, value in named.items() if value}
    return check_command(
        f"/{FIND_SERVICES}{json.dumps(entities)}" if entities else f"/{FIND_SERVICES}"
    )


def help_on_the_way_answer(
    text: str, session: SessionSafety, safety: SafetyResult
) -> PreparedTurn | None:
    """The turn for help on its way or a call typed after a medical emergency or tablets taken,
    when the net reads nothing new in it; else None.

    Right after "Is help on the way?" or its follow-up, "the ambulance is on its way what do i
    do while we wait" is the "Help is on the way" button (its command: Rasa's rules answer it
    with the reviewed reply); right after the ways to get help now, whose "yes" has no rule,
    the channel sends that reply itself. After a medical emergency, a call typed there ("on the
    phone to 999 now") gets "You've done the right thing by calling. Stay on the line...", not
    "If you haven't yet, call 999" (not after tablets: a call to a helpline is not the medical
    help the reply assumes). A call that has not happened ("they said they'd come later") is
    neither (`not_calling` vetoes both lists). docs/safety.md, thirty-ninth and fortieth
    sessions. A call typed later in the session, while the medical crisis is still held
    ("ringing 111 now" two topic turns on), gets the calling reply too (fifty-third session)."""
    if session.response not in HELP_ON_THE_WAY or not session.last_turn:
        return None
    if not _reads_nothing_new(safety, session):
        return None
    asked = session.last_turn[-1]
    check_in = get_check_in()
    if asked in HEARD_AFTER and check_in.says_help_coming(text):
        if asked in ON_THE_WAY_ASKED:
            return PreparedTurn(SafetyResult(), HELP_ON_THE_WAY_COMMAND)
        return PreparedTurn(SafetyResult(), None, ({"text": on_the_way_reply(session.response)},))
    if medical_held(session) and check_in.says_calling(text):
        return PreparedTurn(SafetyResult(), None, (line(CALLING_AFTER_MEDICAL),))
    return None


def medical_held(session: SessionSafety) -> bool:
    """A medical emergency's crisis is still held: its reply was the session's last, and the
    bot's last turn asked about it or the reminder is due. "999 or 111?" then gets the line for
    illness, not the general line's mental health option (the twenty-fourth user test's Warwick
    mum; docs/safety.md, fifty-fourth session)."""
    asked = bool(session.last_turn) and session.last_turn[-1] in HEARD_AFTER
    return session.response in CALLING_AFTER and (asked or reminds(session))


def on_the_way_reply(response: str) -> str:
    """The reviewed reply to "Help is on the way" after this crisis reply, spaces collapsed."""
    reply = pick_variation(GLAD_SAFE_REPLY, {"safety_response": response})
    return " ".join(reply["text"].split())


def _reads_nothing_new(safety: SafetyResult, session: SessionSafety) -> bool:
    """The net read no more than the second opinion's doubt, at no tier above the session's:
    the listed words the writer typed stand against it."""
    return _second_opinion_only(safety) and tier_rank(safety.tier) <= tier_rank(session.tier)


def _second_opinion_only(safety: SafetyResult) -> bool:
    # Who is hurt only picks the reply of a tier the second opinion read.
    return all(rule.startswith(SECOND_OPINION) or rule == WHO_IS_HURT for rule in safety.rules)


def _reads_nothing_but_doubt(safety: SafetyResult) -> bool:
    return safety.tier == "none" and (not safety.needs_check or _second_opinion_only(safety))


# The abuse topic's intent: its first answer says what abuse is, 999 and the helpline.
ABUSE_TOPIC_INTENT = "ask_domestic_abuse"


def answers_if_abuse(text: str, safety: SafetyResult) -> bool:
    """Whether a message the net is unsure of asks whether what is happening is abuse ("is it
    actually abuse if he doesnt hit me?"), on the second opinion's doubt alone and leaning to no
    emergency reply: the abuse topic answers it, not "are you in danger?" (the seventeenth user
    test's mum was asked twice in three messages). The NLU's safety check makes the intent the
    abuse topic's (bot/components/safety_check.py)."""
    return (
        safety.needs_check
        and safety.tier == "none"
        and _second_opinion_only(safety)
        and safety.leaning not in EMERGENCY_REPLIES
        and get_request_reader().asks_if_abuse(text)
    )


def asks_if_for_me(text: str, safety: SafetyResult) -> bool:
    """Whether a message the second opinion alone is unsure of asks whether help is meant for
    the writer ("is the dads and partners stuff meant for me?"): a question of who may use it,
    answered, not asked whether anyone is in danger (docs/safety.md, fifty-ninth session)."""
    return _second_opinion_only(safety) and get_check_in().asks_if_for_me(text)


def asks_again(safety: SafetyResult, just_cleared: bool) -> bool:
    """Whether to ask "are you or your baby in danger?" about a message the net is unsure of.

    Right after "No" to that question, asking again about a worry the net does not lean to an
    emergency on (crying, sleep) loops (a fourth user test: asked three times about a crying
    baby), so the message is answered instead. An emergency leaning is still asked."""
    return not just_cleared or safety.leaning in EMERGENCY_REPLIES


def repeats_crisis_help(safety: SafetyResult, session: SessionSafety) -> bool:
    """A crisis read right after crisis help that would send the same reply at no higher tier."""
    return (
        session.after_crisis
        and safety.response == session.response
        and tier_rank(safety.tier) <= tier_rank(session.tier)
        and "check-in:not-safe" not in safety.rules
    )


def is_after_crisis(
    last_action: str | None, response: str | None, held: frozenset[str] = frozenset()
) -> bool:
    """Whether the bot's last action (and the crisis reply sent) leaves the crisis still on.
    `held`: the held replies sent since the last crisis reply (`held_since_crisis`)."""
    if response in EASED_AFTER_HELD and HELD_REPLIES <= held:
        return False
    if last_action == GLAD_SAFE_REPLY:
        return response in STILL_ON_AFTER_SAFE
    return last_action in AFTER_CRISIS_ACTIONS


def held_since_crisis(actions: Sequence[str]) -> frozenset[str]:
    """Which held replies the bot has sent since its last crisis reply, from the conversation's
    actions in order."""
    held = set()
    for name in reversed(actions):
        if name == CRISIS_REPLY_ACTION:
            break
        if name in HELD_REPLIES:
            held.add(name)
    return frozenset(held)


def topic_in_ranking(ranking: object) -> str | None:
    """The topic of the NLU's best guess that is not the safety net's own intent, if any."""
    for candidate in ranking if isinstance(ranking, list) else []:
        name = candidate.get("name") if isinstance(candidate, dict) else None
        if name and name not in NET_INTENTS:
            return topic_for_intent(name)
    return None


# The intrusive-thoughts topic is written about thoughts of the baby: carried with the danger
# question for a thought that names no baby ("thoughts of crashing the car", the twenty-fifth
# user test's dad), low mood is answered after "No" instead, whose first answers say where to
# go with thoughts of ending your life (docs/safety.md, fifty-fifth session).
BABY_THOUGHTS_TOPIC = "intrusive-thoughts"
OWN_THOUGHTS_TOPIC = "low-mood"


def topic_to_carry(topic_id: str | None, text: str) -> str | None:
    """The topic to answer after "No" to the danger question asked about `text`."""
    if topic_id == BABY_THOUGHTS_TOPIC and not get_detector().names("baby", text):
        return OWN_THOUGHTS_TOPIC
    return topic_id


def held_request(text: str) -> str | None:
    """`HELD_REQUEST` when the message the danger question is asked about asks for services (the
    channel's own search reads it), so that "No" gets the list, not "tell me a bit more"."""
    return HELD_REQUEST if services_search(text) is not None else None


def with_pending_topic(turn: PreparedTurn, topic_id: str | None, text: str = "") -> PreparedTurn:
    """The safety question, carrying the topic to answer once the parent says "No", and the
    Warwickshire district `text` names (its id, never the words), so a later request for
    services need not ask where again (README, "a place said once is kept")."""
    question = f"/{CHECK_INTENT}"
    sent = turn.text_for_rasa
    district = get_areas().find_in_text(text).district if text else None
    if (topic_id is None and district is None) or sent is None or not sent.startswith(question):
        return turn
    entities = json.loads(sent.removeprefix(question) or "{}")
    if topic_id is not None:
        entities[PENDING_TOPIC] = topic_id
    if topic_id == HELD_REQUEST and (search := services_search(text)) is not None:
        # The audience the request names goes with it (an allowlisted id, never the words).
        named = json.loads(search.removeprefix(f"/{FIND_SERVICES}") or "{}")
        if "audience" in named:
            entities["audience"] = named["audience"]
    if district is not None:
        entities["area"] = district
    return replace(turn, text_for_rasa=f"{question}{json.dumps(entities)}")


def reminds(session: SessionSafety) -> bool:
    """Whether this turn's reply starts with the reminder of where help is: the session is
    flagged urgent or emergency for the writer's own crisis, and the writer has not said they
    are safe since its last crisis reply (the twelfth user test's mum, not safe, got the privacy
    answer with no numbers). Help for someone else already said what to do for them, and a
    helper's own questions are not held to it (the seventh user test's grandmother)."""
    return (
        tier_rank(session.tier) >= tier_rank("urgent")
        and not session.said_safe
        and not is_for_someone_else(session.response)
    )


def speaks_to_safety(actions: Sequence[str]) -> bool:
    """Whether a turn that ran these actions already said where help is, or answered the
    writer being safe: every crisis reply, held reply and safety question or answer is named
    `utter_safety...`; the rest of "said safe" is in SAID_SAFE."""
    return any(name.startswith(CRISIS_REPLY_ACTION) or name in SAID_SAFE for name in actions)


# The fear that stops a parent in crisis calling for help ("they'll take her off me": the
# twelfth user test), read with the asking-for-help topic's own focus, so a phrasing the panel
# adds there is heard here too (docs/safety.md, thirty-fifth session).
FEAR_FOCUS = ("asking-for-help", "fear-of-baby-taken")
FEAR_LINE = "crisis_fear_of_baby_taken"


# A helper's question whether asking about suicide puts the idea in their head (the fifteenth
# user test's wife), read with the focus that answers it, after crisis help for someone else
# (docs/safety.md, forty-fourth session).
ASKING_FOCUS = ("asking-for-help", "asking-about-suicide")
ASKING_LINE = "crisis_asking_about_suicide"


def _matches_focus(text: str, topic_id: str, focus_id: str) -> bool:
    focus = get_topic(topic_id).focus_by_id(focus_id)
    return focus is not None and focus.matches(text)


def fears_losing_baby(text: str) -> bool:
    """Whether the message names the fear that the baby will be taken away."""
    return _matches_focus(text, *FEAR_FOCUS)


def asks_about_asking(text: str) -> bool:
    """Whether the message asks whether or how to ask someone about suicide."""
    return _matches_focus(text, *ASKING_FOCUS)


# "Is that real abuse?" with a disclosure the lexicon reads: after the abuse crisis text, "yes,
# it can be abuse" (the eighteenth user test; docs/safety.md, forty-sixth session).
COUNTS_LINE = "crisis_abuse_counts"


def asks_if_abuse_counts(text: str) -> bool:
    """Whether the message asks whether it is abuse or "counts" ("is that like.. real abuse or
    am i overreacting"): the words `after_abuse_answer` reads too."""
    return get_check_in().asks_if_it_counts(text) or get_request_reader().asks_if_abuse(text)


def answered_as_crisis(actions: Sequence[str]) -> bool:
    """Whether a turn that ran these actions answered with crisis help or a held reply after
    it (not a safety question on its own, nor a reply to being safe)."""
    return any(name in AFTER_CRISIS_ACTIONS for name in actions)


def _payload(item: dict[str, Any]) -> dict[str, Any] | None:
    custom = item.get("custom")
    if isinstance(custom, dict) and isinstance(custom.get("cradle"), dict):
        return custom["cradle"]
    return None


def assemble_reply(
    turn: PreparedTurn,
    bot_messages: list[dict[str, Any]],
    failed: bool = False,
    channel: str | None = None,
    remind: str | None = None,
    fear: bool = False,
    asking: bool = False,
    counts: bool = False,
) -> list[dict[str, Any]]:
    """The messages to send back, ending with the reply contract.

    `bot_messages` are what Rasa sent (REST output shape). `failed` means Rasa raised or ran out
    of time. Crisis text is added from content if Rasa did not send it, in the `channel`'s
    words; an empty or failed turn gets the fixed fallback, which itself carries the crisis
    numbers. `remind`: the reminder of where help is that the reply starts with (its message
    key, `reminder_key`), unless it already does (see `reminds`). `fear`: crisis help that
    answers a fear of the baby being taken also says what is true about it: after the crisis
    text of a new crisis, before a held reply.
    `asking`: crisis help for someone else that answers "will asking put the idea in their
    head?" says what is true about that, in the same place.
    `counts`: abuse crisis help that answers "is that real abuse?" says "yes, it can be abuse",
    in the same place.
    """
    visible: list[dict[str, Any]] = []
    insight: dict[str, Any] = {}
    topic: str | None = None
    services: list[str] = []
    cards: list[dict[str, Any]] = []
    cards_at: int | None = None  # how many visible messages came before the first cards
    tier = turn.safety.tier
    rasa_tier = "none"  # the most serious tier among the replies Rasa itself sent
    for item in bot_messages:
        payload = _payload(item)
        shown = {k: v for k, v in item.items() if k not in ("custom", "recipient_id")}
        if shown.get("text") or shown.get("buttons") or shown.get("image"):
            visible.append(shown)
        if payload is None:
            continue  # custom payloads that are not Cradle's own are not passed on
        topic = payload.get("topic", topic)
        for key in INSIGHT_KEYS:
            if isinstance(payload.get(key), str | bool):
                insight[key] = payload[key]
        services.extend(s for s in payload.get("services", []) if isinstance(s, str))
        found = [c for c in payload.get("cards", []) if isinstance(c, dict)]
        if found and cards_at is None:
            cards_at = len(visible)
        cards.extend(found)
        if payload.get("safety") in TIERS:
            rasa_tier = max(rasa_tier, payload["safety"], key=tier_rank)
    tier = max(tier, rasa_tier, key=tier_rank)
    out: list[dict[str, Any]] = []
    if turn.safety.is_crisis and tier_rank(rasa_tier) < tier_rank("urgent"):
        out.append(safety_message(turn.safety.response, channel))
    out.extend(_in_channel(item, channel) for item in turn.immediate)
    if remind and visible and not (failed or turn.safety.is_crisis):
        reminder = message(remind, channel)
        if reminder["text"] not in {m.get("text") for m in visible}:
            out.append(reminder)
    before_rasa = len(out)  # crisis text and immediate replies come before Rasa's messages
    out.extend(visible)
    cards_at = None if cards_at is None else before_rasa + cards_at  # in `out`
    lines = ((FEAR_LINE, fear), (ASKING_LINE, asking), (COUNTS_LINE, counts))
    heard = [name for name, on in lines if on]
    if heard and out and not failed:
        # Crisis text always comes first; a held reply repeats it, so her reason comes first.
        at = 1 if turn.safety.is_crisis else before_rasa
        out[at:at] = [message(name, channel) for name in heard]
        if cards_at is not None and at <= cards_at:
            cards_at += len(heard)
    if turn.truncated:  # after the answer: crisis help, when there is any, always comes first
        out.append(message("truncated_note", channel))
    if turn.text_for_rasa is not None and (failed or not visible):
        # Never silence: Rasa failed, timed out or said nothing. The fallback has crisis numbers.
        out.append(message("service_error", channel))
    contract: dict[str, Any] = {
        "topic": topic,
        "safety": tier,
        "services": services,
        "cards": cards,
    }
    if tier_rank(tier) >= tier_rank("urgent"):
        # The web chat's crisis panel: the numbers for this crisis (after abuse help, the abuse
        # helplines). The widget keeps its own list for when no contract comes.
        contract["crisis_lines"] = crisis_lines(turn.safety.response)
    if cards_at is not None:
        # Where the bot sent the cards: after "These can help...", before "Was this helpful?".
        # The widget shows them after this many messages; the contract alone loses the order.
        contract["cards_after"] = cards_at
    if insight:
        contract["insight"] = insight  # coarse, allowlisted facts for the insight log
    out.append({"custom": contract})
    return out
