"""Which listed service a parent's words name: the card answers a question about one service
under a list (the tenth user test), and everyday words never pick a card."""

from __future__ import annotations

import pytest

from cradle.catalogue.naming import (
    DADS,
    MUMS,
    asks_open,
    asks_wait,
    asks_who_for,
    name_phrases,
    named_in,
    numbered_in,
    numbers_in,
    speaks_of_the_list,
)
from cradle.replies import services_in_last_reply

LISTED = [
    ("NHS Talking Therapies (Coventry and Warwickshire)", "cw-talking-therapies"),
    ("Wellbeing for Warwickshire", "wellbeing-for-warwickshire"),
    ("PANDAS Foundation", "pandas-foundation"),
    ("Warwickshire Family Information Service", "warwickshire-fis"),
    ("Relate", "relate"),
    ("CALM helpline", "calm-helpline"),
    ("Men's Advice Line", "mens-advice-line"),
]


@pytest.mark.parametrize(
    ("text", "named"),
    [
        # The tenth user test's questions about one card.
        (
            "the talking therapies one - how do i contact them? is it a phone call or a form?",
            "cw-talking-therapies",
        ),
        (
            "what about PANDAS, theres no number on it. how do i get hold of them?",
            "pandas-foundation",
        ),
        (
            "can i ring wellbeing for warwickshire for a chat or is it only for emergencies",
            "wellbeing-for-warwickshire",
        ),
        (
            "the family information service, does that tell me about baby groups?",
            "warwickshire-fis",
        ),
        ("is the mens advice line only for abuse?", "mens-advice-line"),
        # Everyday words are not names.
        ("i can relate to that", None),
        ("how do i stay calm at night", None),
        ("my wellbeing is rubbish", None),
        ("any other support near me?", None),
        # Two named as fully as each other: the list answers it.
        ("is pandas better than talking therapies", None),
        # An everyday word that is a service's only own word, asked about as a service (the
        # fifteenth user test asked three times)...
        ("does relate cost money? we cant really afford much on mat pay", "relate"),
        ("ok. last thing is relate free or not", "relate"),
        ("is calm open at night", "calm-helpline"),
        ("what about calm?", "calm-helpline"),
        # ...but not when it is the everyday word
        ("the baby is calm now, thank god", None),
        ("i cant relate to other mums", None),
        ("he just doesnt relate to me anymore", None),
    ],
)
def test_a_service_is_named_by_its_own_words_not_by_everyday_ones(text, named):
    assert named_in(text, LISTED) == named


def test_a_name_inside_another_is_not_taken_for_it():
    listed = [("Warwickshire Wellbeing Hubs", "hubs"), ("Wellbeing for Warwickshire", "wfw")]
    assert named_in("are warwickshire wellbeing hubs open late", listed) == "hubs"
    assert name_phrases("Relate") == ()  # "I can relate" never names it


def _bot(services: list[str]) -> dict:
    return {"event": "bot", "data": {"custom": {"cradle": {"services": services}}}}


@pytest.mark.parametrize(
    ("events", "listed"),
    [
        # The bot's last turn listed services: their ids.
        (
            [{"event": "user"}, _bot(["a", "b"]), {"event": "action"}, {"event": "user"}],
            ["a", "b"],
        ),
        # A list two turns ago is not "just listed".
        ([_bot(["a"]), {"event": "user"}, {"event": "bot", "text": "hi"}, {"event": "user"}], []),
        # A bot event with no contract, or an odd one, lists nothing.
        ([{"event": "bot", "data": {"custom": "x"}}, {"event": "user"}], []),
        ([], []),
    ],
)
def test_the_services_in_the_last_reply_are_read_from_its_contract(events, listed):
    assert services_in_last_reply(events) == listed


@pytest.mark.parametrize(
    ("text", "opening", "the_list"),
    [
        # README, "Are any of them open now?" (fifty-seventh session).
        ("are any of them open now?", True, True),
        ("which ones are closed on sundays", True, True),
        ("what are their hours", True, True),
        ("whens calm open", True, False),
        # Who a service is for, or opening up to someone: not when it is open.
        ("are any of them open to dads", False, True),
        ("i find it hard to open up to them", False, True),
        ("do they have a number", False, True),
        ("she is so hard to settle", False, False),
    ],
)
def test_a_question_about_opening_and_about_the_list_is_read_from_its_words(
    text, opening, the_list
):
    assert asks_open(text) is opening
    assert speaks_of_the_list(text) is the_list


@pytest.mark.parametrize(
    ("text", "waiting"),
    [
        ("how long is the wait tho", True),
        ("is there a waiting list for talking therapies", True),
        ("whats the waiting time", True),
        ("how long will i have to wait to be seen", True),
        ("i cant wait to see her", False),
        ("waiting for him to get home", False),
    ],
)
def test_a_question_about_waiting_is_read_from_its_words(text, waiting):
    assert asks_wait(text) is waiting


@pytest.mark.parametrize(
    ("text", "who", "named"),
    [
        # README, "Is CALM ok for dads?" (fifty-eighth session): the twenty-fifth user test's dad.
        ("is CALM ok for dads", DADS, "calm-helpline"),
        ("can dads use relate", DADS, "relate"),
        ("is pandas ok for mums?", MUMS, "pandas-foundation"),
        ("is the mens advice line for women too", MUMS, "mens-advice-line"),
        # Whether others are left out, or no service named: not this question.
        ("is pandas just for mums", None, "pandas-foundation"),
        ("is there anything for dads", DADS, None),
        ("stay calm for the kids", None, None),
        ("is it for my partner", None, None),
    ],
)
def test_who_a_named_service_is_for_is_read_from_its_words(text, who, named):
    assert asks_who_for(text) == who
    assert named_in(text, [(name, i) for name, i in LISTED]) == named


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        # README, "a phone number in a question about a service" (sixtieth session).
        ("is the 0808 2000 247 one for men or not", ["08082000247"]),
        ("08082000247?", ["08082000247"]),
        ("is 0808-2000-247 free", ["08082000247"]),
        ("+44 808 2000 247 is that them", ["08082000247"]),
        ("can i text 85258 or ring 116 123", ["85258", "116123"]),
        # Ages, times, years, 999 and 111 are not read as numbers of a service.
        ("my baby is 2 weeks old and its 3am", []),
        ("since march 2026", []),
        ("should i call 999 or 111", []),
    ],
)
def test_phone_numbers_are_read_by_their_digits(text, numbers):
    assert numbers_in(text) == numbers


def test_a_number_names_one_service_or_none():
    lines = [("0808 2000 247", "ndah"), ("116 123", "samaritans"), ("85258", "shout")]
    assert numbered_in("is the 08082000247 one for men", lines) == "ndah"
    assert numbered_in("is 0121 496 0000 free", lines) is None
    assert numbered_in("is 116 123 better than 85258", lines) is None  # two: the list answers
