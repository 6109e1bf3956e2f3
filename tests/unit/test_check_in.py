"""Holes around the safety net, at the channel edge (cradle.turn) with the real content.

End-to-end versions on the real servers are in tests/integration/test_safety_holes.py.
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from cradle.responses import SMS_CHANNEL, message, pick_variation
from cradle.safety.check_in import CheckInAnswers, get_check_in
from cradle.sms import segments
from cradle.turn import (
    HELP_ON_THE_WAY,
    HELP_ON_THE_WAY_COMMAND,
    MAX_MESSAGE_CHARS,
    SessionSafety,
    line,
    prepare_turn,
)
from cradle.yamlio import ContentError
from tests.asked import (
    ABOUT_THE_LIST_MAYBE,
    EMERGENCY_MAYBE,
    asked_about_losing_control,
    asked_leaning_to,
    read_as_abuse_by_doubt_alone,
    read_by_doubt_alone,
)

AFTER_ARE_YOU_SAFE = SessionSafety("urgent", "utter_safety_check_in")
AFTER_IN_DANGER = SessionSafety("none", "utter_safety_check")


@pytest.mark.parametrize(
    "answer", ["no", "No.", "nope", "not really", "I don't know", "i dont know", "no I'm not safe"]
)
def test_not_safe_answers_after_are_you_safe_are_a_crisis(answer):
    turn = prepare_turn(answer, AFTER_ARE_YOU_SAFE)
    assert turn.safety.tier == "emergency"
    assert turn.text_for_rasa.startswith("/safety_alert")


@pytest.mark.parametrize("answer", ["yes", "Yeah", "I think so", "dunno"])
def test_yes_after_are_you_in_danger_is_a_crisis(answer):
    assert prepare_turn(answer, AFTER_IN_DANGER).safety.is_crisis


@pytest.mark.parametrize(
    ("answer", "session"),
    [
        ("no", SessionSafety()),  # no question asked: an ordinary "no"
        ("no", AFTER_IN_DANGER),  # "no, not in danger"
        ("yes", AFTER_ARE_YOU_SAFE),  # "yes, safe"
        ("no thanks, what about sleep?", AFTER_ARE_YOU_SAFE),  # not a bare answer
    ],
)
def test_other_answers_are_not_read_as_a_crisis(answer, session):
    assert not prepare_turn(answer, session).safety.is_crisis


def test_after_an_emergency_the_session_flag_never_drops():
    turn = prepare_turn("I want to die", SessionSafety("emergency", None))
    assert turn.safety.tier == "urgent"  # this message's own tier and reply...
    sent = json.loads(turn.text_for_rasa.removeprefix("/safety_alert"))
    assert sent == {"safety_tier": "emergency", "safety_response": "urgent"}  # ...session stays


def test_a_crisis_after_the_cut_off_point_is_still_found():
    chatter = "We had a busy day at the baby group and then a long walk in the park. " * 20
    text = chatter + "I took all my tablets an hour ago."
    assert len(chatter) > MAX_MESSAGE_CHARS
    turn = prepare_turn(text)
    assert turn.truncated and turn.safety.tier == "emergency"
    assert turn.text_for_rasa.startswith("/safety_alert")


def test_unquoted_yes_and_no_in_the_answers_file_are_refused(tmp_path):
    path = tmp_path / "check_in.yml"
    path.write_text("questions:\n  utter_safety_check_in:\n    - no\n    - nope\n")
    with pytest.raises(ContentError, match="quotes"):
        CheckInAnswers.from_file(path, str.lower)


@pytest.mark.parametrize(
    ("text", "expected"), [("No.", True), ("i dont know", True), ("Rugby", False)]
)
def test_only_possible_answers_cost_a_tracker_read(text, expected):
    from cradle.safety.check_in import get_check_in

    assert get_check_in().could_be_answer(text) is expected


@pytest.mark.parametrize(
    ("leaning", "reply"),
    [
        # "Yes" to "in danger?": the reply the net leaned to when it asked, as an emergency.
        ("losing_control", "losing_control"),  # "I feel like shaking him": about the baby
        ("concern_for_other", "emergency_for_other"),
        ("urgent", "emergency"),
        ("medical", "medical"),
        (None, "emergency"),
        ("check", "emergency"),
    ],
)
def test_yes_to_in_danger_gets_the_reply_the_net_leaned_to(leaning, reply):
    session = SessionSafety("none", "utter_safety_check", response=leaning)
    turn = prepare_turn("yes", session)
    assert turn.safety.tier == "emergency"
    assert json.loads(turn.text_for_rasa.removeprefix("/safety_alert"))["safety_response"] == reply


def test_not_safe_after_are_you_safe_is_the_writers_own_whatever_came_before():
    session = SessionSafety("emergency", "utter_safety_check_in", response="losing_control")
    turn = prepare_turn("no", session)
    assert json.loads(turn.text_for_rasa.removeprefix("/safety_alert"))["safety_response"] == (
        "emergency"
    )


def test_no_to_is_help_on_the_way_gets_the_medical_reply_again():
    session = SessionSafety("emergency", "utter_safety_check_in", response="medical")
    turn = prepare_turn("no", session)
    assert json.loads(turn.text_for_rasa.removeprefix("/safety_alert"))["safety_response"] == (
        "medical"
    )


@pytest.mark.parametrize(
    ("answer", "session", "sent"),
    [
        # The third user test: "no I'm not in danger" got the crisis text again.
        ("no I'm not in danger", AFTER_ARE_YOU_SAFE, "/affirm"),
        ("No, im safe.", AFTER_ARE_YOU_SAFE, "/affirm"),
        ("no we're not in danger", AFTER_IN_DANGER, "/deny"),
    ],
)
def test_a_safe_answer_that_starts_with_no_is_the_button_it_means(answer, session, sent):
    turn = prepare_turn(answer, session)
    assert not turn.safety.is_crisis
    assert turn.text_for_rasa == sent


@pytest.mark.parametrize(
    ("answer", "session"),
    [
        (
            "no I'm not in danger",
            SessionSafety("emergency", "utter_safety_check_in", response="medical"),
        ),
        ("no I'm not in danger", SessionSafety()),  # no question asked
        ("I'm fine", AFTER_ARE_YOU_SAFE),  # not listed: it can hide a crisis
        ("no I'm not in danger but I took all my tablets", AFTER_ARE_YOU_SAFE),  # not whole
    ],
)
def test_only_a_whole_listed_answer_to_the_question_is_read_as_safe(answer, session):
    assert prepare_turn(answer, session).text_for_rasa not in ("/affirm", "/deny")


def test_an_answer_cannot_be_both_safe_and_not_safe(tmp_path):
    path = tmp_path / "check_in.yml"
    path.write_text(
        'questions:\n  q:\n    - "no"\n'
        'safe_answers:\n  q:\n    payload: /affirm\n    answers:\n      - "no"\n'
    )
    with pytest.raises(ContentError, match="both"):
        CheckInAnswers.from_file(path, str.lower)


AFTER_CRISIS_HELP = SessionSafety(
    "emergency", "utter_safety_check_in", after_crisis=True, response="emergency"
)
# After crisis help about abuse, and about someone else: no correction is taken there.
AFTER_ABUSE_HELP = SessionSafety(
    "urgent", "utter_safety_check_in", after_crisis=True, response="abuse"
)
AFTER_HELP_FOR_SOMEONE_ELSE = SessionSafety(
    "urgent", "utter_safety_check_in", after_crisis=True, response="concern_for_other"
)
# "I'm safe for now" pressed after the losing-control reply, answered "Thank you. I'm still
# here..." (the crisis is no longer held there: `is_after_crisis`).
AFTER_GLAD_SAFE = SessionSafety(
    "urgent", response="losing_control", said_safe=True, last_turn=("utter_safety_glad_safe",)
)


@pytest.mark.parametrize(
    "answer", ["help has come", "Help has come.", "I feel calmer", "the ambulance is here"]
)
@pytest.mark.parametrize("session", [AFTER_CRISIS_HELP, AFTER_GLAD_SAFE])
def test_a_listed_answer_after_crisis_help_says_the_danger_has_passed(answer, session):
    # The third user test: both got the follow-up ("don't wait...") again. After "I'm safe for
    # now" was answered, "I feel calmer" got "Sorry, I didn't quite understand" (docs/safety.md,
    # fifty-second session).
    turn = prepare_turn(answer, session)
    assert turn.text_for_rasa == "/safe_now"
    assert not turn.safety.is_crisis


@pytest.mark.parametrize(
    ("answer", "session"),
    [
        ("help has come", SessionSafety()),  # no crisis help before it: the NLU reads it
        ("help hasn't come", AFTER_CRISIS_HELP),  # not listed
        ("I feel calmer but I still have the pills", AFTER_CRISIS_HELP),  # not whole
        ("he's here", AFTER_CRISIS_HELP),  # never listed: the danger can be a person
        ("I feel calmer but I still have the pills", AFTER_GLAD_SAFE),  # not whole
        # Not right after the glad-safe reply: a later turn's words are the NLU's to read.
        (
            "I feel calmer",
            SessionSafety(
                "urgent",
                response="losing_control",
                said_safe=True,
                last_turn=("utter_safety_glad_safe", "utter_greet"),
            ),
        ),
    ],
)
def test_only_a_whole_passed_answer_right_after_crisis_help_ends_it(answer, session):
    assert prepare_turn(answer, session).text_for_rasa != "/safe_now"


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ('passed_answers:\n  - "no"\n', "not safe for q"),
        ("passed_answers: help has come\n", "list of quoted answers"),
        ("passed_answers:\n  - yes\n", "list of quoted answers"),
        (
            "corrections: [wtf]\n",
            "'before', 'reasons', 'misread', 'not_me', 'helper_asks', 'stay_asks', 'calling'",
        ),
        ("corrections:\n  misread: i meant\n", "corrections.misread"),
        ("corrections:\n  before: wtf\n", "corrections.before"),
        ('corrections:\n  reasons:\n    - ""\n', "corrections.reasons"),
        ("corrections:\n  call_seen_asks: call log\n", "corrections.call_seen_asks"),
        ("corrections:\n  temper_veto: hurt\n", "corrections.temper_veto"),
        ("corrections:\n  asks_999_whom: 999\n", "corrections.asks_999_whom"),
        ('corrections:\n  asks_999_calls:\n    - ""\n', "corrections.asks_999_calls"),
        ("corrections:\n  asks_if_back_what: they\n", "corrections.asks_if_back_what"),
        ("corrections:\n  asks_if_back_veto: [1]\n", "corrections.asks_if_back_veto"),
        ("corrections:\n  baby_fever_whose: baby\n", "corrections.baby_fever_whose"),
    ],
)
def test_a_bad_passed_answers_list_or_corrections_block_is_named(tmp_path, block, message):
    path = tmp_path / "check_in.yml"
    path.write_text('questions:\n  q:\n    - "no"\n' + block)
    with pytest.raises(ContentError, match=message):
        CheckInAnswers.from_file(path, str.lower)


@pytest.mark.parametrize(
    ("answer", "session", "sent"),
    [
        # The eighth user test's single mum, after a false alarm on "its just me and her".
        ("wtf?? im not in danger i just meant im a single mum", AFTER_CRISIS_HELP, "/affirm"),
        ("Oh no sorry, I'm safe. I was talking about night feeds", AFTER_CRISIS_HELP, "/affirm"),
        ("wtf im not in danger", AFTER_CRISIS_HELP, "/affirm"),  # no reason: the answer alone
        (
            "no we're not in danger, I was just asking about sleep",
            SessionSafety("none", "utter_safety_check", response="urgent"),
            "/deny",
        ),
    ],
)
def test_a_safe_answer_with_its_reason_is_the_button_it_means(answer, session, sent):
    turn = prepare_turn(answer, session)
    assert turn.text_for_rasa == sent
    assert not turn.safety.is_crisis
    # Only after crisis help is there something to be sorry for; the numbers come with the reply.
    assert [m["text"] for m in turn.immediate] == (
        ["Sorry if I got that wrong."] if session.after_crisis else []
    )


@pytest.mark.parametrize(
    ("answer", "session"),
    [
        # The reason is itself a crisis: still held.
        ("im not in danger i just meant i cant do this anymore", AFTER_CRISIS_HELP),
        ("I'm safe, I just meant I took all my tablets", AFTER_CRISIS_HELP),
        ("not in danger i was saying i dont want to be here", AFTER_CRISIS_HELP),
        # No listed opening for the reason ("but" can go either way).
        ("im not in danger but im so tired of everything", AFTER_CRISIS_HELP),
        # Words before it that are not listed: "I don't think I'm safe".
        ("i dont think im safe i just meant it", AFTER_CRISIS_HELP),
        # Not after a crisis reply about abuse, the baby, tablets or someone else.
        ("im not in danger i just meant he shouts sometimes", AFTER_ABUSE_HELP),
        ("im not in danger i was talking about my sister", AFTER_HELP_FOR_SOMEONE_ELSE),
        ("im not in danger i just meant im a single mum", SessionSafety()),  # nothing asked
    ],
)
def test_a_safe_answer_with_a_reason_that_may_be_a_crisis_is_not_taken(answer, session):
    turn = prepare_turn(answer, session)
    assert turn.text_for_rasa not in ("/affirm", "/deny")
    assert not turn.immediate


@pytest.mark.parametrize(
    ("text", "session"),
    [
        # The ninth user test's newly pregnant mum, after the emergency reply.
        (
            "what?? i dont have a baby yet im like 5 weeks pregnant. why are you telling me to"
            " ring 999 im scared now. i just meant the wine",
            AFTER_CRISIS_HELP,
        ),
        (
            "sorry, I didn't mean it like that. I was talking about the night feeds",
            AFTER_CRISIS_HELP,
        ),
        (
            "you've got the wrong end of the stick, I'm just tired",
            SessionSafety("urgent", "utter_safety_follow_up", after_crisis=True, response="urgent"),
        ),
        # The twenty-first user test's pregnant woman: the crisis named and ruled out (docs/
        # safety.md, fiftieth session).
        (
            "what?? im not suicidal or anything, i just asked about the waiting list",
            SessionSafety("urgent", "utter_safety_check_in", after_crisis=True, response="urgent"),
        ),
        ("im not suicidal", AFTER_CRISIS_HELP),
        # The twenty-seventh user test's dad, whose baby's screaming was read as abuse (docs/
        # safety.md, fifty-seventh session).
        (
            "what? no one is abusing me. the baby is crying. how do i calm him down",
            AFTER_ABUSE_HELP,
        ),
        ("its not abuse, i was on about the baby screaming", AFTER_ABUSE_HELP),
    ],
)
def test_a_misread_with_no_statement_of_safety_is_asked_leaning_to_the_crisis_reply(text, session):
    turn = prepare_turn(text, session)
    leaning = json.dumps({"safety_response": session.response})
    assert turn.text_for_rasa == f"/safety_check{leaning}"
    assert [m["text"] for m in turn.immediate] == ["Sorry if I got that wrong."]


@pytest.mark.parametrize(
    ("text", "session"),
    [
        # The net reads something in it: held (crisis help goes on), never asked.
        ("i just meant i cant go on anymore", AFTER_CRISIS_HELP),
        ("you got it wrong, I already took the tablets", AFTER_CRISIS_HELP),
        # Not after a crisis reply about abuse, the baby or someone else.
        ("i was talking about the shouting, not hitting", AFTER_ABUSE_HELP),
        ("i meant my sister, not me", AFTER_HELP_FOR_SOMEONE_ELSE),
        # No crisis help before it: nothing was misread.
        ("i meant the night feeds", SessionSafety()),
        # "I mean" is said in passing, not to correct.
        ("I mean, the wine was only a glass", AFTER_CRISIS_HELP),
        # The crisis ruled out, but something else read, or another crisis reply, or none.
        ("im not suicidal but i cant go on like this", AFTER_CRISIS_HELP),
        ("im not suicidal, hes just scary when hes drunk", AFTER_ABUSE_HELP),
        ("im not suicidal", SessionSafety()),
        # "No one is abusing me" with something read, after another reply, or with none.
        ("nobody is abusing me but he hit me last night", AFTER_ABUSE_HELP),
        ("no one is abusing me", AFTER_CRISIS_HELP),
        ("no one is abusing me", SessionSafety()),
    ],
)
def test_a_misread_is_not_asked_when_it_may_be_the_crisis_or_nothing_was_said(text, session):
    turn = prepare_turn(text, session)
    assert not (turn.text_for_rasa or "").startswith("/safety_check")
    assert not turn.immediate


AFTER_LOSING_CONTROL_HELP = SessionSafety(
    "urgent", "utter_safety_check_in", after_crisis=True, response="losing_control"
)


@pytest.mark.parametrize(
    "text",
    [
        # The thirty-first user test's pregnant mum, misread as losing control (docs/safety.md,
        # fifty-ninth session), and my own words of the same kind.
        "what?? no im not going to hurt anyone. im scared my pnd will come back. i had it after "
        "my first and was on antidepressants for months",
        "i havent hurt anyone",
        "id never hurt him, im just tired",
    ],
)
def test_a_denial_of_harm_after_the_losing_control_reply_is_asked_as_a_misread(text):
    turn = prepare_turn(text, AFTER_LOSING_CONTROL_HELP)
    assert turn.text_for_rasa == '/safety_check{"safety_response": "losing_control"}'
    assert [m["text"] for m in turn.immediate] == ["Sorry if I got that wrong."]


@pytest.mark.parametrize(
    ("text", "session"),
    [
        # Harm told beside the denial: the net reads it, crisis help goes on.
        ("im not going to hurt anyone but i shook him earlier", AFTER_LOSING_CONTROL_HELP),
        # The second opinion reads it (urgent): held, not asked as a misread. The rule named
        # this one as asked; the net's reading comes first, as the rule also says.
        ("no i would never hurt my baby", AFTER_LOSING_CONTROL_HELP),
        # After the writer's own crisis reply, or with no crisis help: not this correction.
        ("what?? no im not going to hurt anyone", AFTER_CRISIS_HELP),
        ("im not going to hurt anyone", SessionSafety()),
    ],
)
def test_a_denial_of_harm_is_not_asked_as_a_misread_elsewhere(text, session):
    turn = prepare_turn(text, session)
    assert not turn.immediate


@pytest.mark.parametrize(
    ("session", "reply"),
    [
        (AFTER_LOSING_CONTROL_HELP, "losing_control"),
        # After another crisis reply, or alone, the reading stands.
        (AFTER_CRISIS_HELP, "abuse"),
        (SessionSafety(), "abuse"),
    ],
)
def test_after_the_losing_control_reply_doubt_alone_is_not_abuse(session, reply):
    turn = prepare_turn(read_as_abuse_by_doubt_alone(), session)
    assert turn.safety.is_crisis and turn.safety.response == reply
    if turn.text_for_rasa == "/safety_follow_up":
        # At the session's tier, right after that reply: its short follow-up, not it again.
        assert reply == session.response
    else:
        sent = json.loads(turn.text_for_rasa.removeprefix("/safety_alert"))
        assert sent["safety_response"] == reply


AFTER_EMERGENCY_FOR_SOMEONE_ELSE = SessionSafety(
    "emergency", "utter_safety_gentle_check_in", after_crisis=True, response="emergency_for_other"
)
WHAT_TO_SAY = "call_999_what_to_say"
WHAT_IS_PSYCHOSIS = "call_999_what_is_psychosis"
GRANDMOTHERS_QUESTION = "whats postpartum psychosis? will she get better"


@pytest.mark.parametrize(
    ("text", "session", "told"),
    [
        # The twenty-eighth user test's grandmother (docs/safety.md, fifty-seventh and
        # fifty-eighth sessions).
        (
            "ok. what do i actually say when they answer",
            AFTER_EMERGENCY_FOR_SOMEONE_ELSE,
            WHAT_TO_SAY,
        ),
        (
            "no i mean when i ring 999 what do i tell them about her",
            AFTER_EMERGENCY_FOR_SOMEONE_ELSE,
            WHAT_TO_SAY,
        ),
        (GRANDMOTHERS_QUESTION, AFTER_EMERGENCY_FOR_SOMEONE_ELSE, WHAT_IS_PSYCHOSIS),
        (
            "is that what puerperal psychosis is? how long does it last",
            AFTER_EMERGENCY_FOR_SOMEONE_ELSE,
            WHAT_IS_PSYCHOSIS,
        ),
        # Both asked: what to say comes first.
        ("what do i tell them, that its psychosis?", AFTER_EMERGENCY_FOR_SOMEONE_ELSE, WHAT_TO_SAY),
        # After another crisis reply, or none: answered as before.
        ("ok. what do i actually say when they answer", AFTER_CRISIS_HELP, None),
        ("ok. what do i actually say when they answer", AFTER_HELP_FOR_SOMEONE_ELSE, None),
        ("ok. what do i actually say when they answer", SessionSafety(), None),
        (GRANDMOTHERS_QUESTION, AFTER_CRISIS_HELP, None),
        (GRANDMOTHERS_QUESTION, AFTER_HELP_FOR_SOMEONE_ELSE, None),
        (GRANDMOTHERS_QUESTION, SessionSafety(), None),
        # A new danger in it: crisis help, not the line.
        ("what do i say, she has got a knife", AFTER_EMERGENCY_FOR_SOMEONE_ELSE, None),
        ("is it psychosis? she has got a knife", AFTER_EMERGENCY_FOR_SOMEONE_ELSE, None),
    ],
)
def test_questions_after_the_999_reply_for_someone_else_are_told_999_first(text, session, told):
    turn = prepare_turn(text, session)
    said = [m["text"] for m in turn.immediate]
    lines = [message(name)["text"] for name in (WHAT_TO_SAY, WHAT_IS_PSYCHOSIS)]
    if told is None:
        assert not set(said) & set(lines), said
        return
    assert said == [message(told)["text"]] and turn.text_for_rasa is None, said
    assert "call 999 now" in said[0]


# The same session after a service search: no longer right after the reply, its flag held.
LATER_AFTER_EMERGENCY_FOR_SOMEONE_ELSE = SessionSafety(
    "emergency", last_turn=("action_find_services",), response="emergency_for_other"
)
WHILE_WAITING = "call_999_while_waiting"
CALLED = "ok ive called 999 theyre sending an ambulance. what do i do now"


@pytest.mark.parametrize(
    ("text", "session", "told"),
    [
        # The twenty-ninth user test's sister (docs/safety.md, fifty-eighth session): our words.
        (CALLED, LATER_AFTER_EMERGENCY_FOR_SOMEONE_ELSE, True),
        # Right after the reply: its follow-up, as before (the bench's own-urge count).
        (CALLED, AFTER_EMERGENCY_FOR_SOMEONE_ELSE, False),
        (
            "ambulance is coming. how do i keep her calm til then, and the baby",
            LATER_AFTER_EMERGENCY_FOR_SOMEONE_ELSE,
            True,
        ),
        (
            "ive rung 999 and they said an ambulance is coming, what now",
            LATER_AFTER_EMERGENCY_FOR_SOMEONE_ELSE,
            True,
        ),
        # After the writer's own emergency, or with no crisis help: as before.
        (CALLED, SessionSafety("emergency", response="emergency"), False),
        (CALLED, SessionSafety(), False),
        # A new danger, or no help coming yet.
        (
            "theyre sending an ambulance but she has got a knife",
            LATER_AFTER_EMERGENCY_FOR_SOMEONE_ELSE,
            False,
        ),
        ("they said theyd send someone tomorrow", LATER_AFTER_EMERGENCY_FOR_SOMEONE_ELSE, False),
    ],
)
def test_help_coming_after_the_999_reply_for_someone_else_gets_what_to_do_while_waiting(
    text, session, told
):
    turn = prepare_turn(text, session)
    said = [m["text"] for m in turn.immediate]
    assert (said == [message(WHILE_WAITING)["text"]]) is told, (said, turn.text_for_rasa)
    if told:
        assert turn.text_for_rasa is None
    if "knife" in text:
        assert turn.safety.tier == "emergency"


def test_after_the_losing_control_reply_the_lexicon_reading_of_abuse_keeps_its_reply():
    turn = prepare_turn("hes hitting me", AFTER_LOSING_CONTROL_HELP)
    assert turn.safety.response == "abuse" and turn.safety.tier == "emergency"


WHEN_TO_CALL_999 = message("when_to_call_999")["text"]
# Earlier in the session: crisis help for a daughter's low mood, then its held replies.
HELPED_A_RELATIVE = SessionSafety("urgent", response="concern_for_other")


@pytest.mark.parametrize(
    ("text", "session", "leaning"),
    [
        # The twenty-second user test's grandmother (docs/safety.md, fifty-second session).
        ("should i be ringing 999", SessionSafety(), "emergency"),
        ("should i be ringing 999", HELPED_A_RELATIVE, "concern_for_other"),
        ("Do we need an ambulance?", SessionSafety(), "emergency"),
        ("is this an emergency? shes been crying all day", SessionSafety(), "emergency"),
        ("should i take him to A&E", SessionSafety(), "emergency"),
    ],
)
def test_should_i_ring_999_gets_when_to_call_then_the_danger_question(text, session, leaning):
    turn = prepare_turn(text, session)
    assert [m["text"] for m in turn.immediate] == [WHEN_TO_CALL_999]
    assert turn.text_for_rasa == f"/safety_check{json.dumps({'safety_response': leaning})}"


def test_should_i_ring_999_after_no_to_the_danger_question_is_not_asked_it_again():
    cleared = SessionSafety(just_cleared=True)
    turn = prepare_turn("ok but should i call 999?", cleared)
    assert [m["text"] for m in turn.immediate] == [WHEN_TO_CALL_999]
    assert turn.text_for_rasa is None


@pytest.mark.parametrize(
    ("text", "session"),
    [
        # Right after crisis help (docs/safety.md, "after crisis help too"): the line first,
        # then the turn as it would have gone, never the danger question again.
        (
            "what?? im not in danger its my baby. hes warm and not feeding much. do i ring 999 "
            "or 111",
            AFTER_CRISIS_HELP,
        ),
        # After the medical reply, the line for illness, alone where the NLU would answer
        # (`test_999_or_111_right_after_the_medical_reply_gets_the_line_for_illness_alone`).
    ],
)
def test_should_i_ring_999_or_111_after_crisis_help_gets_when_to_call_first(text, session):
    turn = prepare_turn(text, session)
    assert [m["text"] for m in turn.immediate][:1] == [WHEN_TO_CALL_999]
    assert not (turn.text_for_rasa or "").startswith("/safety_check")
    assert turn.text_for_rasa == text  # then on to Rasa: the held reply or a topic, as before


THOUGHTS_PASSED = message("thoughts_passed")["text"]


@pytest.mark.parametrize(
    ("text", "said_back"),
    [
        # Her own thoughts, in the past: said back (docs/safety.md, fifty-second session).
        ("i used to feel suicidal years ago, im fine now", True),
        ("i had suicidal thoughts when i was 16 but im in a good place now", True),
        # Helping someone, self-harm, or nothing read: not this line.
        ("how do i help a friend who is suicidal", False),
        ("i used to self harm years ago", False),
        ("how do i get him to nap", False),
    ],
)
def test_own_suicidal_thoughts_in_the_past_are_said_back(text, said_back):
    turn = prepare_turn(text, SessionSafety())
    assert (THOUGHTS_PASSED in [m["text"] for m in turn.immediate]) == said_back
    assert turn.text_for_rasa == text  # then the turn goes on as before


BABY_FEVER = message("baby_fever")["text"]


def test_a_babys_temperature_gets_the_nhs_line_then_the_turn_goes_on():
    # Cradle had nothing on a baby's fever (the twenty-third user test; docs/safety.md,
    # fifty-third session). A message the net reads nothing in: the line, then Rasa as before.
    # (Many wordings of a hot baby are read as a medical crisis first: crisis help, whole.)
    text = "my baby feels hot, what should i do"
    turn = prepare_turn(text, SessionSafety())
    assert [m["text"] for m in turn.immediate] == [BABY_FEVER]
    assert turn.text_for_rasa == text


@pytest.mark.parametrize(
    ("text", "session"),
    [
        # The twenty-third user test's mum of a warm 7-week-old, after the area question.
        (
            "my baby has a temperature i think. 7 weeks old. should i call 111 or 999",
            SessionSafety(asked_area=True),
        ),
        ("she has a bit of a temperature, is it an emergency", SessionSafety()),
    ],
)
def test_a_babys_temperature_and_should_i_ring_999_get_the_line_and_lean_medical(text, session):
    turn = prepare_turn(text, session)
    assert [m["text"] for m in turn.immediate] == [BABY_FEVER]  # not the general line
    # "Yes" to the danger question: "This could be a medical emergency. Call 999 now..."
    assert turn.text_for_rasa == '/safety_check{"safety_response": "medical"}'


@pytest.mark.parametrize(
    "text",
    [
        "whats the right room temperature for a newborn",
        "how hot should the bath be for a 3 month old",
        "i have a fever and the baby is fine",
        "my temperature is high since the birth, baby is fine",
        "how do i get him to nap",
    ],
)
def test_a_room_a_bath_or_the_writers_own_temperature_gets_no_fever_line(text):
    turn = prepare_turn(text, SessionSafety())
    assert BABY_FEVER not in [m.get("text") for m in turn.immediate]


def test_a_baby_fever_line_by_text_is_one_segment_with_its_numbers():
    by_text = message("baby_fever", SMS_CHANNEL)["text"]
    assert segments(by_text) == 1
    assert all(words in by_text for words in ("38C", "39C", "NHS 111", "999"))


def test_why_in_a_question_whether_to_ring_999_does_not_veto_it():
    # "Why" alone was a veto (docs/safety.md, fifty-third session).
    turn = prepare_turn(
        "she keeps crying and i dont know why, should i take her to a&e", SessionSafety()
    )
    assert [m["text"] for m in turn.immediate] == [WHEN_TO_CALL_999]


LEAMINGTON_MUM = (
    "earlier tonight i had some really dark thoughts, like not wanting to be here. im ok now, "
    "calmer, my partner is home with me"
)


def test_thoughts_of_not_being_here_earlier_tonight_get_crisis_help_not_999():
    # The twenty-third user test: read as support and answered "I'm glad to hear that"; with the
    # phrase alone, an emergency ("earlier tonight" as the time of an act). Thoughts tonight
    # are current, so "ok now" does not lower them (docs/safety.md, fifty-third session).
    turn = prepare_turn(LEAMINGTON_MUM, SessionSafety())
    assert (turn.safety.tier, turn.safety.response) == ("urgent", "urgent")
    assert json.loads(turn.text_for_rasa.removeprefix("/safety_alert"))["safety_tier"] == "urgent"


@pytest.mark.parametrize(
    "text",
    [
        # The twenty-fourth user test's mum was told "Call 999 now" (docs/safety.md,
        # fifty-fourth session): a time of day before a past thought is the time of the thought.
        "this afternoon i had the thought everyone would be better off without me. no plan",
        "this morning i thought about killing myself. i wont do anything",
    ],
)
def test_a_past_thought_at_a_time_of_day_gets_crisis_help_not_999(text):
    turn = prepare_turn(text, SessionSafety())
    assert (turn.safety.tier, turn.safety.response) == ("urgent", "urgent")


@pytest.mark.parametrize(
    "text",
    [
        "i want to die tonight",
        "i took some pills earlier tonight",
        "i dont want to be here. tonight is the night",
        "earlier i thought about it, tonight im going to end it",
        "tonight im going to end it",
        "i took some pills this afternoon",
        "tonight i thought about taking all my tablets",
    ],
)
def test_a_time_to_act_is_still_an_emergency_with_earlier_about(text):
    assert prepare_turn(text, SessionSafety()).safety.tier == "emergency"


IF_THOUGHTS_COME_BACK = message("if_thoughts_come_back")["text"]


# "I'm safe for now" pressed after the writer's own crisis help for suicidal thoughts.
AFTER_OWN_THOUGHTS_SAFE = SessionSafety(
    "urgent", response="urgent", said_safe=True, last_turn=("utter_safety_glad_safe",)
)
AFTER_OWN_THOUGHTS_HELP = SessionSafety(
    "urgent", "utter_safety_check_in", after_crisis=True, response="urgent"
)


@pytest.mark.parametrize(
    "session", [AFTER_OWN_THOUGHTS_SAFE, AFTER_OWN_THOUGHTS_HELP, AFTER_CRISIS_HELP]
)
@pytest.mark.parametrize(
    "text",
    [
        "what if the thoughts come back later tonight",
        "but what do i do if i feel like that again",
        "im scared they will come back when hes asleep",
        # The twenty-fourth user test's mum got the domestic abuse topic.
        "my partner is home now and i feel a bit steadier. but hes back at work tomorrow and im"
        " scared it will happen again when im alone with her",
    ],
)
def test_what_if_the_thoughts_come_back_after_own_crisis_help_gets_its_line(text, session):
    # Answered with scary thoughts about the baby (the twenty-third user test; docs/safety.md,
    # fifty-third session).
    turn = prepare_turn(text, session)
    assert turn.text_for_rasa is None
    assert [m["text"] for m in turn.immediate] == [IF_THOUGHTS_COME_BACK]


@pytest.mark.parametrize(
    ("text", "session"),
    [
        # No crisis help before: the question could be about any thoughts.
        ("what if the thoughts come back later tonight", SessionSafety()),
        # Crisis help for someone else, or for losing control with the baby.
        ("what if the thoughts come back later tonight", AFTER_HELP_FOR_SOMEONE_ELSE),
        ("what if the thoughts come back", SessionSafety("urgent", response="losing_control")),
        # Thoughts of the baby are the scary-thoughts answer's, not this line's.
        ("what if the thoughts about hurting her come back", AFTER_OWN_THOUGHTS_SAFE),
        ("what if the thoughts about the baby come back", AFTER_OWN_THOUGHTS_SAFE),
    ],
)
def test_what_if_they_come_back_gets_no_line_elsewhere(text, session):
    turn = prepare_turn(text, session)
    assert IF_THOUGHTS_COME_BACK not in [m.get("text") for m in turn.immediate]


def test_what_if_they_come_back_by_text_is_one_segment_with_the_numbers():
    by_text = message("if_thoughts_come_back", SMS_CHANNEL)["text"]
    assert segments(by_text) == 1
    assert all(number in by_text for number in ("116 123", "111", "999"))


def test_a_crisis_with_should_i_ring_999_in_it_is_crisis_help_whole():
    turn = prepare_turn("shes not breathing should i call 999", SessionSafety())
    assert turn.safety.tier == "emergency" and turn.text_for_rasa.startswith("/safety_alert")
    assert not turn.immediate


@pytest.mark.parametrize(
    ("text", "session"),
    [
        ("they said i should call 999 if it gets worse", SessionSafety()),
        ("why do u keep saying the 999 stuff", SessionSafety()),
        ("I called 999 earlier, they were lovely", SessionSafety()),
        ("should i call the health visitor", SessionSafety()),
        ("why do you keep saying 999 or 111", SessionSafety()),
        ("why do you keep saying 999 or 111", AFTER_CRISIS_HELP),
        ("why r u saying 999 all the time", SessionSafety()),
    ],
)
def test_only_a_question_whether_to_ring_999_gets_when_to_call(text, session):
    turn = prepare_turn(text, session)
    assert WHEN_TO_CALL_999 not in [m.get("text") for m in turn.immediate]


def test_misread_words_are_found_whole_not_inside_other_words():
    check_in = get_check_in()
    assert check_in.says_misread("oh you misunderstood me")
    assert not check_in.says_misread("i meantime fed her")  # "i meant" inside "meantime"


def asked_leaning(response: str) -> SessionSafety:
    """Right after "Are you or your baby in danger right now?", leaning to `response`."""
    return SessionSafety("none", "utter_safety_check", response=response)


AFTER_URGENT_HELP = SessionSafety(
    "urgent", "utter_safety_check_in", after_crisis=True, response="urgent"
)


@pytest.mark.parametrize(
    ("text", "session", "tier", "for_other"),
    [
        # The eleventh user test's friend of a controlled woman, after the abuse reply.
        ("its not me, its my friend. im fine.", AFTER_ABUSE_HELP, "urgent", "abuse_for_other"),
        (
            "It isn't about me, I was asking for a friend",
            AFTER_CRISIS_HELP,
            "emergency",
            "emergency_for_other",
        ),
        (
            "it's not about me, it's my sister",
            AFTER_URGENT_HELP,
            "urgent",
            "concern_for_other",
        ),
        # The second opinion alone is unsure of these: the writer's words stand, at the higher of
        # the session's tier and the tier it leans to.
        (
            "sorry, I'm not the one, it's my sister",
            AFTER_URGENT_HELP,
            "urgent",
            "concern_for_other",
        ),
        ("I'm not the one, it's my sister", AFTER_URGENT_HELP, "emergency", "emergency_for_other"),
        # The twelfth user test's grandmother, saying who she is.
        (
            "Sorry I think you have misunderstood, I am the grandmother, I am fine",
            AFTER_CRISIS_HELP,
            "emergency",
            "emergency_for_other",
        ),
        ("sorry i'm the nan, i'm fine", AFTER_URGENT_HELP, "urgent", "concern_for_other"),
        # Right after Cradle's danger question, leaning to the writer's own reply (the twelfth
        # user test's sister was asked it again): the help for someone else of that leaning.
        ("its not me, its my friend", asked_leaning("abuse"), "urgent", "abuse_for_other"),
        ("its not me, its my friend", asked_leaning("urgent"), "urgent", "concern_for_other"),
        (
            "its not me, its my friend",
            asked_leaning("emergency"),
            "emergency",
            "emergency_for_other",
        ),
    ],
)
def test_not_me_after_the_writers_own_crisis_help_is_the_same_help_for_someone_else(
    text, session, tier, for_other
):
    turn = prepare_turn(text, session)
    entities = json.dumps({"safety_tier": tier, "safety_response": for_other})
    assert turn.text_for_rasa == f"/safety_someone_else{entities}"
    assert [m["text"] for m in turn.immediate] == ["Sorry if I got that wrong."]
    # Still crisis help at the session's tier: sent by the channel if Rasa does not answer.
    assert (turn.safety.tier, turn.safety.response) == (tier, for_other)


@pytest.mark.parametrize(
    ("text", "session"),
    [
        # The net reads a crisis in it: read as before, never softened (the first one by the
        # second opinion alone).
        ("sorry its not about me, i was asking for a friend", AFTER_CRISIS_HELP),
        ("its not me, its my friend, she wants to die", AFTER_CRISIS_HELP),
        ("it's not about me, he said he'll kill her tonight", AFTER_ABUSE_HELP),
        # "it's my friend" alone, or a partner named: not said to be someone else's.
        ("its my friend", AFTER_ABUSE_HELP),
        # The baby's own mum says "I'm her mum"; a role said with a crisis is read as before.
        ("i'm her mum, i just want to know if it's normal", AFTER_CRISIS_HELP),
        ("i'm the nan and i want to die", AFTER_CRISIS_HELP),
        ("this app is not for me", AFTER_CRISIS_HELP),
        # Not after help that is for anyone, or already for someone else, or nothing.
        ("its not me, its my friend", AFTER_HELP_FOR_SOMEONE_ELSE),
        (
            "its not me, its my friend",
            SessionSafety(
                "emergency", "utter_safety_check_in", after_crisis=True, response="medical"
            ),
        ),
        ("its not me, its my friend", SessionSafety()),
        # The question leaning to someone else's reply, or to a baby's medical emergency.
        ("its not me, its my friend", asked_leaning("concern_for_other")),
        ("its not me, its my friend", asked_leaning("medical")),
        # The question asked, but the net reads a crisis in the answer.
        ("its not me, its my friend, she wants to die", asked_leaning("urgent")),
    ],
)
def test_not_me_is_not_taken_when_it_may_be_a_crisis_or_nothing_was_the_writers(text, session):
    turn = prepare_turn(text, session)
    assert not (turn.text_for_rasa or "").startswith("/safety_someone_else")


def test_a_typed_someone_else_command_is_refused():
    turn = prepare_turn('/safety_someone_else{"safety_response": "abuse_for_other"}')
    assert turn.text_for_rasa is None and turn.immediate


JUST_CLEARED = SessionSafety(just_cleared=True)


def test_a_worry_right_after_no_to_are_you_in_danger_is_answered_not_asked_again():
    # The fourth user test: a crying baby, asked "are you or your baby in danger?" three times.
    text = asked_about_losing_control()
    assert prepare_turn(text, SessionSafety()).text_for_rasa.startswith("/safety_check")
    assert prepare_turn(text, JUST_CLEARED).text_for_rasa == text


def test_an_emergency_leaning_right_after_no_is_still_asked():
    text = asked_leaning_to(EMERGENCY_MAYBE, "emergency")
    assert prepare_turn(text, JUST_CLEARED).text_for_rasa.startswith("/safety_check")


# The buttons of "Are you safe right now?" after crisis help, as the tracker holds them.
SAFE_FOR_NOW = (("I'm safe for now", "/affirm"), ("I need help now", "/crisis_help"))
FEELING_LOW = SessionSafety(offered=(("Feeling low", "/ask_low_mood"),))
AFTER_CRISIS_BUTTONS = SessionSafety(
    "emergency", "utter_safety_check_in", after_crisis=True, offered=SAFE_FOR_NOW
)


@pytest.mark.parametrize(
    ("typed", "session", "sent"),
    [
        # The twenty-first session's 360px check: typed out, the title was read by the NLU as
        # asking for crisis help, and crisis help came again.
        ("I'm safe for now", AFTER_CRISIS_BUTTONS, "/affirm"),
        ("im safe for now.", AFTER_CRISIS_BUTTONS, "/affirm"),
        ("I NEED HELP NOW", AFTER_CRISIS_BUTTONS, "/crisis_help"),
        # A reader typing the title of a topic's button, or an area, instead of pressing it.
        ("feeling low", FEELING_LOW, "/ask_low_mood"),
        (
            "rugby",
            SessionSafety(offered=(("Rugby", '/inform{"area": "rugby"}'),)),
            '/inform{"area": "rugby"}',
        ),
    ],
)
def test_a_button_title_typed_out_is_that_button(typed, session, sent):
    turn = prepare_turn(typed, session)
    assert not turn.safety.is_crisis
    assert turn.text_for_rasa == sent


@pytest.mark.parametrize(
    ("typed", "session", "sent"),
    [
        # Not whole: the crisis in the rest of the message is read.
        ("I'm safe for now but I took all my tablets", AFTER_CRISIS_BUTTONS, "/safety_alert"),
        ("I'm safe for now", SessionSafety(), "I'm safe for now"),  # no button: the NLU reads it
        ("call 999", SessionSafety(offered=(("Call 999", "tel:999"),)), "call 999"),  # a link
        # A payload the tracker should never hold is refused like a typed command.
        ("i'm fine", SessionSafety(offered=(("I'm fine", "/safety_alert"),)), "i'm fine"),
    ],
)
def test_only_a_whole_title_of_a_reply_button_just_offered_is_pressed(typed, session, sent):
    assert prepare_turn(typed, session).text_for_rasa.startswith(sent)


def test_a_title_the_lexicon_reads_as_a_crisis_is_still_a_crisis():
    # No button says this; if one ever did, crisis help would still win.
    session = SessionSafety(offered=(("I want to die", "/affirm"),))
    turn = prepare_turn("I want to die", session)
    assert turn.safety.is_crisis
    assert turn.text_for_rasa.startswith("/safety_alert")


AFTER_FRIENDS_ABUSE_HELP = SessionSafety(
    "urgent", "utter_safety_check_in", after_crisis=True, response="abuse_for_other"
)
# The glad-safe reply after crisis help for someone else leaves the crisis on.
AFTER_GLAD_SAFE_FOR_SOMEONE_ELSE = SessionSafety(
    "urgent", "utter_safety_glad_safe", after_crisis=True, response="concern_for_other"
)


@pytest.mark.parametrize(
    ("text", "session"),
    [
        # The twelfth user test's young dad, after crisis help for someone else.
        ("what do i actually say back to him", AFTER_HELP_FOR_SOMEONE_ELSE),
        ("how do i help her", AFTER_HELP_FOR_SOMEONE_ELSE),
        ("ok but how can I support him?", AFTER_GLAD_SAFE_FOR_SOMEONE_ELSE),
        ("what should i say to my sister", AFTER_FRIENDS_ABUSE_HELP),
        # The thirteenth user test's dad, and asking for the words or how to raise it.
        (
            "what words do i actually use when i talk to my wife about what she said",
            AFTER_GLAD_SAFE_FOR_SOMEONE_ELSE,
        ),
        ("how do i raise it with her without her shutting down", AFTER_HELP_FOR_SOMEONE_ELSE),
        ("whats the best way to bring it up", AFTER_FRIENDS_ABUSE_HELP),
    ],
)
def test_a_helpers_question_right_after_help_for_someone_else_is_how_can_i_help_them(text, session):
    turn = prepare_turn(text, session)
    assert turn.text_for_rasa == "/help_them"
    assert not turn.immediate


@pytest.mark.parametrize(
    ("text", "session"),
    [
        # A new danger named with the question: read by the net, as before.
        ("what do i say, she's taken all her tablets", AFTER_HELP_FOR_SOMEONE_ELSE),
        ("how do i help her, he said he'll kill her tonight", AFTER_FRIENDS_ABUSE_HELP),
        # "Call 999 for them now", the writer's own crisis help, or no crisis help at all.
        (
            "how do i help her",
            SessionSafety(
                "emergency",
                "utter_safety_check_in",
                after_crisis=True,
                response="emergency_for_other",
            ),
        ),
        ("how do i help her", AFTER_CRISIS_HELP),
        ("how do i help her", AFTER_ABUSE_HELP),
        # Not a question about helping: the crisis going on.
        ("she still wont answer her phone", AFTER_HELP_FOR_SOMEONE_ELSE),
    ],
)
def test_a_helpers_question_is_not_taken_when_it_names_a_danger_or_no_one_else_was_helped(
    text, session
):
    assert prepare_turn(text, session).text_for_rasa != "/help_them"


def test_with_no_help_for_someone_else_the_question_goes_to_the_nlu():
    assert prepare_turn("how do i help her", SessionSafety()).text_for_rasa == "how do i help her"


def test_each_reply_a_helpers_question_follows_has_its_own_answer():
    from actions.actions import HELP_THEM
    from cradle.turn import HELPER_ASKS_AFTER

    assert set(HELP_THEM) == HELPER_ASKS_AFTER


NOT_SAFE_YET = SessionSafety(
    "emergency", "utter_safety_gentle_check_in", after_crisis=True, response="emergency"
)


@pytest.mark.parametrize(
    ("text", "session", "reply"),
    [
        # The twelfth user test's mum, told she was not safe and to call.
        ("can you stay talking to me while i do", NOT_SAFE_YET, "crisis_stay_emergency"),
        ("will you stay with me", NOT_SAFE_YET, "crisis_stay_emergency"),
        ("dont leave me", NOT_SAFE_YET, "crisis_stay_emergency"),
        ("are you still there?", AFTER_URGENT_HELP, "crisis_stay_urgent"),
        # Later in the conversation, not yet said safe: still on.
        (
            "please stay with me",
            SessionSafety("urgent", None, response="urgent"),
            "crisis_stay_urgent",
        ),
    ],
)
def test_asking_cradle_to_stay_while_not_yet_safe_gets_im_here_and_where_a_person_is(
    text, session, reply
):
    turn = prepare_turn(text, session)
    assert turn.text_for_rasa is None  # the channel's own reply: the session stays as it was
    assert turn.immediate == (line(reply),)
    assert "999" in turn.immediate[0]["text"] and "I'm here" in turn.immediate[0]["text"]


@pytest.mark.parametrize(
    ("text", "session"),
    [
        # A new danger named, or read higher than the session: read as before.
        ("stay with me, i've taken all my tablets", NOT_SAFE_YET),
        ("are you still there, i want to die", AFTER_URGENT_HELP),
        # Said safe since; someone else's crisis; a reply that says what to do; no crisis.
        ("will you stay with me", SessionSafety("urgent", None, response="urgent", said_safe=True)),
        ("will you stay with me", AFTER_HELP_FOR_SOMEONE_ELSE),
        ("will you stay with me", AFTER_ABUSE_HELP),
        ("will you stay with me", SessionSafety()),
        # Not an ask to stay.
        ("my partner won't talk to me", NOT_SAFE_YET),
    ],
)
def test_asking_to_stay_is_not_taken_when_it_may_be_more_or_nothing_is_on(text, session):
    turn = prepare_turn(text, session)
    stays = {message(f"crisis_stay_{tier}")["text"] for tier in ("urgent", "emergency")}
    assert not stays & {m.get("text") for m in turn.immediate}


@pytest.mark.parametrize(
    "block",
    [
        "corrections:\n  not_me_roles: [nan]\n",
        'corrections:\n  not_me_roles:\n    openings: ["i\'m the"]\n    people: [nan]\n',
        'corrections:\n  not_me_roles:\n    openings: ["i\'m the"]\n    roles: [1]\n',
    ],
)
def test_a_bad_not_me_roles_block_is_named(tmp_path, block):
    path = tmp_path / "check_in.yml"
    path.write_text('questions:\n  q:\n    - "no"\n' + block)
    with pytest.raises(ContentError, match="not_me_roles"):
        CheckInAnswers.from_file(path, str.lower)


@pytest.mark.parametrize(
    ("text", "reply"),
    [
        # The thirteenth user test's mum, told to call: on the line, then help coming.
        ("its ringing. im on hold", "crisis_calling"),
        ("someone answered, theyre asking me stuff. are u still there", "crisis_calling"),
        (
            "ok theyre sending someone from the crisis team round and my mum is coming over",
            "crisis_help_coming",
        ),
        ("i did call tho. 111 answered. is it ok to just wait for them now", "crisis_help_coming"),
        ("the ambulance is coming, will you stay with me", "crisis_help_coming"),
        # The grammar of calling and of help on its way (thirty-ninth session; my words).
        ("on the phone to them now, theyre asking me what i took", "crisis_calling"),
        ("the call handler wants to know how many", "crisis_calling"),
        ("just rang 111 waiting for them to pick up", "crisis_calling"),
        ("texting shout now", "crisis_calling"),
        ("paramedics are on their way", "crisis_help_coming"),
        ("the gp is calling me back in 20 mins", "crisis_help_coming"),
        ("my sister is on her way over", "crisis_help_coming"),
    ],
)
def test_calling_or_help_coming_while_not_yet_safe_is_heard(text, reply):
    turn = prepare_turn(text, NOT_SAFE_YET)
    assert turn.text_for_rasa is None
    assert turn.immediate == (line(reply),)
    assert "999" in turn.immediate[0]["text"]


@pytest.mark.parametrize(
    "text",
    [
        # Asking whether help can wait is not help coming: still the crisis.
        "can it wait till morning",
        "is it ok to wait till the gp opens",
        # The danger can be a person; waiting can be a plan.
        "hes coming round",
        "ill wait for them to be asleep",
    ],
)
def test_waiting_or_coming_that_is_not_help_coming_is_not_taken(text):
    turn = prepare_turn(text, NOT_SAFE_YET)
    assert line("crisis_help_coming") not in turn.immediate


@pytest.mark.parametrize(
    ("text", "session"),
    [
        # A danger named with it: read as before.
        ("its ringing but i've taken all my tablets", NOT_SAFE_YET),
        ("on hold, i want to die", AFTER_URGENT_HELP),
        # Said safe since; someone else's crisis; abuse; no crisis.
        ("its ringing", SessionSafety("urgent", None, response="urgent", said_safe=True)),
        ("its ringing", AFTER_HELP_FOR_SOMEONE_ELSE),
        ("its ringing", AFTER_ABUSE_HELP),
        ("its ringing", SessionSafety()),
    ],
)
def test_calling_is_not_taken_when_it_may_be_more_or_nothing_is_on(text, session):
    turn = prepare_turn(text, session)
    assert line("crisis_calling") not in turn.immediate


@pytest.mark.parametrize(
    "text",
    [
        # The call has not happened or did not work: never "You've done the right thing by
        # calling" or "help is coming", whatever else the words say (thirty-ninth session).
        "i called 111 but nobody answered",
        "its ringing but no one is picking up",
        "i rang them and got cut off",
        "on hold for ages, gave up",
        "ill ring them in the morning",
        "i cant call, my phone died",
        "if i call theyll take my baby",
        "should i call 111 or 999",
        "the ambulance is coming later",
        # Not a call at all.
        "im calling it a day",
        "he just called me a bad mum",
        "theyre coming for me",
        "can you send someone",
    ],
)
def test_no_call_made_or_a_failed_one_is_never_told_it_was_the_right_thing(text):
    turn = prepare_turn(text, NOT_SAFE_YET)
    assert line("crisis_calling") not in turn.immediate
    assert line("crisis_help_coming") not in turn.immediate


def test_an_ask_to_stay_while_calling_gets_the_calling_reply_not_call_999_now():
    # On the line to 111, "are u still there" was told "Please call 999 now" (the thirteenth
    # user test's mum): what she has done comes first.
    turn = prepare_turn("its ringing, please dont go", NOT_SAFE_YET)
    assert turn.immediate == (line("crisis_calling"),)


AFTER_MEDICAL_CHECK_IN = SessionSafety(
    "emergency",
    "utter_safety_check_in",
    after_crisis=True,
    response="medical",
    last_turn=("utter_safety", "utter_safety_check_in"),
)
AFTER_MEDICAL_WAYS_NOW = SessionSafety(
    "emergency",
    None,
    after_crisis=True,
    response="medical",
    last_turn=("utter_safety_ways_now",),
)
AFTER_TABLETS_WAYS_NOW = SessionSafety(
    "emergency",
    None,
    after_crisis=True,
    response="overdose",
    last_turn=("utter_safety_ways_now",),
)
AFTER_TABLETS_FOLLOW_UP = SessionSafety(
    "emergency",
    None,
    after_crisis=True,
    response="overdose",
    last_turn=("utter_safety_follow_up",),
)


@pytest.mark.parametrize("session", [AFTER_MEDICAL_CHECK_IN, AFTER_TABLETS_FOLLOW_UP])
@pytest.mark.parametrize(
    "text",
    [
        "the ambulance is on its way what do i do while we wait",
        "paramedics are coming",
        "theyre sending an ambulance",
    ],
)
def test_help_on_its_way_typed_after_is_help_on_the_way_is_that_button(text, session):
    turn = prepare_turn(text, session)
    assert turn.text_for_rasa == "/affirm"
    assert not turn.immediate


@pytest.mark.parametrize(
    ("text", "session"),
    [
        # Not coming yet, or a new danger named with it: held or read as before.
        ("the ambulance is coming later", AFTER_MEDICAL_CHECK_IN),
        ("they said theyll send someone in the morning", AFTER_MEDICAL_CHECK_IN),
        ("ambulance is on its way but shes gone blue again and floppy", AFTER_MEDICAL_CHECK_IN),
        # Not after "Is help on the way?": the writer's own crisis has its own reply.
        (
            "paramedics are coming",
            SessionSafety(
                "emergency",
                "utter_safety_check_in",
                after_crisis=True,
                response="emergency",
                last_turn=("utter_safety", "utter_safety_check_in"),
            ),
        ),
        # After the ways to get help now, whose "yes" has no rule: the channel sends the reply.
        ("paramedics are coming", AFTER_MEDICAL_WAYS_NOW),
    ],
)
def test_help_on_its_way_is_not_the_button_when_it_is_not_or_was_not_asked(text, session):
    assert prepare_turn(text, session).text_for_rasa != "/affirm"


AFTER_MEDICAL_FOLLOW_UP = SessionSafety(
    "emergency",
    None,
    after_crisis=True,
    response="medical",
    last_turn=("utter_safety_follow_up",),
)


@pytest.mark.parametrize("session", [AFTER_MEDICAL_WAYS_NOW, AFTER_TABLETS_WAYS_NOW])
@pytest.mark.parametrize("text", ["paramedics are coming", "theyre sending an ambulance"])
def test_help_on_its_way_after_the_ways_to_get_help_now_gets_that_buttons_reply(text, session):
    # No rule answers a "yes" there: the channel sends the "Help is on the way" reply itself.
    turn = prepare_turn(text, session)
    glad = pick_variation("utter_safety_glad_safe", {"safety_response": session.response})
    assert turn.immediate == ({"text": " ".join(glad["text"].split())},)
    assert turn.text_for_rasa is None and "999" in turn.immediate[0]["text"]


@pytest.mark.parametrize(
    "session", [AFTER_MEDICAL_CHECK_IN, AFTER_MEDICAL_FOLLOW_UP, AFTER_MEDICAL_WAYS_NOW]
)
@pytest.mark.parametrize(
    "text",
    [
        "on the phone to 999 now",
        "its ringing",
        "im on the line with them now",
        # The twenty-fifth user test's mum was told "Call 999 now" again (docs/safety.md,
        # fifty-fourth session).
        "i already called them!! i just asked about feeding",
    ],
)
def test_calling_typed_after_a_medical_emergency_gets_the_medical_calling_reply(text, session):
    # Held before: "If you haven't yet, call 999 now", said to a parent on the line.
    turn = prepare_turn(text, session)
    assert turn.immediate == (line("crisis_calling_medical"),)
    assert "999" in message("crisis_calling_medical")["text"]
    assert turn.text_for_rasa is None


@pytest.mark.parametrize(
    ("text", "session"),
    [
        # Not called, or a new danger named with it: held or read as before.
        ("nobody is answering", AFTER_MEDICAL_CHECK_IN),
        ("on the phone to 999 but hes gone floppy and blue", AFTER_MEDICAL_CHECK_IN),
        # Help on its way keeps its own reply (the button's).
        ("paramedics are coming", AFTER_MEDICAL_CHECK_IN),
        # After tablets taken, a call is not assumed to be the medical help.
        ("on the phone to 999 now", AFTER_TABLETS_FOLLOW_UP),
        ("on the phone to 999 now", AFTER_TABLETS_WAYS_NOW),
        ("nobody is answering", AFTER_MEDICAL_WAYS_NOW),
    ],
)
def test_calling_after_a_medical_emergency_is_heard_only_when_it_is_a_call(text, session):
    assert line("crisis_calling_medical") not in prepare_turn(text, session).immediate


# Two topic turns after the medical reply, the crisis still held (the twenty-fourth user test's
# mum in Warwick, asking "999 or 111?"; docs/safety.md, fifty-third session).
MEDICAL_TWO_TURNS_ON = SessionSafety(
    "emergency", None, response="medical", last_turn=("action_answer_topic",)
)


def test_ringing_111_later_in_a_medical_emergencys_session_gets_the_calling_reply():
    # She got "This could be a medical emergency. Call 999 now" again.
    turn = prepare_turn("ok thank you. ringing 111 now", MEDICAL_TWO_TURNS_ON)
    assert turn.immediate == (line("crisis_calling_medical"),)
    assert turn.text_for_rasa is None


@pytest.mark.parametrize(
    ("text", "session"),
    [
        # Said safe since, after tablets, or no crisis help at all: as before.
        ("ok thank you. ringing 111 now", replace(MEDICAL_TWO_TURNS_ON, said_safe=True)),
        ("ok thank you. ringing 111 now", replace(MEDICAL_TWO_TURNS_ON, response="overdose")),
        ("ok thank you. ringing 111 now", SessionSafety()),
        # Not a call that happened.
        ("they said they'd ring back", MEDICAL_TWO_TURNS_ON),
        ("ill ring them in the morning", MEDICAL_TWO_TURNS_ON),
    ],
)
def test_a_call_later_in_the_session_is_heard_only_while_the_medical_crisis_is_held(text, session):
    assert line("crisis_calling_medical") not in prepare_turn(text, session).immediate


WARWICK_MUM_ASKS = (
    "should i ring 999 or 111? shes breathing fine, no rash",
    "im not anxious i just need to know. 111 or a&e?",
    # The same mum's words as the fifty-third session's unit case had them; and another parent's.
    "999?? shes a bit sleepier than normal but shes feeding ok and breathing normal, no rash. is "
    "it really 999 or should i ring 111",
    "999 really? i dont want to waste an ambulance if its just a bit warm. is 111 ok?",
)


@pytest.mark.parametrize("text", WARWICK_MUM_ASKS)
def test_999_or_111_right_after_the_medical_reply_gets_the_line_for_illness_alone(text):
    # The twenty-fourth user test's Warwick mum got the mental health option, the reminder and
    # the worry topic (docs/safety.md, fifty-fourth session).
    turn = prepare_turn(text, AFTER_MEDICAL_CHECK_IN)
    assert (turn.immediate, turn.text_for_rasa) == ((line("when_to_call_medical"),), None)


@pytest.mark.parametrize("text", WARWICK_MUM_ASKS)
def test_999_or_111_later_while_a_medical_emergency_is_held_gets_the_line_and_the_question(text):
    turn = prepare_turn(text, MEDICAL_TWO_TURNS_ON)
    assert turn.immediate == (line("when_to_call_medical"),)
    assert turn.text_for_rasa and turn.text_for_rasa.startswith("/safety_check")


@pytest.mark.parametrize(
    ("text", "session"),
    [
        *[(t, replace(AFTER_MEDICAL_CHECK_IN, response="emergency")) for t in WARWICK_MUM_ASKS],
        *[(t, replace(MEDICAL_TWO_TURNS_ON, response="overdose")) for t in WARWICK_MUM_ASKS],
        *[(t, replace(MEDICAL_TWO_TURNS_ON, said_safe=True)) for t in WARWICK_MUM_ASKS],
        *[(t, SessionSafety()) for t in WARWICK_MUM_ASKS],
        # A baby's temperature keeps the fever line.
        ("her temperature is 38.5 now, 999 or 111?", MEDICAL_TWO_TURNS_ON),
    ],
)
def test_999_or_111_gets_the_line_for_illness_only_while_a_medical_emergency_is_held(text, session):
    assert line("when_to_call_medical") not in prepare_turn(text, session).immediate


def test_a_new_danger_after_the_medical_reply_is_still_crisis_help():
    turn = prepare_turn("shes not breathing now, should i ring 999", AFTER_MEDICAL_CHECK_IN)
    assert turn.safety.is_crisis and line("when_to_call_medical") not in turn.immediate


@pytest.mark.parametrize("response", sorted(HELP_ON_THE_WAY))
def test_the_command_is_the_help_is_on_the_way_buttons_payload(response):
    variation = pick_variation("utter_safety_check_in", {"safety_response": response})
    buttons = {b["title"]: b["payload"] for b in variation["buttons"]}
    assert buttons["Help is on the way"] == HELP_ON_THE_WAY_COMMAND


# Later in a conversation whose reminder is on: crisis help for the writer's own crisis, then a
# topic answer (the sixteenth user test's young dad, after a false alarm and a topic button).
REMINDED = SessionSafety(
    "emergency", None, response="emergency", last_turn=("action_topic_section",)
)


@pytest.mark.parametrize(
    ("text", "sorry"),
    [
        (
            "woah no im not gonna do anything, im safe. i just meant like my heads messed up. "
            "i feel daft even saying this cos shes the one who got cut open not me",
            True,
        ),
        ("im safe now", False),
        ("ok. we're safe.", False),
        ("No, I'm not in danger!", False),
    ],
)
def test_a_statement_of_safety_later_while_reminded_ends_the_reminder(text, sorry):
    turn = prepare_turn(text, REMINDED)
    assert turn.text_for_rasa == "/safe_now"  # "I'm glad to hear that", a "said safe" reply
    assert not turn.safety.is_crisis
    assert [m["text"] for m in turn.immediate] == (["Sorry if I got that wrong."] if sorry else [])


@pytest.mark.parametrize(
    ("text", "session"),
    [
        ("not sure im safe", REMINDED),
        ("im safe but i want to die", REMINDED),
        ("im safe. i still want to end it all", REMINDED),
        ("im safe i guess", REMINDED),  # no part is a listed answer whole
        ("i'm fine", REMINDED),  # "fine" can hide a crisis: never a statement of safety
        # Being safe is not being treated after a medical emergency or tablets taken.
        ("im safe now", SessionSafety("emergency", None, response="medical")),
        ("im safe now", SessionSafety("emergency", None, response="overdose")),
        # Someone else's crisis has no reminder; with none in the session there is nothing to end.
        ("im safe now", SessionSafety("emergency", None, response="emergency_for_other")),
        ("im safe now", SessionSafety()),
        # Said safe since the crisis reply: already ended.
        ("im safe now", SessionSafety("emergency", None, response="emergency", said_safe=True)),
    ],
)
def test_a_statement_of_safety_is_not_taken_when_it_may_be_more_or_nothing_is_on(text, session):
    turn = prepare_turn(text, session)
    assert turn.text_for_rasa != "/safe_now"
    assert not turn.immediate


@pytest.mark.parametrize(
    ("text", "session", "sent"),
    [
        ("im safe now", AFTER_CRISIS_HELP, "/affirm"),  # the safety question's own answer
        ("im safe now", AFTER_ARE_YOU_SAFE, "/affirm"),
    ],
)
def test_right_after_crisis_help_or_a_question_the_statement_is_that_questions_answer(
    text, session, sent
):
    assert prepare_turn(text, session).text_for_rasa == sent


# The seventeenth user test's mum, later in the abuse conversation: said safe, shown services.
LATER_AFTER_ABUSE_HELP = SessionSafety("urgent", None, response="abuse", said_safe=True)
# The answers to a question later in the abuse conversation (cradle/turn.py, after_abuse_answer).
AFTER_ABUSE_ANSWERS = ("abuse_call_seen", "abuse_not_ready_to_leave", "abuse_does_it_count")


@pytest.mark.parametrize(
    ("text", "session", "answer"),
    [
        # Will he see that she called? (the seventeenth user test's mum)
        (
            "he checks my call log tho. if i ring that number will he see it? and does this "
            "chat stay on my phone",
            LATER_AFTER_ABUSE_HELP,
            "abuse_call_seen",
        ),
        ("will he see it in my call log?", LATER_AFTER_ABUSE_HELP, "abuse_call_seen"),
        (
            "will it show up on my phone bill if i call them",
            LATER_AFTER_ABUSE_HELP,
            "abuse_call_seen",
        ),
        (
            "can he find out i rang the helpline",
            SessionSafety("urgent", None, response="abuse"),
            "abuse_call_seen",
        ),
        ("will he see that i called", AFTER_ABUSE_HELP, "abuse_call_seen"),  # right after
        # Not leaving, or not ready to: alone, read as an emergency on the second opinion alone.
        ("im not ready to leave him", LATER_AFTER_ABUSE_HELP, "abuse_not_ready_to_leave"),
        (
            "i can't leave him, where would i go with the baby",
            LATER_AFTER_ABUSE_HELP,
            "abuse_not_ready_to_leave",
        ),
        (
            "i'm not ready to leave",
            SessionSafety("urgent", None, response="abuse"),
            "abuse_not_ready_to_leave",
        ),
        ("im not leaving him", AFTER_ABUSE_HELP, "abuse_not_ready_to_leave"),
        # Does it count? (the eighteenth user test's mum was offered couples advice)
        (
            "thanks. sorry one more thing, the push. it was only once and hes never done it "
            "since. does that count? i keep telling myself it doesnt",
            LATER_AFTER_ABUSE_HELP,
            "abuse_does_it_count",
        ),
        (
            "is that like.. real abuse or am i overreacting",
            LATER_AFTER_ABUSE_HELP,
            "abuse_does_it_count",
        ),
        ("but is it actually abuse if he doesnt hit me?", AFTER_ABUSE_HELP, "abuse_does_it_count"),
    ],
)
def test_a_question_after_abuse_help_gets_its_own_answer(text, session, answer):
    turn = prepare_turn(text, session)
    assert turn.text_for_rasa is None  # the channel's own reply: the session stays as it was
    assert turn.immediate == (line(answer),)


@pytest.mark.parametrize(
    ("text", "session"),
    [
        # A danger the lexicon reads: crisis help, as before.
        ("he's outside banging on the door, will he see i called the police", AFTER_ABUSE_HELP),
        ("he said he'll kill me if he sees i rang them", LATER_AFTER_ABUSE_HELP),
        ("im not ready to leave him, he said hell kill me if i go", LATER_AFTER_ABUSE_HELP),
        ("is it actually abuse? he pushed me once but he said sorry", LATER_AFTER_ABUSE_HELP),
        # About life, not the relationship: the net's reading stands.
        ("i'm not ready to leave this world", LATER_AFTER_ABUSE_HELP),
        # Asks for services too: answered as before.
        ("im not ready to leave, is there someone local in rugby i can talk to", AFTER_ABUSE_HELP),
        # Only the chat: the privacy answer, from the NLU.
        ("will he see this chat", LATER_AFTER_ABUSE_HELP),
        ("how do i delete this chat", LATER_AFTER_ABUSE_HELP),
        # Not after abuse help: another crisis, someone else's abuse, no crisis at all.
        ("will he see it in my call log?", AFTER_URGENT_HELP),
        (
            "will he see it in my call log?",
            SessionSafety("urgent", None, response="abuse_for_other"),
        ),
        ("im not ready to leave him", AFTER_URGENT_HELP),
        ("does that count?", AFTER_URGENT_HELP),
        ("will he see it in my call log?", SessionSafety()),
        ("im not ready to leave him", SessionSafety()),
        ("am i overreacting", SessionSafety()),
    ],
)
def test_no_answer_after_abuse_help_is_taken_when_it_may_be_more_or_there_was_none(text, session):
    immediate = prepare_turn(text, session).immediate
    assert not [m for m in immediate if m in [line(a) for a in AFTER_ABUSE_ANSWERS]]


@pytest.mark.parametrize(
    ("answer", "web", "sms"),
    [
        ("abuse_call_seen", ("recent calls", "Clear chat"), ("recent calls", "delete it")),
        (
            "abuse_not_ready_to_leave",
            ("don't have to leave", "0808 2000 247", "0808 8010 327"),
            ("0808 2000 247", "0808 8010 327"),
        ),
        (
            "abuse_does_it_count",
            ("single act, like a push", "0808 2000 247", "0808 8010 327"),
            ("one push", "0808 2000 247"),
        ),
    ],
)
def test_each_answer_after_abuse_help_says_what_it_is_for_with_999(answer, web, sms):
    text, by_text = message(answer)["text"], message(answer, SMS_CHANNEL)["text"]
    assert all(words in text for words in (*web, "999"))
    assert all(words in by_text for words in (*sms, "999")) and segments(by_text) == 1


# docs/safety.md, "Are any of them open now?": right after a service list.
AFTER_A_LIST = SessionSafety(last_turn=("action_find_services", "utter_ask_feedback"))


def test_a_question_about_the_services_just_listed_is_asked_about_not_alarmed():
    text = read_by_doubt_alone(ABOUT_THE_LIST_MAYBE)
    alone = prepare_turn(text, SessionSafety())
    assert alone.safety.is_crisis  # with no list before it, the reading stands
    turn = prepare_turn(text, AFTER_A_LIST)
    assert not turn.safety.is_crisis and turn.safety.needs_check
    leaning = {"safety_response": alone.safety.response}
    assert turn.text_for_rasa == f"/safety_check{json.dumps(leaning)}"


@pytest.mark.parametrize(
    ("text", "session"),
    [
        # A lexicon reading keeps crisis help, list or not.
        ("are any of them open now? i took all my tablets", AFTER_A_LIST),
        ("do any of them cost money? i want to kill myself tonight", AFTER_A_LIST),
    ],
)
def test_after_a_list_a_crisis_the_lexicon_reads_keeps_crisis_help(text, session):
    turn = prepare_turn(text, session)
    assert turn.safety.tier == "emergency" and turn.text_for_rasa.startswith("/safety_alert")


# docs/safety.md, fifty-seventh session: right after Cradle's answer about a list (its opening
# lines, run by whichever action the NLU chose), the list is still what is asked about.
AFTER_AN_ANSWER_ABOUT_A_LIST = SessionSafety(
    last_turn=("action_not_understood",), answered_about_services=True
)


@pytest.mark.parametrize(
    ("session", "asked"),
    [
        (AFTER_AN_ANSWER_ABOUT_A_LIST, True),
        # After a topic answer, or after crisis help, the reading stands.
        (SessionSafety(last_turn=("action_answer_topic",)), False),
        (replace(AFTER_AN_ANSWER_ABOUT_A_LIST, tier="emergency", response="emergency"), False),
    ],
)
def test_right_after_an_answer_about_a_list_a_question_about_it_is_asked_about(session, asked):
    text = read_by_doubt_alone(ABOUT_THE_LIST_MAYBE)
    turn = prepare_turn(text, session)
    assert (turn.text_for_rasa or "").startswith("/safety_check") is asked
    assert turn.safety.is_crisis is not asked


@pytest.mark.parametrize(
    ("lines", "about"),
    [
        (("utter_services_open_always", "utter_services_open_unknown"), True),
        (("utter_services_cost_free",), True),
        (("utter_services_wait_unknown",), True),
        (("utter_service_open_later", "utter_service_named_phone"), True),
        (("utter_safety_reminder", ""), False),
        ((), False),
    ],
)
def test_the_answers_about_a_list_are_read_from_the_lines_sent(lines, about):
    from cradle.turn import answers_about_a_list

    assert answers_about_a_list(lines) is about


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("are any of them open now? its gone midnight", "the-list:opening"),
        ("do any of these cost money", "the-list:cost"),
        ("can i just walk in", "the-list:reaching"),
    ],
)
def test_the_question_about_the_services_carries_its_kind(text, question):
    from cradle.safety import SafetyResult
    from cradle.turn import ABOUT_THE_SERVICES_RULE, list_question

    asked = SafetyResult(tier="none", response="check", rules=(ABOUT_THE_SERVICES_RULE,))
    assert list_question(asked, text) == question
    assert list_question(SafetyResult(tier="none", response="check"), text) is None


def test_after_crisis_help_a_question_about_the_list_keeps_crisis_help():
    # The session's flag never drops: a conversation that has had crisis help is not asked.
    text = read_by_doubt_alone(ABOUT_THE_LIST_MAYBE)
    session = replace(AFTER_A_LIST, tier="emergency", response="emergency")
    turn = prepare_turn(text, session)
    assert turn.safety.is_crisis and not turn.text_for_rasa.startswith("/safety_check")


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("are any of them open now? its gone midnight", True),
        ("do any of these cost money?", True),
        ("can i just walk in", True),
        ("he wont stop crying and nor will i", False),
        ("i took all my tablets", False),
        ("im so tired tonight", False),
    ],
)
def test_asks_about_services_reads_the_listed_words(text, asks):
    assert get_check_in().asks_about_services(text) is asks


# Only a worry about someone else that the model alone read carries who read it, so "How can I
# help them?" does not answer with asking about suicide (docs/safety.md, sixty-first session).
@pytest.mark.parametrize(
    ("text", "marked"),
    [
        (
            "im in bedworth. its my daughter shes had a baby 3 months ago and she just cries all "
            "the time, hardly eating, keeps saying shes useless. i dont want to interfere",
            True,
        ),
        ("my wife keeps saying she wants to die", False),
    ],
)
def test_a_worry_about_someone_else_says_when_only_the_model_read_it(text, marked):
    turn = prepare_turn(text, SessionSafety())
    assert turn.text_for_rasa.startswith('/safety_alert{"safety_tier": "urgent"')
    assert '"safety_response": "concern_for_other"' in turn.text_for_rasa
    assert ('"safety_read_by": "second_opinion"' in turn.text_for_rasa) is marked


# A request for services asked about carries that, with the audience it names, so "No" gets the
# list; a topic question carries its topic as before (README, sixty-first session).
@pytest.mark.parametrize(
    ("text", "held", "audience"),
    [
        (
            "is there anyone i can actually talk to in the evenings? once my little one is in "
            "bed thats when it all hits me",
            True,
            None,
        ),
        ("is there any support for dads in rugby", True, "dad-or-partner"),
        ("i feel so low since the baby", False, None),
    ],
)
def test_a_request_asked_about_carries_that_to_the_answer_after_no(text, held, audience):
    from cradle.content import HELD_REQUEST
    from cradle.safety import SafetyResult
    from cradle.turn import PreparedTurn, held_request, with_pending_topic

    assert (held_request(text) == HELD_REQUEST) is held
    asked = PreparedTurn(SafetyResult(), '/safety_check{"safety_response": "abuse"}')
    sent = with_pending_topic(asked, held_request(text) or "low-mood", text).text_for_rasa
    entities = json.loads(sent.removeprefix("/safety_check"))
    assert entities["pending_topic"] == (HELD_REQUEST if held else "low-mood")
    assert entities.get("audience") == audience
