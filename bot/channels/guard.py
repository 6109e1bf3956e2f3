"""Run one user turn through Rasa behind the safety net, with a time limit.

Shared by Cradle's REST and SMS channels. Rasa never sees an unchecked `/intent{...}`, a crisis
always gets fixed crisis text, and a turn that fails or takes too long still gets a reply.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from cradle import logscrub
from cradle.insights import get_insight_log, turn_from_contract
from cradle.turn import PreparedTurn, assemble_reply, prepare_turn

logger = logging.getLogger(__name__)
DEFAULT_REPLY_TIMEOUT = 8.0
OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


async def guarded_turn(
    on_new_message: OnNewMessage,
    raw_text: object,
    sender_id: str,
    input_channel: str,
    metadata: dict[str, Any] | None = None,
    timeout: float = DEFAULT_REPLY_TIMEOUT,
) -> tuple[PreparedTurn, list[dict[str, Any]]]:
    """Classify, forward to Rasa if allowed, and assemble the reply with its contract."""
    logscrub.register(raw_text)
    turn = prepare_turn(raw_text)
    logscrub.register(turn.text_for_rasa)
    if turn.text_for_rasa is None:
        return turn, assemble_reply(turn, [])
    collector = CollectingOutputChannel()
    message = UserMessage(
        turn.text_for_rasa, collector, sender_id, input_channel=input_channel, metadata=metadata
    )
    task = asyncio.ensure_future(on_new_message(message))
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
    messages = assemble_reply(turn, list(collector.messages), failed=failed)
    await _record_insight(messages[-1]["custom"], input_channel)
    return turn, messages


async def _record_insight(contract: dict[str, Any], channel: str) -> None:
    """One anonymised row per turn; a failure here must never cost the parent a reply."""
    try:
        row = turn_from_contract(contract, channel, dt.datetime.now(tz=dt.timezone.utc))
        await asyncio.to_thread(get_insight_log().record, row)
    except Exception:  # noqa: BLE001
        logger.exception("could not write the insight log")
