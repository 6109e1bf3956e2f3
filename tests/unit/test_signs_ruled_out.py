"""A sign of psychosis ruled out right after crisis help for someone else's emergency
(docs/safety.md, forty-eighth session): the nineteenth user test's Leamington dad answered
"shes not seeing things or hearing voices, i asked her" and was told to call 999 again."""

from __future__ import annotations

import pytest

from cradle.responses import SMS_CHANNEL, get_responses
from cradle.sms import segments
from cradle.turn import (
    FOLLOW_UP_INTENT,
    SIGNS_RULED_OUT_INTENT,
    SessionSafety,
    prepare_turn,
)

DAD = (
    "shes not seeing things or hearing voices, i asked her. she means like overwhelmed, cant "
    "cope, cries at everything, says shes a rubbish mum. do i really need to ring 999?"
)
# Right after the reply for someone else's emergency, and after "I'm safe" to its check-in.
AFTER_OTHERS_EMERGENCY = SessionSafety(
    "emergency", None, after_crisis=True, response="emergency_for_other", said_safe=True
)
# The writer's own emergency: "I'm not hearing voices" there is not about someone asked after.
AFTER_OWN_EMERGENCY = SessionSafety("emergency", None, after_crisis=True, response="emergency")
LATER = SessionSafety("emergency", None, response="emergency_for_other", said_safe=True)


@pytest.mark.parametrize(
    "text",
    [
        DAD,
        "no shes not hearing voices or anything",
        "she isnt seeing things or hearing voices",
        # The twentieth user test's dad: "hearing things" is the second opinion's words, not
        # the lexicon's (docs/safety.md, forty-ninth session).
        "999?? she isnt seeing or hearing things, wont hurt anyone",
    ],
)
def test_a_sign_ruled_out_after_someone_elses_emergency_gets_its_reply(text):
    turn = prepare_turn(text, AFTER_OTHERS_EMERGENCY)
    assert turn.text_for_rasa == f"/{SIGNS_RULED_OUT_INTENT}"
    assert not turn.safety.is_crisis


@pytest.mark.parametrize(
    ("text", "session"),
    [
        # the writer's own emergency, and later in the conversation: not this reply
        ("i'm not seeing things or hearing voices, i just feel so low", AFTER_OWN_EMERGENCY),
        (DAD, LATER),
        # a sign ruled out beside a new crisis: crisis help goes on
        ("shes not hearing voices but she says she'll jump off the bridge", AFTER_OTHERS_EMERGENCY),
        # a sign told, not ruled out
        ("she says she's hearing voices again", AFTER_OTHERS_EMERGENCY),
    ],
)
def test_otherwise_the_sign_ruled_out_reply_is_not_sent(text, session):
    assert prepare_turn(text, session).text_for_rasa != f"/{SIGNS_RULED_OUT_INTENT}"


@pytest.mark.parametrize(
    "text",
    [
        "shes not hearing voices but she says she'll jump off the bridge",
        "she says she's hearing voices again",
    ],
)
def test_a_crisis_after_a_sign_ruled_out_is_still_crisis_help(text):
    turn = prepare_turn(text, AFTER_OTHERS_EMERGENCY)
    assert turn.safety.tier == "emergency"
    assert turn.text_for_rasa.startswith(("/safety_alert", f"/{FOLLOW_UP_INTENT}"))


def test_the_reply_says_when_999_is_still_needed_and_fits_a_text():
    web, sms = get_responses()["utter_safety_signs_ruled_out"]
    for variation in (web, sms):
        words = " ".join(variation["text"].split())
        assert "you don't need to call 999 now" in words or "999 isn't needed now" in words
        assert words.endswith("call 999.")  # the last thing read: when to call after all
        assert "NHS 111" in words and "GP or health visitor" in words
        assert [b["payload"] for b in variation["buttons"]] == ["/help_them", "/find_services"]
    assert sms.get("channel") == SMS_CHANNEL
    assert segments(" ".join(sms["text"].split())) <= 2


@pytest.mark.parametrize(
    ("text", "ruled_out", "crisis"),
    [
        ("she isnt seeing or hearing things, wont hurt anyone", True, False),
        ("she hasn't heard voices or anything", True, False),
        ("she is hearing things", False, None),
        ("i wont hurt anyone but i want to die", False, True),
    ],
)
def test_the_net_reads_a_sign_ruled_out_in_the_second_opinions_words(text, ruled_out, crisis):
    from cradle.safety.net import get_net
    from cradle.turn import PSYCHOSIS_RULED_OUT

    result = get_net().classify(text)
    assert (PSYCHOSIS_RULED_OUT in result.signals) == ruled_out
    if crisis is not None:
        assert result.is_crisis == crisis
