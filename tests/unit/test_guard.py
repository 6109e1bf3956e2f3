"""The channel's time limit and failure handling, with Rasa's own CollectingOutputChannel.

`on_new_message` here stands in for a Rasa that is slow or broken: those are the failure modes
under test, and a real Rasa cannot be made to fail on cue.
"""

from __future__ import annotations

import asyncio

from rasa.core.channels.channel import UserMessage

from bot.channels.guard import guarded_turn
from cradle.responses import message


async def slow_rasa(msg: UserMessage) -> None:
    await asyncio.sleep(5)
    await msg.output_channel.send_text_message(msg.sender_id, "too late")


async def broken_rasa(msg: UserMessage) -> None:
    raise RuntimeError("model exploded")


async def silent_rasa(msg: UserMessage) -> None:
    return None


async def test_a_slow_rasa_still_gets_a_safe_reply_in_time():
    started = asyncio.get_running_loop().time()
    _, messages = await guarded_turn(slow_rasa, "tell me about bonding", "s1", "rest", timeout=0.2)
    assert asyncio.get_running_loop().time() - started < 2
    assert messages[0]["text"] == message("service_error")["text"]


async def test_a_slow_rasa_cannot_delay_crisis_help():
    _, messages = await guarded_turn(
        slow_rasa, "I want to kill myself tonight", "s2", "rest", timeout=0.2
    )
    assert "999" in messages[0]["text"]
    assert messages[-1]["custom"]["safety"] == "emergency"


async def test_a_broken_rasa_still_gets_crisis_help_and_a_fallback():
    _, messages = await guarded_turn(broken_rasa, "i dont want to be here anymore", "s3", "rest")
    texts = [m.get("text") for m in messages[:-1]]
    assert "116 123" in texts[0] and texts[-1] == message("service_error")["text"]


async def test_a_silent_rasa_never_means_silence():
    _, messages = await guarded_turn(silent_rasa, "hello", "s4", "rest")
    assert messages[0]["text"] == message("service_error")["text"]
