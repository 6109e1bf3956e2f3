"""The glossary answers parents' questions; SMS segments are counted GSM-7 aware."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.actions import ActionExplainTerm
from cradle.glossary import get_glossary
from cradle.responses import message
from cradle.sms import fold_to_gsm, format_reply, segments
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
        ("what is tokophobia", "tokophobia"),  # the fourth user test: "not in my list yet"
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


@pytest.mark.parametrize(
    ("text", "entity", "term"),
    [
        # The twenty-ninth user test's mum got what "perinatal" means (README, fifty-eighth
        # session): the longest name holding the word the NLU picked out.
        (
            "my friend said to ask about the perinatal team. what even is that",
            "perinatal",
            "perinatal mental health team",
        ),
        ("what does perinatal mean", "perinatal", "perinatal"),
        # A longer name that does not hold the word is not taken for it.
        ("what is CAMHS, my health visitor said it", "CAMHS", "CAMHS"),
    ],
)
async def test_the_bot_explains_the_longest_name_holding_the_word_asked(text, entity, term):
    t = tracker("ask_glossary")
    t.latest_message["text"] = text
    t.latest_message["entities"] = [{"entity": "term", "value": entity}]
    dispatcher = CollectingDispatcher()
    await ActionExplainTerm().run(dispatcher, t, {})
    assert texts(dispatcher) == [get_glossary().lookup(term).explanation]


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
    # The list is what was cut, by whole lines: each service left keeps its number.
    listed = [line for line in reply.text.split("\n") if line.startswith("- ")]
    assert 0 < len(listed) < 12
    assert all(line.endswith("any time") for line in listed)
    assert reply.payloads[2] == '/inform{"area": "Rugby"}'


def test_a_list_too_long_for_a_text_loses_whole_lines_and_keeps_the_one_open_now():
    from cradle.sms import MAX_REPLY_SEGMENTS, format_reply

    before = "No GP needed: adults can refer themselves to NHS Talking Therapies. " * 4
    services = "\n".join(
        [
            "- The first service with a rather long name indeed: call 0300 000 0001, opens 9am Mon",
            "- Another service with a long name for its area: call 0300 000 0002, opens 9am Mon",
            "- A helpline that answers at night: call 0800 000 0003, open 24/7",
        ]
    )
    reply = format_reply([{"text": before.strip()}, {"text": "These can help:\n" + services}])
    assert segments(reply.text) <= MAX_REPLY_SEGMENTS
    assert "..." not in reply.text
    assert "- A helpline that answers at night: call 0800 000 0003, open 24/7" in reply.text
    assert "- The first service with a rather long name indeed" in reply.text
    assert "Another service" not in reply.text


def test_crisis_text_first_and_whole_with_its_own_buttons():
    from cradle.sms import format_reply

    crisis = "Call 999 now if you or your baby are in danger. Samaritans 116 123, free, any time."
    reply = format_reply(
        [{"text": crisis, "buttons": [{"title": "Call 999", "payload": "tel:999"}]}],
        keep_first=True,
    )
    assert reply.text.startswith(crisis)
    assert reply.text.count(crisis) == 1


def test_the_first_notice_comes_after_the_reply_before_its_question_and_options():
    # README, "A new texter is told Cradle is automated".
    from cradle.responses import message
    from cradle.sms import format_reply

    notice = message("sms_first_notice")["text"]
    buttons = [{"title": "Tell me more", "payload": "/topic_more"}]
    reply = format_reply(
        [{"text": "Feeling low is common."}, {"text": "", "buttons": buttons}], notice=notice
    )
    assert reply.text == f"Feeling low is common.\n{notice}\nReply 1=Tell me more"
    assert reply.noticed
    asked = [{"text": "Call 999 now."}, {"text": "Are you safe right now?", "buttons": buttons}]
    reply = format_reply(asked, keep_first=True, notice=notice)
    assert reply.text == f"Call 999 now.\n{notice}\nAre you safe right now?\nReply 1=Tell me more"
    plain = format_reply([{"text": "Feeling low is common."}])
    assert "automated" not in plain.text and not plain.noticed


def test_the_first_notice_never_costs_the_reply_a_word():
    # A reply that fills the text keeps every word; the notice waits for the next reply.
    from cradle.responses import message
    from cradle.sms import MAX_REPLY_SEGMENTS, format_reply

    notice = message("sms_first_notice")["text"]
    services = "\n".join(f"- Service {i}: call 0800 000 00{i:02d} any time" for i in range(12))
    full = [{"text": "These can help:"}, {"text": services}]
    crisis = [{"text": "Call 999 now. " * 30}, {"text": "Are you safe right now?"}]
    for messages, first in ((full, False), (crisis, True)):
        reply = format_reply(messages, keep_first=first, notice=notice)
        assert reply == format_reply(messages, keep_first=first)
        assert not reply.noticed and segments(reply.text) <= MAX_REPLY_SEGMENTS


def _first_replies() -> list:
    from cradle.content import get_topic, topic_ids
    from cradle.replies import topic_messages
    from cradle.responses import SMS_CHANNEL, safety_message
    from cradle.safety.result import RESPONSES
    from cradle.sms import for_sms

    crisis = [
        pytest.param([safety_message(r, SMS_CHANNEL)], True, id=f"crisis-{r}")
        for r in sorted(r for r in RESPONSES if r)
    ]
    topics = [
        pytest.param(for_sms(topic_messages(get_topic(t), None))[:-1], False, id=f"topic-{t}")
        for t in topic_ids()
    ]
    return crisis + topics


@pytest.mark.parametrize(("messages", "crisis"), _first_replies())
def test_a_crisis_text_alone_and_every_topic_answer_have_room_for_the_notice(messages, crisis):
    from cradle.responses import message
    from cradle.sms import MAX_REPLY_SEGMENTS, format_reply

    notice = message("sms_first_notice")["text"]
    reply = format_reply(messages, keep_first=crisis, notice=notice)
    assert segments(reply.text) <= MAX_REPLY_SEGMENTS
    assert reply.noticed and notice in reply.text and "..." not in reply.text
    assert reply.text.startswith(fold_to_gsm(messages[0]["text"].strip())[:60])


def _card(service_id: str, open_now: bool = False, phones: bool = True) -> dict:
    return {
        "id": service_id,
        "name": service_id.title(),
        "url": f"https://{service_id}.example.org",
        "phones": [{"type": "voice", "number": "0300 000 0000"}] if phones else [],
        "opening": {"always_open": False, "open_now": open_now, "next_open_text": "9am Mon"},
    }


@pytest.mark.parametrize(
    ("cards", "listed"),
    [
        # Three fit; none open now and none of the rest either: the first three.
        ([_card("a"), _card("b"), _card("c"), _card("d")], ["a", "b", "c"]),
        # None of the first three can be reached now: the best one that can takes third place.
        ([_card("a"), _card("b"), _card("c"), _card("d", open_now=True)], ["a", "b", "d"]),
        # Open now but with no number to call is not "reachable now".
        ([_card("a"), _card("b"), _card("c"), _card("d", True, phones=False)], ["a", "b", "c"]),
        ([_card("a", open_now=True), _card("b"), _card("c"), _card("d", True)], ["a", "b", "c"]),
        ([_card("a")], ["a"]),
    ],
)
def test_a_text_lists_three_services_one_of_them_open_now(cards, listed):
    from cradle.sms import pick_for_sms

    assert [c["id"] for c in pick_for_sms(cards)] == listed


def test_a_reply_as_a_text_shows_no_heading_no_part_buttons_and_lists_the_services():
    from cradle.content import get_topic
    from cradle.sms import for_sms

    title = get_topic("low-mood").title
    buttons = [
        {"title": "Find support near me", "payload": "/affirm"},
        {"title": "What can help today", "payload": '/topic_more{"section": "help_today"}'},
        {"title": "Tell me more", "payload": '/topic_more{"section": "more"}'},
        {"title": "Where this comes from", "payload": '/topic_more{"section": "sources"}'},
    ]
    cards = [_card("a"), _card("b"), _card("c"), _card("d", open_now=True)]
    reply = [
        {"text": f"{title}\nA short answer.", "buttons": buttons},
        {"text": "These can help:"},
        {"text": "Was this helpful?"},
        {
            "custom": {
                "topic": "low-mood",
                "safety": "none",
                "services": ["a", "b", "c", "d"],
                "cards": cards,
                "cards_after": 2,
            }
        },
    ]
    sms = for_sms(reply)
    assert sms[0]["text"] == "A short answer."
    assert [b["title"] for b in sms[0]["buttons"]] == ["Find support near me", "Tell me more"]
    assert (
        sms[2]["text"] == "- A: call 0300 000 0000, opens 9am Mon\n- B: call 0300 000 0000, "
        "opens 9am Mon\n- D: call 0300 000 0000, open now"
    )
    assert sms[3]["text"] == "Was this helpful?"
    assert sms[-1]["custom"]["services"] == ["a", "b", "d"]  # what the parent was shown
    assert reply[0]["text"].startswith(title)  # the neutral reply itself is not changed


def test_a_text_keeps_every_other_button_and_a_heading_that_is_not_a_topics():
    from cradle.sms import for_sms

    reply = [
        {"text": "Which town or area?", "buttons": [{"title": "Rugby", "payload": "/inform"}]},
        {"custom": {"topic": None, "safety": "none", "services": [], "cards": []}},
    ]
    assert for_sms(reply) == reply


def sms_cost_lines(names: dict[str, list[str]]) -> str:
    """The cost answer by SMS: each line's SMS form with its names (cradle.replies.costs_of)."""
    from cradle.responses import SMS_CHANNEL

    keys = {"free": "services_cost_free", "low": "services_cost_low", None: "services_cost_unknown"}
    lines = [
        message(keys[cost], channel=SMS_CHANNEL, names=", ".join(n))["text"]
        for cost, n in names.items()
        if n
    ]
    return format_reply([{"text": line} for line in lines]).text


@pytest.mark.parametrize(
    ("names", "most"),
    [
        # Three names as most lists show them, one per line: one segment (README, "By text,
        # 'them' is the three services the text listed").
        (
            {
                "free": ["Samaritans"],
                "low": ["Relate"],
                None: ["Health visiting in Warwickshire"],
            },
            1,
        ),
        # The catalogue's three longest names on one line: two segments, whole.
        (
            {
                None: [
                    "Perinatal mental health team (Coventry and Warwickshire)",
                    "The Parenting Project counselling for parents (Rugby)",
                    "The Parenting Project (Stratford-on-Avon district)",
                ]
            },
            2,
        ),
    ],
)
def test_the_cost_answer_by_text_is_short_and_whole(names, most):
    text = sms_cost_lines(names)
    assert segments(text) <= most, text
    assert all(name in text for listed in names.values() for name in listed), text
