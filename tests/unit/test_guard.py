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


def recording_rasa(seen: list[str]):
    async def rasa(msg: UserMessage) -> None:
        seen.append(msg.text)
        await msg.output_channel.send_text_message(msg.sender_id, "Are you or your baby in danger?")

    return rasa


def unsure(monkeypatch) -> None:
    import cradle.turn
    from cradle.safety import SafetyResult

    result = SafetyResult("none", "check", ("second-opinion:unsure",))
    monkeypatch.setattr(cradle.turn, "classify", lambda text: result)


async def test_the_safety_question_carries_the_topic_the_nlu_read_never_the_words(monkeypatch):
    unsure(monkeypatch)
    seen: list[str] = []

    async def guess(text: str) -> str | None:
        assert text == "everything feels grey since the birth"
        return "low-mood"

    await guarded_turn(
        recording_rasa(seen), "everything feels grey since the birth", "s5", "rest", guess=guess
    )
    assert seen == ['/safety_check{"safety_response": "urgent", "pending_topic": "low-mood"}']


async def test_the_safety_question_goes_out_when_no_topic_is_read_or_the_guess_fails(monkeypatch):
    unsure(monkeypatch)
    seen: list[str] = []

    async def nothing(text: str) -> str | None:
        return None

    async def broken(text: str) -> str | None:
        raise RuntimeError("NLU down")

    await guarded_turn(recording_rasa(seen), "everything is grey", "s6", "rest", guess=nothing)
    await guarded_turn(recording_rasa(seen), "everything is grey", "s7", "rest", guess=broken)
    assert seen == ['/safety_check{"safety_response": "urgent"}'] * 2


async def test_a_crisis_is_never_delayed_by_a_topic_guess():
    seen: list[str] = []

    async def guess(text: str) -> str | None:
        raise AssertionError("a crisis must not be parsed for a topic")

    await guarded_turn(
        recording_rasa(seen), "I want to kill myself tonight", "s8", "rest", guess=guess
    )
    assert seen[0].startswith("/safety_alert")


def held_encoder(monkeypatch):
    """The guard's encoder-ahead over a stand-in model that answers only when released."""
    import bot.channels.guard
    from cradle.encode_ahead import EncodeAhead
    from tests.unit.test_encode_ahead import Recorder

    encode = Recorder(hold_first=True)
    ahead = EncodeAhead(encode)
    monkeypatch.setattr(bot.channels.guard, "get_encode_ahead", lambda: ahead)
    return encode, ahead


async def test_a_typed_message_reaches_rasa_with_its_vector_already_worked_out(monkeypatch):
    encode, ahead = held_encoder(monkeypatch)
    found = []

    async def rasa(msg: UserMessage) -> None:
        found.append(ahead.cached(msg.text))
        await msg.output_channel.send_text_message(msg.sender_id, "an answer")

    asyncio.get_running_loop().call_later(0.05, encode.release.set)
    await guarded_turn(rasa, "how do i bond with my baby", "s9", "rest")
    assert encode.batches == [["how do i bond with my baby"]]
    assert found[0] is not None and found[0].tolist() == [26, ord("h")]


async def test_a_crisis_does_not_wait_for_the_encoder(monkeypatch):
    encode, _ = held_encoder(monkeypatch)  # never released: the encoder is stuck
    seen: list[str] = []
    _, messages = await guarded_turn(
        recording_rasa(seen), "I want to kill myself tonight", "s10", "rest", timeout=1
    )
    encode.release.set()
    assert seen and seen[0].startswith("/")  # Rasa was called, as the safety intent
    assert "999" in messages[0]["text"]
    assert messages[0]["text"] != message("service_error")["text"]


async def test_the_vector_is_for_the_text_the_nlu_reads(monkeypatch):
    # Rasa's UserMessage strips the text, so the encoder gets it stripped too.
    encode, _ = held_encoder(monkeypatch)
    encode.release.set()
    await guarded_turn(recording_rasa([]), "  how do i bond with my baby \n", "s12", "rest")
    assert encode.batches == [["how do i bond with my baby"]]


async def test_commands_are_not_encoded(monkeypatch):
    encode, _ = held_encoder(monkeypatch)
    encode.release.set()
    await guarded_turn(recording_rasa([]), '/greet{"area": "rugby"}', "s11", "rest")
    assert encode.batches == []
