"""Anger with a child after the losing-control reply (docs/safety.md, forty-seventh session):
the eighteenth user test's Rugby dad got "Put your baby down... like their cot" again for "how do
i actually stop", and the danger question for a dads' group in Rugby."""

from __future__ import annotations

import pytest

from cradle.content import get_topic
from cradle.responses import SMS_CHANNEL, message
from cradle.sms import segments
from cradle.turn import TEMPER_ANSWER, SessionSafety, assemble_reply, line, prepare_turn

# After the losing-control reply and "I'm safe for now".
LATER = SessionSafety("urgent", None, response="losing_control", said_safe=True)
# Right after it: "Are you safe right now?" not yet answered.
RIGHT_AFTER = SessionSafety(
    "urgent", "utter_safety_check_in", after_crisis=True, response="losing_control"
)
# After the suicidal-thoughts reply and "I'm safe for now": another crisis.
AFTER_OTHER_HELP = SessionSafety("urgent", None, response="urgent", said_safe=True)


@pytest.mark.parametrize(
    ("text", "session"),
    [
        # The Rugby dad, after "I'm safe for now".
        (
            "how do i actually stop tho. its like 0 to 100, he throws his dinner on the floor for "
            "the 5th time and i just snap. i dont even recognise myself",
            LATER,
        ),
        ("i keep shouting at her and i hate myself for it, how do i stop", LATER),
        ("i snapped at him again today. how do i stay calm when hes screaming", LATER),
        # The twentieth user test's mum of a toddler: anger told as building (fiftieth session).
        (
            "ok. what do i do tomoro when she starts kicking off and i feel it building again",
            LATER,
        ),
        ("i just blow up at him over nothing and then feel awful. what can i do", LATER),
    ],
)
def test_anger_after_the_losing_control_reply_gets_its_own_answer(text, session):
    turn = prepare_turn(text, session)
    assert turn.text_for_rasa is None  # the channel's own reply: the session stays as it was
    assert turn.immediate == (line(TEMPER_ANSWER),)
    assert "Find support near me" in str(turn.immediate[0]["buttons"])


@pytest.mark.parametrize(
    "text",
    [
        "she's asleep now. i'd never hurt her, i just lose my temper so fast",
        "hes fine, hes in his cot. i just want to stop being like this",
        # The nineteenth user test's dad, right after the losing-control reply.
        "mate i said i'd never hurt him. im not a danger, i just want to stop getting so angry",
    ],
)
def test_right_after_are_you_safe_it_is_that_questions_safe_answer_too(text):
    # The answer first, then the safe button's reply: the session records it and the reminder
    # stops (the nineteenth user test's dad: "makes me feel like a monster").
    turn = prepare_turn(text, RIGHT_AFTER)
    assert turn.text_for_rasa == "/affirm"
    assert [m["text"] for m in turn.immediate] == [message(TEMPER_ANSWER)["text"]]
    assert "buttons" not in turn.immediate[0]


def test_a_worry_with_its_own_answer_gets_that_answer_instead():
    # The nineteenth user test's dad got the anger answer again for his fear of social services.
    said = (
        "if i tell my gp im shouting and slamming doors will they call social services on me? "
        "thats my worry"
    )
    turn = prepare_turn(said, LATER)
    focus = get_topic("asking-for-help").focus_by_id("fear-of-baby-taken")
    assert turn.text_for_rasa is None and turn.immediate == ({"text": focus.answer},)


def test_a_request_for_services_with_it_is_searched_in_the_same_turn():
    said = (
        "not really low mate its more anger. is there like anger management or a dads group or "
        "something, im in rugby"
    )
    turn = prepare_turn(said, LATER)
    assert turn.text_for_rasa == '/find_services{"area": "rugby", "audience": "dad-or-partner"}'
    # The answer, without the button for what the search is doing.
    assert [m["text"] for m in turn.immediate] == [message(TEMPER_ANSWER)["text"]]
    assert "buttons" not in assemble_reply(turn, [{"text": "services"}])[0]


def test_how_to_stay_calm_with_a_course_asked_for_right_after_is_answered_and_searched():
    # The twenty-first user test's mum got "If help hasn't come, or things get worse, call 999"
    # (docs/safety.md, fiftieth session): the answer on anger, and the course searched.
    said = (
        "yes im safe, shes asleep now. i just want to know how to stay calm. is there a "
        "parenting course near warwick?"
    )
    turn = prepare_turn(said, RIGHT_AFTER)
    assert (turn.text_for_rasa or "").startswith("/find_services")
    assert [m["text"] for m in turn.immediate] == [message(TEMPER_ANSWER)["text"]]


@pytest.mark.parametrize(
    ("text", "session"),
    [
        # Harm, read by the second opinion alone at the session's tier: the follow-up stays.
        ("i cant stay calm, im scared ill hurt her", LATER),
        ("i lost my temper and shook him", LATER),
        ("im so angry i could hurt him", LATER),
        ("i lost my temper and hit him", LATER),
        ("i'm scared i'll lose my temper and hurt her", LATER),
        ("i wouldn't hurt him but i smacked his leg", LATER),
        ("i feel it building and im scared ill shake her", LATER),
        # The Rugby dad's second message: a grab is kept on the safer side.
        (
            "yeah hes asleep, hes fine. i'd never hurt him. but the other day i grabbed his arm "
            "too hard when he was running at the oven and he cried. i just want to stop",
            RIGHT_AFTER,
        ),
        # A medical emergency the rules read.
        ("i lost my temper and now he's gone floppy", LATER),
        # Not said safe, and nothing saying the child is.
        ("i cant stop shouting", RIGHT_AFTER),
        # Another crisis, or none in this session.
        ("how do i stop being so angry all the time", AFTER_OTHER_HELP),
        ("how do i stop being so angry all the time", SessionSafety()),
        ("what do i do when i feel it building up inside", SessionSafety()),
    ],
)
def test_no_anger_answer_when_there_is_harm_or_no_losing_control_reply(text, session):
    assert line(TEMPER_ANSWER) not in prepare_turn(text, session).immediate


def test_the_answer_says_what_to_do_and_999_and_fits_one_text():
    web, by_text = message(TEMPER_ANSWER)["text"], message(TEMPER_ANSWER, SMS_CHANNEL)["text"]
    assert all(words in web for words in ("step away", "GP or health visitor", "999"))
    assert all(words in by_text for words in ("step away", "999")) and segments(by_text) == 1


@pytest.mark.parametrize(
    ("text", "session", "key"),
    [
        ("how do i stop, i just snap", LATER, TEMPER_ANSWER),
        (
            "will he see it in my call log?",
            SessionSafety("urgent", None, response="abuse", said_safe=True),
            "abuse_call_seen",
        ),
    ],
)
def test_a_line_sent_by_the_channel_is_in_the_channels_words(text, session, key):
    # By SMS, the line's `sms:` words (one segment), not the web chat's: the answers the
    # channel sends itself were sent in web words by text until the forty-seventh session.
    turn = prepare_turn(text, session)
    by_text = assemble_reply(turn, [], channel=SMS_CHANNEL)[0]
    assert by_text["text"] == message(key, SMS_CHANNEL)["text"] != message(key)["text"]
    assert "line" not in by_text and "line" not in assemble_reply(turn, [])[0]
