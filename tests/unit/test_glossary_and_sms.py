"""The glossary answers parents' questions; SMS segments are counted GSM-7 aware."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.actions import ActionExplainTerm
from cradle.glossary import get_glossary
from cradle.responses import message
from cradle.sms import fold_to_gsm, segments
from tests.unit.test_actions import texts, tracker

REQUIRED = [
    "perinatal",
    "postnatal depression",
    "attachment",
    "dyadic",
    "parent-infant",
    "health visitor",
    "perinatal mental health team",
    "Talking Therapies",
    "CAMHS",
    "kite mark",
    "family hub",
    "intrusive thoughts",
    "birth trauma",
    "safeguarding",
]


@pytest.mark.parametrize("term", REQUIRED)
def test_every_required_term_is_in_the_glossary(term):
    entry = get_glossary().lookup(term)
    assert entry is not None and entry.explanation and entry.parent_words


@pytest.mark.parametrize(
    ("question", "term"),
    [
        ("what does perinatal mean", "perinatal"),
        ("what is the perinatal mental health team", "perinatal mental health team"),
        ("whats PND", "postnatal depression"),
        ("what is camhs", "CAMHS"),
    ],
)
def test_the_longest_matching_term_wins(question, term):
    assert get_glossary().lookup(question).term == term


async def test_the_bot_answers_from_the_glossary():
    t = tracker("ask_glossary")
    t.latest_message["entities"] = [{"entity": "term", "value": "perinatal"}]
    dispatcher = CollectingDispatcher()
    await ActionExplainTerm().run(dispatcher, t, {})
    assert texts(dispatcher) == [get_glossary().lookup("perinatal").explanation]


async def test_an_unknown_term_gets_an_honest_answer():
    t = tracker("ask_glossary")
    t.latest_message["text"] = "what does zygomorphic mean"
    dispatcher = CollectingDispatcher()
    await ActionExplainTerm().run(dispatcher, t, {})
    assert texts(dispatcher) == [message("term_unknown")["text"]]


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("€" * 80, 1),
        ("€" * 81, 2),
        ("a" * 70 + "\U0001f49b", 2),
        ("\u00e9" * 160, 1),
        ("\u0101" * 70, 1),
        ("\u0101" * 71, 2),
    ],
)
def test_segments(text, count):
    assert segments(text) == count


def test_curly_quotes_and_dashes_fold_to_gsm():
    assert (
        fold_to_gsm("It\u2019s \u201cfine\u201d \u2013 really\u2026") == 'It\'s "fine" - really...'
    )


def test_the_signed_form_keeps_blank_fields_as_twilio_signed_them():
    from bot.channels.twilio_sms import signed_form

    form = signed_form(b"From=%2B447700900001&FromCity=&Body=hi+there&ToState=")
    assert form == {"From": "+447700900001", "FromCity": "", "Body": "hi there", "ToState": ""}


def test_a_long_list_is_shortened_but_the_question_and_its_options_stay_whole():
    from cradle.sms import MAX_REPLY_SEGMENTS, format_reply

    services = "\n".join(
        f"- Service number {i}: call 0800 000 00{i:02d} any time" for i in range(12)
    )
    question = "Which town or area are you in? I'll put local services first."
    buttons = [
        {"title": t, "payload": f'/inform{{"area": "{t}"}}'}
        for t in ("North Warwickshire", "Nuneaton and Bedworth", "Rugby", "Warwick", "Stratford")
    ] + [{"title": "Skip", "payload": "/deny"}]
    reply = format_reply(
        [{"text": "These can help:"}, {"text": services}, {"text": question, "buttons": buttons}]
    )
    assert segments(reply.text) <= MAX_REPLY_SEGMENTS
    assert question in reply.text
    assert reply.text.endswith("6=Skip")
    assert "..." in reply.text  # the list is what was cut
    assert reply.payloads[2] == '/inform{"area": "Rugby"}'


def test_crisis_text_first_and_whole_with_its_own_buttons():
    from cradle.sms import format_reply

    crisis = "Call 999 now if you or your baby are in danger. Samaritans 116 123, free, any time."
    reply = format_reply(
        [{"text": crisis, "buttons": [{"title": "Call 999", "payload": "tel:999"}]}],
        keep_first=True,
    )
    assert reply.text.startswith(crisis)
    assert reply.text.count(crisis) == 1
