"""Run one user turn through Rasa behind the safety net, with a time limit.

Shared by Cradle's REST and SMS channels. Rasa never sees an unchecked `/intent{...}`, a crisis
always gets fixed crisis text, and a turn that fails or takes too long still gets a reply.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from sanic import Blueprint

from bot.components.question_reply import AREA_QUESTION
from cradle import action_validation, logscrub, sqlite_tuning, tracker_counts, warm_marks
from cradle.encode_ahead import get_encode_ahead
from cradle.insights import get_insight_log, turn_from_contract
from cradle.replies import reminder_key, said_safe_since_crisis
from cradle.safety.check_in import get_check_in
from cradle.safety.whose import is_for_someone_else
from cradle.service_filter import SERVICE_FILTER_FORM
from cradle.turn import (
    AFTER_CRISIS,
    CHECK_CLEARED,
    CHECK_INTENT,
    JUST_CLEARED,
    REPLY_TO_KEY,
    PreparedTurn,
    SessionSafety,
    answered_as_crisis,
    answers_about_a_list,
    asks_about_asking,
    asks_if_abuse_counts,
    assemble_reply,
    cut_for_reading,
    fears_losing_baby,
    held_request,
    held_since_crisis,
    is_after_crisis,
    list_question,
    prepare_turn,
    reminds,
    speaks_to_safety,
    topic_in_ranking,
    topic_to_carry,
    with_pending_topic,
)

logger = logging.getLogger(__name__)
DEFAULT_REPLY_TIMEOUT = 8.0
OnNewMessage = Callable[[UserMessage], Awaitable[Any]]
SessionLookup = Callable[[str], Awaitable[SessionSafety]]
TopicGuess = Callable[[str], Awaitable[str | None]]
Render = Callable[[list[dict[str, Any]]], list[dict[str, Any]]]


class ChannelCollector(CollectingOutputChannel):
    """Collects Rasa's replies under the input channel's name, so that Rasa picks a response's
    variation for that channel (`channel: twilio` for SMS); Rasa's own collector is named
    "collector", which no variation names."""

    def __init__(self, channel: str) -> None:
        super().__init__()
        self._channel = channel

    def name(self) -> str:
        return self._channel


def install_hooks() -> None:
    """Once per Rasa process, from each channel's from_credentials: keep message text out of
    Rasa's own logs, pool SQLite tracker connections, save a turn's events without counting the
    stored ones, and check action replies with a validator built once."""
    logscrub.install()
    sqlite_tuning.install()
    tracker_counts.install()
    action_validation.install()


# An everyday message long enough for the safety net's second opinion to read it.
WARM_UP_TEXT = "what groups are there for new parents"
WARM_UP_SENDER = "cradle-warm-up"
_warmed_up = False


def add_warm_up(hook: Blueprint) -> None:
    """Each channel's blueprint: once the server starts, in every Sanic worker, load what a
    worker otherwise loads on its first message (the safety net's lexicon and model, the
    reviewed content, the NLU's first run): about a second, which with several workers the
    first parent on each worker would wait (docs/performance.md, eighth session)."""
    hook.listener("after_server_start")(_warm_up)


async def _warm_up(app: Any, _loop: Any) -> None:
    global _warmed_up
    if _warmed_up:  # three channels, one process
        return
    _warmed_up = True
    try:
        await asyncio.to_thread(prepare_turn, WARM_UP_TEXT)
        await get_encode_ahead().submit(WARM_UP_TEXT)  # starts its thread
        await asyncio.to_thread(get_insight_log)
        agent = getattr(app.ctx, "agent", None)
        if agent is not None:
            await agent.parse_message(WARM_UP_TEXT)
            # Opens the tracker and lock stores; nothing is written for this id.
            await agent.tracker_store.retrieve(WARM_UP_SENDER)
            agent.lock_store.get_lock(WARM_UP_SENDER)
    except Exception:  # noqa: BLE001 - the first message loads whatever failed here
        logger.exception("could not warm up this Rasa worker")
    # Even after a failure: this worker answers now, and `cradle serve` waits for every mark.
    try:
        warm_marks.mark_warm()
    except OSError:
        logger.exception("could not mark this Rasa worker as warmed up")


def session_lookup(agent: Any) -> SessionLookup:
    """Read the session's safety flag, the crisis reply sent last and the bot's last question
    from Rasa's tracker store."""

    async def lookup(sender_id: str) -> SessionSafety:
        tracker = await agent.tracker_store.retrieve(sender_id)
        if tracker is None:
            return SessionSafety()
        offered: tuple[tuple[str, str], ...] = ()  # every button of the bot's last turn
        last_turn: tuple[str, ...] = ()  # the actions of the bot's last turn
        lines: list[str] = []  # the responses the bot's last turn sent, by name
        for event in reversed(tracker.events):
            if isinstance(event, UserUttered):
                break
            if isinstance(event, BotUttered):
                offered = offered_buttons(event.data) + offered
                lines.append(str((event.metadata or {}).get("utter_action") or ""))
            if isinstance(event, ActionExecuted) and event.action_name != "action_listen":
                last_turn = (event.action_name, *last_turn)
        last = last_turn[-1] if last_turn else None
        tier = tracker.get_slot("safety_tier") or "none"
        response = tracker.get_slot("safety_response")
        response = str(response) if response else None
        question = last if last in get_check_in().questions else None
        asked_area = (
            tracker.active_loop_name == SERVICE_FILTER_FORM
            and tracker.get_slot("requested_slot") == AREA_QUESTION
        )
        actions = [e.action_name for e in tracker.events if isinstance(e, ActionExecuted)]
        return SessionSafety(
            str(tier),
            question,
            asked_area,
            is_after_crisis(last, response, held_since_crisis(actions)),
            response,
            just_cleared=last == CHECK_CLEARED,
            offered=offered,
            said_safe=said_safe_since_crisis(actions),
            last_turn=last_turn,
            answered_about_services=answers_about_a_list(lines),
        )

    return lookup


def offered_buttons(data: object) -> tuple[tuple[str, str], ...]:
    """(title, payload) of each reply button in a bot message's data, as the tracker holds it."""
    buttons = data.get("buttons") if isinstance(data, dict) else None
    return tuple(
        (str(b["title"]), str(b["payload"]))
        for b in buttons or []
        if isinstance(b, dict) and b.get("title") and b.get("payload")
    )


def topic_guess(agent: Any) -> TopicGuess:
    """The topic the NLU reads in a message the safety net was unsure about. After "No" to
    "Are you or your baby in danger right now?", that topic is answered, so the parent does not
    have to ask again; only the topic's id reaches the tracker, never the words."""

    async def guess(text: str) -> str | None:
        parsed = await agent.parse_message(cut_for_reading(text))
        return topic_to_carry(topic_in_ranking(parsed.get("intent_ranking")), text)

    return guess


async def _pending_topic(guess: TopicGuess | None, text: str) -> str | None:
    if guess is None or not text:
        return None
    try:
        return await guess(text)
    except Exception:  # noqa: BLE001 - the safety question goes out whatever happens here
        logger.exception("could not read the topic of a message the safety net asked about")
        return None


async def _session(lookup: SessionLookup | None, sender_id: str) -> SessionSafety:
    """The session so far, read only when it can change this turn's safety decision."""
    if lookup is None:
        return SessionSafety()
    try:
        return await lookup(sender_id)
    except Exception:  # noqa: BLE001 - a failed read must not cost the parent a reply
        logger.exception("could not read the session's safety state")
        return SessionSafety()


async def guarded_turn(
    on_new_message: OnNewMessage,
    raw_text: object,
    sender_id: str,
    input_channel: str,
    metadata: dict[str, Any] | None = None,
    timeout: float = DEFAULT_REPLY_TIMEOUT,
    lookup: SessionLookup | None = None,
    render: Render | None = None,
    guess: TopicGuess | None = None,
) -> tuple[PreparedTurn, list[dict[str, Any]]]:
    """Classify, forward to Rasa if allowed, and assemble the reply with its contract.

    With `lookup`, a crisis keeps the session's highest tier, a short answer right after a
    safety question ("no", "I don't know") is read as that question's answer, and a message
    right after crisis help is read as part of the crisis unless it has moved on. With `render`,
    the channel's own way of showing the reply (SMS: cradle.sms.for_sms) is applied before the
    insight row is written, so the row records what the person was shown. With `guess`, the
    safety question carries the topic to answer after "No".
    """
    logscrub.register(raw_text)
    text = raw_text if isinstance(raw_text, str) else ""
    ahead = _encode_ahead(text)  # starts now, beside the safety net's reading below
    turn = prepare_turn(raw_text)
    # Every message reads the session (one tracker read, which Rasa's own turn repeats): a
    # typed one, whatever its length, may answer the bot's last question or follow crisis help;
    # any reply in a flagged session may need the reminder. A button's command answers by itself.
    session = await _session(lookup, sender_id)
    if (text.strip() and not text.lstrip().startswith("/")) or turn.safety.is_crisis:
        turn = prepare_turn(raw_text, session)
        if session.asked_area:
            # The NLU reads a weak guess as the answer (bot/components/question_reply.py).
            metadata = {**(metadata or {}), REPLY_TO_KEY: AREA_QUESTION}
        elif session.after_crisis:
            # The NLU reads what has not moved on as the crisis still going on
            # (bot/components/safety_check.py).
            metadata = {**(metadata or {}), REPLY_TO_KEY: AFTER_CRISIS}
        elif session.just_cleared:
            # The NLU asks "are you in danger?" again only on an emergency leaning (asks_again).
            metadata = {**(metadata or {}), REPLY_TO_KEY: JUST_CLEARED}
    if (turn.text_for_rasa or "").startswith(f"/{CHECK_INTENT}"):
        # Only when the question is asked (not right after "No" to it): one NLU parse saved.
        # A question about the services just listed carries its kind, not a topic
        # (docs/safety.md, fifty-seventh session).
        # A request for services carries that, so "No" gets its list (README, sixty-first session).
        pending = (
            list_question(turn.safety, text)
            or held_request(text)
            or await _pending_topic(guess, text)
        )
        turn = with_pending_topic(turn, pending, text)
    logscrub.register(turn.text_for_rasa)
    if turn.text_for_rasa is None:
        messages = assemble_reply(turn, [], channel=input_channel)
        return turn, render(messages) if render else messages
    collector = ChannelCollector(input_channel)
    message = UserMessage(
        turn.text_for_rasa, collector, sender_id, input_channel=input_channel, metadata=metadata
    )
    if turn.text_for_rasa != cut_for_reading(text):
        ahead = None  # a crisis or a question goes to Rasa as an intent: no vector to wait for
    task = asyncio.ensure_future(_when_encoded(ahead, on_new_message(message)))
    failed = False
    try:
        # shield: on timeout Rasa finishes the turn in the background, so the tracker stays whole.
        await asyncio.wait_for(asyncio.shield(task), timeout=timeout)
    except asyncio.TimeoutError:
        failed = True
        logger.error("turn timed out after %.1fs (tier=%s)", timeout, turn.safety.tier)
    except Exception:  # noqa: BLE001 - any failure must still produce a safe reply
        failed = True
        logger.exception("turn failed in Rasa (tier=%s)", turn.safety.tier)
    remind = fear = asking = counts = False
    if not failed:
        remind, fear, asking, counts = await _after_the_turn(lookup, sender_id, session, text)
    messages = assemble_reply(
        turn,
        list(collector.messages),
        failed=failed,
        channel=input_channel,
        remind=reminder_key(session.response) if remind else None,
        fear=fear,
        asking=asking,
        counts=counts,
    )
    if render is not None:
        messages = render(messages)
    await _record_insight(messages[-1]["custom"], input_channel)
    return turn, messages


async def _after_the_turn(
    lookup: SessionLookup | None, sender_id: str, before: SessionSafety, text: str
) -> tuple[bool, bool, bool, bool]:
    """What the reply Rasa just gave needs, from the actions it ran (one more tracker read,
    only when one of them may apply):
    - the reminder of where help is first: the session needed it before the turn, and the turn
      neither spoke to safety (a crisis reply, a safety question, "I'm safe") nor ended the
      flag (a restart);
    - the line on the fear of the baby being taken: the message names it, and the reply is
      crisis help or a held reply after it;
    - the line on asking someone about suicide: the message asks it, and the reply is crisis
      help or a held reply after it, for someone else's crisis;
    - "yes, it can be abuse": the message asks whether it is, and the reply is the abuse
      crisis help or a held reply after it."""
    needs_reminder = reminds(before)
    try:
        fear, asking = fears_losing_baby(text), asks_about_asking(text)
        counts = asks_if_abuse_counts(text)
    except Exception:  # noqa: BLE001 - the crisis reply goes out whatever happens here
        logger.exception("could not read the message for the lines that go with crisis help")
        fear = asking = counts = False
    if not (needs_reminder or fear or asking or counts):
        return False, False, False, False
    after = await _session(lookup, sender_id)
    remind = needs_reminder and reminds(after) and not speaks_to_safety(after.last_turn)
    crisis = answered_as_crisis(after.last_turn)
    return (
        remind,
        fear and crisis,
        asking and crisis and is_for_someone_else(after.response),
        counts and crisis and after.response == "abuse",
    )


def _encode_ahead(text: str) -> asyncio.Future[Any] | None:
    """Start the sentence vector of a typed message (cradle/encode_ahead.py); the NLU reads
    it from there. Commands and empty messages do not reach the NLU's encoder."""
    cut = cut_for_reading(text).strip()  # as Rasa's UserMessage strips it for the NLU
    if not cut or cut.startswith("/"):
        return None
    try:
        future = get_encode_ahead().submit(cut)
    except Exception:  # noqa: BLE001 - the NLU encodes the message itself
        logger.exception("could not start encoding a message ahead")
        return None
    # Crises and questions go to Rasa as intents, so nobody may await this one: read its error.
    future.add_done_callback(lambda done: done.cancelled() or done.exception())
    return future


async def _when_encoded(ahead: asyncio.Future[Any] | None, turn: Awaitable[Any]) -> Any:
    """Run the turn once the message's vector is ready (or has failed: the NLU then encodes
    the message itself)."""
    if ahead is not None:
        with contextlib.suppress(Exception):
            await ahead
    return await turn


async def _record_insight(contract: dict[str, Any], channel: str) -> None:
    """One anonymised row per turn; a failure here must never cost the parent a reply."""
    try:
        row = turn_from_contract(contract, channel, dt.datetime.now(tz=dt.timezone.utc))
        await asyncio.to_thread(get_insight_log().record, row)
    except Exception:  # noqa: BLE001
        logger.exception("could not write the insight log")
