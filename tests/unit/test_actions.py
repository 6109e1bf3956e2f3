"""Custom actions, run with rasa_sdk's own Tracker and CollectingDispatcher."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.actions import (
    ActionAboutCradle,
    ActionAnswerTopic,
    ActionExplainTerm,
    ActionFindServices,
    ActionHelpThem,
    ActionNotUnderstood,
    ActionTopicSection,
    dispatch,
)
from cradle.catalogue.hours import LONDON
from cradle.catalogue.kitemark import Schemes
from cradle.catalogue.store import SearchOutcome, ServiceResult
from cradle.content import (
    DADS_AUDIENCE,
    HELD_REQUEST,
    SECTION_KEYS,
    get_topic,
    intent_for_topic,
    topic_ids,
)
from cradle.content_admin import approve
from cradle.glossary import get_glossary
from cradle.operator import Operator, get_operator, load_operator
from cradle.paths import content_dir
from cradle.replies import (
    about_cradle_messages,
    feedback_given,
    openings_of,
    parts_shown_earlier,
    reminder_due,
)
from cradle.responses import SMS_CHANNEL, message
from cradle.service_filter import SERVICE_FILTER_FORM
from cradle.service_request import ABOUT_CRADLE, get_request_reader
from cradle.sms import MAX_REPLY_SEGMENTS, for_sms, format_reply, segments, short_links
from cradle.turn import assemble_reply, prepare_turn
from cradle.yamlio import ContentError
from tests.sent import as_rasa_sends

WHO_WHERE = ("area", "audience")


def tracker(intent: str = "greet", channel: str = "rest", **slots: Any) -> Tracker:
    # As Rasa fills them: an `inform` carries the place or audience its slots hold as entities.
    entities = [
        {"entity": k, "value": v} for k, v in slots.items() if intent == "inform" and k in WHO_WHERE
    ]
    latest = {"intent": {"name": intent, "confidence": 1.0}, "entities": entities, "text": "x"}
    events = [{"event": "user", "text": "x", "parse_data": latest, "input_channel": channel}]
    return Tracker("test-sender", slots, latest, events, False, None, {}, "action_listen")


def payloads(dispatcher: CollectingDispatcher) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for m in dispatcher.messages:
        if m.get("custom"):
            merged.update(m["custom"]["cradle"])
    return merged


def texts(dispatcher: CollectingDispatcher) -> list[str]:
    return [m["text"] for m in as_rasa_sends(dispatcher) if m.get("text")]


@pytest.mark.parametrize(
    ("crisis_reply", "topic"),
    [
        # "is there actually help for men with this?" right after the abuse reply (the thirtieth
        # user test's dad; README, fifty-ninth session): the abuse answer for dads.
        ("abuse", "domestic-abuse"),
        # A friend's abuse, another crisis, or none: the dads topic as before.
        ("abuse_for_other", "dads"),
        ("urgent", "dads"),
        (None, "dads"),
    ],
)
async def test_help_for_men_after_the_abuse_reply_is_the_abuse_answer_for_dads(crisis_reply, topic):
    dispatcher = CollectingDispatcher()
    slots = {"safety_tier": "urgent", "safety_response": crisis_reply} if crisis_reply else {}
    await ActionAnswerTopic().run(dispatcher, tracker("ask_dads", **slots), {})
    assert payloads(dispatcher)["topic"] == topic
    said = " ".join(texts(dispatcher))
    assert ("Men's Advice Line" in said) == (topic == "domestic-abuse"), said
    assert "National Domestic Abuse Helpline, 24/7" not in said.split("Feeling unsafe at home")[-1]


async def test_answer_topic_sends_the_file_and_sets_the_topic():
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerTopic().run(dispatcher, tracker("ask_bonding"), {})
    assert events == [
        {"event": "slot", "timestamp": None, "name": "topic", "value": "bonding"},
        {"event": "slot", "timestamp": None, "name": "topic_seen", "value": []},
        {"event": "slot", "timestamp": None, "name": "helping", "value": False},
    ]
    assert payloads(dispatcher) == {"topic": "bonding"}
    assert texts(dispatcher)[0].startswith("Bonding with your baby")


def as_sms(dispatcher: CollectingDispatcher) -> list[dict[str, Any]]:
    """The action's channel-neutral messages as the SMS channel shows them."""
    return for_sms(assemble_reply(prepare_turn("x"), as_rasa_sends(dispatcher, "twilio")))


async def test_answer_topic_uses_dads_wording_for_a_dad_on_sms():
    dispatcher = CollectingDispatcher()
    await ActionAnswerTopic().run(
        dispatcher, tracker("ask_sleep_and_exhaustion", "twilio", audience="i'm a dad"), {}
    )
    sms = as_sms(dispatcher)
    assert [m["text"] for m in sms[:-1]] == [
        " ".join(get_topic("sleep-and-exhaustion").meta["sms_dads"].split()),
    ]
    # By text, two numbered choices keep the reply to one or two segments.
    assert [b["title"] for b in sms[0]["buttons"]] == ["Find support near me", "Tell me more"]
    assert sms[0]["text"].startswith("Broken sleep hits dads and partners too.")


async def test_after_a_crisis_the_bot_checks_in_before_ordinary_topics():
    dispatcher = CollectingDispatcher()
    await ActionAnswerTopic().run(dispatcher, tracker("ask_bonding", safety_tier="urgent"), {})
    assert texts(dispatcher)[0] == message("safety_reminder")["text"]
    assert texts(dispatcher)[1].startswith("Bonding with your baby")


@pytest.mark.parametrize(
    ("intent", "slots", "about", "first_line"),
    [
        # Whatever topic the NLU read, her words name the fear: its own first answer.
        ("ask_birth_experience", {}, None, "Scared of giving birth"),
        ("ask_anxiety", {}, None, "Scared of giving birth"),
        # Written for whoever asks: a partner or friend (the fifth user test's own fear was read
        # as a friend's), and a dad.
        ("ask_birth_experience", {}, "someone_else", "Scared of giving birth"),
        ("ask_birth_experience", {"audience": "dad-or-partner"}, None, "Scared of giving birth"),
    ],
)
async def test_fear_of_birth_in_the_parents_words_gets_its_own_first_answer(
    intent, slots, about, first_line
):
    asked = tracker(intent, **slots)
    asked.latest_message["text"] = "im terrified of giving birth"
    if about:
        asked.latest_message["cradle_about"] = about
    dispatcher = CollectingDispatcher()
    await ActionAnswerTopic().run(dispatcher, asked, {})
    assert texts(dispatcher)[0].split("\n")[0] == first_line


REMINDER = {"event": "bot", "text": message("safety_reminder")["text"]}
CRISIS = {"event": "action", "name": "utter_safety"}
TOPIC = {"event": "bot", "text": "Bonding with your baby"}
SAFE = {"event": "action", "name": "utter_safety_glad_safe"}
CLEARED = {"event": "action", "name": "action_check_cleared"}
NEED_HELP = {"event": "action", "name": "utter_safety_ways_now"}
HELP_CAME = {"event": "action", "name": "utter_safety_help_is_there"}


@pytest.mark.parametrize(
    ("events", "due"),
    [
        ([CRISIS, TOPIC], True),  # the first topic after crisis help
        # Said safe and reminded once: the dad in the fifth user test.
        ([CRISIS, SAFE, REMINDER, TOPIC], False),
        ([CRISIS, CLEARED, REMINDER, TOPIC], False),
        ([CRISIS, REMINDER, SAFE, TOPIC], False),
        ([CRISIS, HELP_CAME, REMINDER, TOPIC], False),  # "paramedics are here"
        # Never said safe: every topic answer (the mum in the twelfth user test).
        ([CRISIS, NEED_HELP, REMINDER, TOPIC], True),
        ([CRISIS, REMINDER, TOPIC, REMINDER, TOPIC], True),
        # A new crisis starts again, even after an earlier "I'm safe".
        ([CRISIS, SAFE, REMINDER, TOPIC, CRISIS], True),
        ([CRISIS, SAFE, REMINDER, TOPIC, CRISIS, REMINDER], True),
        ([], True),  # a flag with no crisis reply in sight: remind
    ],
)
def test_the_reminder_comes_until_the_writer_has_said_they_are_safe(events, due):
    assert reminder_due(events) is due


def _topic(value: str | None) -> dict[str, Any]:
    return {"event": "slot", "name": "topic", "value": value}


def _said(intent: str) -> dict[str, Any]:
    return {"event": "user", "parse_data": {"intent": {"name": intent}}}


@pytest.mark.parametrize(
    ("events", "topic", "given"),
    [
        ([_topic("low-mood"), _said("feedback")], "low-mood", True),  # "No", then the same list
        ([_topic("low-mood"), _said("feedback")], "sleep-and-exhaustion", False),  # a new topic
        ([_topic("low-mood"), _said("ask_low_mood")], "low-mood", False),  # never answered
        ([_said("feedback"), _topic("low-mood")], "low-mood", False),  # answered about none
        ([_said("feedback")], None, True),  # a list with no topic, answered
        ([_topic("low-mood"), _said("feedback"), {"event": "restart"}], "low-mood", False),
    ],
)
def test_was_this_helpful_is_asked_once_per_topic(events, topic, given):
    assert feedback_given(events, topic) is given


@pytest.mark.parametrize(
    ("before", "reminded"),
    [([CRISIS, SAFE, REMINDER, TOPIC], False), ([CRISIS, NEED_HELP, REMINDER, TOPIC], True)],
)
async def test_a_second_topic_after_a_crisis_is_reminded_only_until_safe_was_said(before, reminded):
    dispatcher = CollectingDispatcher()
    answered = tracker("ask_bonding", safety_tier="urgent")
    answered.events[:0] = before
    await ActionAnswerTopic().run(dispatcher, answered, {})
    said = texts(dispatcher)
    assert (said[0] == message("safety_reminder")["text"]) is reminded
    assert said[int(reminded)].startswith("Bonding with your baby")


@pytest.mark.parametrize(
    ("status", "serve_drafts", "shown"),
    [
        ("draft", "1", True),
        ("draft", "0", False),  # production until the panel approves
        ("approved", "0", True),
        ("approved", "1", True),
    ],
)
async def test_a_topic_is_shown_when_approved_or_when_drafts_are_served(
    tmp_path, monkeypatch, status, serve_drafts, shown
):
    # A copy of the content with the status set here, so the rule is tested whatever the
    # shipped files say today (the panel will approve them one by one).
    content = tmp_path / "content"
    shutil.copytree(content_dir(), content)
    path = content / "topics" / "anxiety.md"
    path.write_text(re.sub(r"(?m)^status: \w+$", "status: draft", path.read_text()))
    if status == "approved":
        approve(path, "parent", "Read by the parents' panel", dt.date(2026, 11, 22))
    monkeypatch.setenv("CRADLE_CONTENT_DIR", str(content))
    monkeypatch.setenv("CRADLE_SERVE_DRAFTS", serve_drafts)
    for action, intent in (
        (ActionAnswerTopic(), "ask_anxiety"),
        (ActionTopicSection(), "topic_more"),
    ):
        dispatcher = CollectingDispatcher()
        await action.run(dispatcher, tracker(intent, topic="anxiety", topic_seen=[]), {})
        if shown:  # the first answer, or the first section on "Tell me more"
            assert "worry" in texts(dispatcher)[0].lower()
        else:  # signposted instead
            assert texts(dispatcher) == [
                message("services_none")["text"],
                message("offer_local_support")["text"],
            ]


# Lists are ranked by the hour (open now first at night): a weekday noon, so a case reads the
# same whenever the suite runs (a CI run after 9pm put CALM before SaturDads).
WEEKDAY_NOON = dt.datetime(2026, 11, 23, 12, 0, tzinfo=LONDON)


class _FindAtNoon(ActionFindServices):
    def _search(self, request: Any) -> SearchOutcome:
        return self._open().search(dataclasses.replace(request.query, when=WEEKDAY_NOON))


@pytest.fixture()
def find(real_catalogue) -> ActionFindServices:
    action = _FindAtNoon()
    action._catalogue = real_catalogue
    return action


async def test_find_services_starts_the_form_to_ask_where_when_unknown(find):
    dispatcher = CollectingDispatcher()
    events = await find.run(dispatcher, tracker("affirm", topic="low-mood"), {})
    # The form asks (action_ask_area); nothing is searched before the place is known.
    assert events == [
        {"event": "slot", "timestamp": None, "name": "services_shown", "value": False},
        {"event": "slot", "timestamp": None, "name": "area_tries", "value": 0},
        {"event": "active_loop", "timestamp": None, "name": "service_filter_form"},
    ]
    assert dispatcher.messages == []


async def test_find_services_signposts_listed_services_and_says_what_they_are(find):
    dispatcher = CollectingDispatcher()
    await find.run(dispatcher, tracker("inform", topic="domestic-abuse", area="CV21"), {})
    data = payloads(dispatcher)
    # Refuge's Warwickshire service covers Rugby; the national helpline (24/7) is also offered.
    # Their order depends on the hour (open-now first at night), so it is not asserted here.
    assert {"refuge-warwickshire", "national-domestic-abuse-helpline"} <= set(data["services"])
    assert data["gap"] is True  # county-wide only: no domestic abuse service just for Rugby
    # The sample catalogue is not a kite mark, and nothing the parent reads says it is.
    assert all(card["kitemark"]["status"] == "listed" for card in data["cards"])
    assert all(not card["kitemark"]["real"] for card in data["cards"])
    intro = texts(dispatcher)[0]
    assert "not yet quality-checked" in intro and "kite-marked" not in intro


async def test_find_services_for_a_dad_prefers_dads_services(find):
    dispatcher = CollectingDispatcher()
    await find.run(
        dispatcher,
        tracker("inform", topic="domestic-abuse", area="rugby", audience="dad-or-partner"),
        {},
    )
    data = payloads(dispatcher)
    services = data["services"]
    # The dads' line leads the services that are open (or closed) like it: at night, lines open
    # now come first (tests/unit/test_ranking.py), so e.g. NHS 111 may come before it after 9pm.
    # The helpline for women is not offered to a dad.
    open_now = {c["id"]: c["opening"]["open_now"] for c in data["cards"]}
    alike = [s for s in services if open_now[s] == open_now["mens-advice-line"]]
    assert alike[0] == "mens-advice-line"
    assert "national-domestic-abuse-helpline" not in services


@pytest.mark.parametrize("area", ["x' OR 1=1", "Narnia", "'; DROP TABLE services; --"])
async def test_find_services_refuses_unknown_places_and_forgets_them(find, area):
    dispatcher = CollectingDispatcher()
    events = await find.run(dispatcher, tracker("inform", topic="low-mood", area=area), {})
    assert {"event": "slot", "timestamp": None, "name": "area", "value": None} in events
    assert texts(dispatcher)[0] == message("area_unknown")["text"]
    assert all(
        s in ("county", "national") for s in (c["scope"] for c in payloads(dispatcher)["cards"])
    )


@pytest.mark.parametrize(
    ("area", "topic", "scopes", "intro"),
    [
        ("Birmingham", "low-mood", {"national"}, "These are national, so they can help wherever"),
        # Coventry and Warwickshire's NHS services reach Coventry too (the fifteenth user test)
        ("Coventry", "low-mood", {"county", "national"}, "These cover Coventry or the whole"),
        # ...but none of them is for abuse: not told "some of them cover Coventry too"
        ("Coventry", "domestic-abuse", {"national"}, "These are national, so they can help"),
    ],
)
async def test_find_services_outside_the_county_offers_what_reaches_it(
    find, area, topic, scopes, intro
):
    dispatcher = CollectingDispatcher()
    await find.run(dispatcher, tracker("inform", topic=topic, area=area), {})
    assert f"{area} has its own" in texts(dispatcher)[0]
    reaching = "some of them cover" in texts(dispatcher)[0]
    assert reaching == ("county" in scopes)
    assert {c["scope"] for c in payloads(dispatcher)["cards"]} == scopes
    # ...and the list's introduction says so, not "These cover all of Warwickshire" (user test).
    assert texts(dispatcher)[1].startswith(intro)
    assert "Warwickshire" not in texts(dispatcher)[1]


@pytest.mark.parametrize(
    ("text", "note", "scopes"),
    [
        ("groups near me, I live in B15 Birmingham", "Birmingham has its own", {"national"}),
        ("anything for dads in coventry?", "Coventry has its own", {"county", "national"}),
    ],
)
async def test_a_request_naming_a_place_outside_gets_its_note_and_what_reaches_it(
    find, text, note, scopes
):
    dispatcher = CollectingDispatcher()
    events = await find.run(dispatcher, asked(text, "find_services"), {})
    assert texts(dispatcher)[0].startswith(note)
    assert {c["scope"] for c in payloads(dispatcher)["cards"]} == scopes
    assert {"event": "slot", "timestamp": None, "name": "area", "value": None} in events
    assert SERVICE_FILTER_FORM not in str(events)  # not asked where again


async def test_a_group_with_no_service_of_its_own_is_told_so_before_the_list(find):
    # The seventh user test: asked twice for an LGBT parents' group, the same list, no "none".
    dispatcher = CollectingDispatcher()
    await find.run(
        dispatcher, asked("is there a group for lgbt parents in rugby", "find_services"), {}
    )
    said = texts(dispatcher)
    assert said[0] == message("services_group_none", who="LGBTQ+ parents")["text"]
    assert payloads(dispatcher)["services"]  # services for all parents still follow


async def test_a_service_that_names_the_group_is_not_called_missing(find):
    # Galop's helpline names LGBT+ people: a request its list includes gets no "none" line.
    dispatcher = CollectingDispatcher()
    text = "lgbt domestic abuse helpline"
    await find.run(dispatcher, asked(text, "find_services", topic="domestic-abuse"), {})
    assert "galop" in payloads(dispatcher)["services"]
    assert not any("just for LGBTQ+" in t for t in texts(dispatcher))


async def test_services_are_cards_and_only_a_text_lists_them(find):
    # The web chat shows the contract's cards; a text list as well would repeat every service.
    dispatcher = CollectingDispatcher()
    await find.run(dispatcher, tracker("inform", topic="low-mood", area="rugby"), {})
    cards = payloads(dispatcher)["cards"]
    assert cards and payloads(dispatcher)["services"] == [c["id"] for c in cards]
    assert not any(c["name"] in "\n".join(texts(dispatcher)) for c in cards)
    # By SMS, which has no cards: three of them, one line each, by name, before the question.
    sms = as_sms(dispatcher)
    listed = sms[-1]["custom"]["cards"]
    assert len(listed) == min(3, len(cards)) and sms[-1]["custom"]["services"] == [
        c["id"] for c in listed
    ]
    said = "\n".join(m.get("text", "") for m in sms[:-1])
    assert all(f"- {c['name']}" in said for c in listed)
    assert sms[-2]["text"] == "Was this helpful?"


async def test_without_a_catalogue_the_bot_falls_back_to_national_lines(tmp_path, monkeypatch):
    monkeypatch.setenv("CRADLE_CATALOGUE", str(tmp_path / "missing.db"))
    dispatcher = CollectingDispatcher()
    await ActionFindServices().run(
        dispatcher, tracker("inform", topic="low-mood", area="rugby"), {}
    )
    assert texts(dispatcher) == [message("catalogue_unavailable")["text"]]
    assert payloads(dispatcher)["services"] == ["samaritans", "shout", "nhs-111-mental-health"]


async def test_a_locked_or_corrupt_catalogue_also_falls_back(tmp_path, monkeypatch):
    broken = tmp_path / "catalogue.db"
    broken.write_bytes(b"this is not a database")
    monkeypatch.setenv("CRADLE_CATALOGUE", str(broken))
    dispatcher = CollectingDispatcher()
    await ActionFindServices().run(
        dispatcher, tracker("inform", topic="low-mood", area="rugby"), {}
    )
    assert texts(dispatcher) == [message("catalogue_unavailable")["text"]]


# --- progressive answers: short first, then one part at a time (issue 12, point 1) ---


def words(text: str) -> int:
    return len(text.split())


def heading(dispatcher: CollectingDispatcher) -> str:
    """The first paragraph (Rasa's output channel sends each paragraph as its own message)."""
    return texts(dispatcher)[0].split("\n\n")[0]


def buttons(dispatcher: CollectingDispatcher) -> list[dict[str, str]]:
    return [b for m in as_rasa_sends(dispatcher) for b in m.get("buttons") or []]


@pytest.mark.parametrize("audience", [None, "dad"])
@pytest.mark.parametrize("intent", [intent_for_topic(t) for t in topic_ids()])
async def test_a_topic_first_reply_is_short_with_next_steps(intent, audience):
    dispatcher = CollectingDispatcher()
    await ActionAnswerTopic().run(dispatcher, tracker(intent, audience=audience), {})
    assert words(" ".join(texts(dispatcher))) <= 60
    titles = [b["title"] for b in buttons(dispatcher)]
    assert titles[0] == "Find support near me" and "Tell me more" in titles
    # its own command, so that pressed later it still finds support (not "yes")
    assert buttons(dispatcher)[0]["payload"] == "/find_services"
    assert "What can help today" in titles and "Where this comes from" in titles
    # The leaflet is not sent: no headings of the longer sections in the first reply.
    assert "When to get help\n" not in "\n".join(texts(dispatcher))


async def test_the_dads_section_is_for_dads_or_on_request():
    anyone = CollectingDispatcher()
    await ActionAnswerTopic().run(anyone, tracker("ask_low_mood"), {})
    assert "For dads and partners" in [b["title"] for b in buttons(anyone)]
    # A mum who said so is not offered it by name; it stays the last "Tell me more".
    mum = CollectingDispatcher()
    await ActionAnswerTopic().run(mum, tracker("ask_low_mood", audience="mum"), {})
    assert "For dads and partners" not in [b["title"] for b in buttons(mum)]
    assert get_topic("low-mood").more_order("mum")[-1] == "dads"
    dad = CollectingDispatcher()
    await ActionTopicSection().run(
        dad, tracker("topic_more", topic="low-mood", audience="dad", topic_seen=[]), {}
    )
    assert heading(dad) == "For dads and partners"


async def test_the_service_a_line_names_is_looked_up_and_leads_when_the_list_lacks_it(find):
    # The twenty-first user test: a parenting course under the crying-baby topic, whose list is
    # Samaritans alone, named the Family Information Service and showed no card of it.
    dispatcher = CollectingDispatcher()
    text = "is there a parenting course near warwick"
    await find.run(dispatcher, asked(text, "find_services", topic="crying-baby"), {})
    listed = payloads(dispatcher)["services"]
    assert listed[0] == "warwickshire-fis" and "samaritans" in listed
    assert message("services_parenting_none")["text"] in texts(dispatcher)


@pytest.mark.parametrize(
    ("text", "mum"),
    [
        ("hi im 30 weeks pregnant and my anxiety is getting so much worse", True),
        ("I\u2019m pregnant with my second and I feel so low", True),
        ("im 12 wks gone and cant stop worrying", True),
        ("ever since i gave birth i just feel numb", True),
        ("i had an emergency c-section and i cant bond with her", True),
        ("im breastfeeding and so tired i could cry", True),
        ("my partner is 30 weeks pregnant and im so anxious", False),
        ("my wife gave birth a month ago and she cries all day", False),
        ("we're pregnant and im scared", False),
        ("im not pregnant but i feel awful", False),
        ("am i pregnant? i feel so low", False),
        # "I'm" left out at the start (README, fifty-sixth session).
        ("8 months pregnant and exhausted all the time", True),
        ("34 wks pregnant, cant sleep and feel so low", True),
        ("hi, pregnant and so tired i could cry", True),
        ("pregnant? how would i know, i feel so low", False),
        ("pregnant women get low too, my wife is struggling", False),
        ("my wife is 8 months pregnant and i feel so low", False),
    ],
)
async def test_a_writer_who_says_she_is_pregnant_or_gave_birth_is_the_mum(text, mum):
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerTopic().run(dispatcher, asked(text, "ask_low_mood"), {})
    titles = [b["title"] for b in buttons(dispatcher)]
    assert ("For dads and partners" not in titles) is mum
    # Kept for the conversation, as "I'm a mum" is; a partner stays unknown until they say.
    assert slots_set(events).get("audience") == ("mum" if mum else None)


async def test_an_audience_already_said_is_kept_over_her_words():
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerTopic().run(
        dispatcher, asked("im her partner and im pregnant too", "ask_low_mood", audience="dad"), {}
    )
    assert "audience" not in slots_set(events)
    assert "For dads and partners" not in [b["title"] for b in buttons(dispatcher)]  # a dad's first


async def test_a_pregnant_writers_list_puts_services_for_mums_first(find):
    dispatcher = CollectingDispatcher()
    text = "im 30 weeks pregnant, is there any support in rugby"
    events = await find.run(dispatcher, asked(text, "find_services", topic="low-mood"), {})
    assert slots_set(events)["audience"] == "mum"
    assert payloads(dispatcher)["audience"] == "mum"  # the search was made for a mum


def section_tracker(section: str | None, **slots: Any) -> Tracker:
    entities = [{"entity": "section", "value": section}] if section is not None else []
    latest = {"intent": {"name": "topic_more", "confidence": 1.0}, "entities": entities}
    events = [{"event": "user", "text": "x", "parse_data": latest, "input_channel": "rest"}]
    return Tracker("s", slots, latest, events, False, None, {}, "action_listen")


async def test_each_part_comes_once_then_tell_me_more_walks_the_rest():
    seen: list[str] = []
    shown_headings = []
    for _ in range(8):
        dispatcher = CollectingDispatcher()
        events = await ActionTopicSection().run(
            dispatcher, section_tracker("more", topic="anxiety", topic_seen=seen), {}
        )
        seen = events[0]["value"]
        shown_headings.append(heading(dispatcher))
    topic = get_topic("anxiety")
    others = ("For dads and partners", "For family and friends")
    expected = [s.heading for s in topic.sections if s.heading not in others]
    assert shown_headings[: len(expected)] == expected
    assert "For family and friends" not in shown_headings  # a parent is not sent the helper's
    # When every section has been shown, "more" gives the sources, and the buttons stop
    # offering "Tell me more".
    assert "Where this comes from" in shown_headings
    assert "Tell me more" not in [b["title"] for b in buttons(dispatcher)]


async def test_a_named_part_is_shown_from_the_content_file():
    dispatcher = CollectingDispatcher()
    await ActionTopicSection().run(
        dispatcher, section_tracker("when_to_get_help", topic="low-mood", topic_seen=[]), {}
    )
    section = get_topic("low-mood").section("When to get help")
    assert texts(dispatcher)[0] == f"When to get help\n\n{section.text}"


@pytest.mark.parametrize(
    "section", ["<script>", "'; DROP TABLE x", "", "x" * 5000], ids=["html", "sql", "empty", "long"]
)
async def test_a_hostile_section_value_is_treated_as_more(section):
    dispatcher = CollectingDispatcher()
    events = await ActionTopicSection().run(
        dispatcher, section_tracker(section, topic="bonding", topic_seen=["about"]), {}
    )
    assert events[0]["value"] == ["about", "not_alone"]
    assert heading(dispatcher) == "You're not alone"


async def test_tell_me_more_without_a_topic_asks_what_about():
    dispatcher = CollectingDispatcher()
    assert await ActionTopicSection().run(dispatcher, section_tracker("more"), {}) == []
    assert texts(dispatcher) == [message("more_no_topic")["text"]]


# --- say what the parent asked for: a request for services gets services (issue 12, point 2) ---


def asked(text: str, intent: str, ranking: dict[str, float] | None = None, **slots: Any) -> Tracker:
    ranked = [{"name": n, "confidence": c} for n, c in (ranking or {intent: 1.0}).items()]
    latest = {
        "intent": {"name": intent, "confidence": ranked[0]["confidence"]},
        "intent_ranking": ranked,
        "entities": [],
        "text": text,
    }
    events = [{"event": "user", "text": text, "parse_data": latest, "input_channel": "rest"}]
    return Tracker("asker", slots, latest, events, False, None, {}, "action_listen")


def slots_set(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


async def test_groups_for_dads_in_a_town_get_local_dads_services_not_the_leaflet(find):
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerTopic(find).run(
        dispatcher, asked("are there any groups for dads in rugby", "ask_dads"), {}
    )
    data = payloads(dispatcher)
    assert "saturdads-rugby" in data["services"]
    assert slots_set(events) == {
        "topic": "dads",
        "topic_seen": [],
        "area": "rugby",
        "audience": "dad-or-partner",
    }
    assert not any(t.startswith("Dads and partners") for t in texts(dispatcher))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The fourth user test: after a sleep answer, "a dads group in rugby" got "I couldn't
        # find a service just for Rugby". What the request names wins over the earlier topic.
        ("what about a dads group in rugby", "saturdads-rugby"),
        ("support for domestic abuse in nuneaton", "refuge-warwickshire"),
    ],
)
async def test_a_request_that_names_a_need_wins_over_the_topic_before(find, text, expected):
    dispatcher = CollectingDispatcher()
    await find.run(dispatcher, asked(text, "find_services", topic="sleep-and-exhaustion"), {})
    assert expected in payloads(dispatcher)["services"]


async def test_support_for_a_need_in_a_town_gets_that_need(find):
    dispatcher = CollectingDispatcher()
    await find.run(
        dispatcher,
        asked(
            "support for domestic abuse in nuneaton",
            "find_services",
            {"find_services": 0.6, "ask_domestic_abuse": 0.3},
        ),
        {},
    )
    services = payloads(dispatcher)["services"]
    assert "refuge-warwickshire" in services
    assert all(
        "domestic-abuse" in c["needs"] for c in payloads(dispatcher)["cards"][:-1]
    )  # the last may be a line reachable now


async def test_who_can_i_text_gets_text_services_now_and_the_form_to_narrow(find):
    dispatcher = CollectingDispatcher()
    events = await find.run(
        dispatcher, asked("who can I text for help at night", "find_services"), {}
    )
    cards = payloads(dispatcher)["cards"]
    assert cards and any(p["type"] == "text" for p in cards[0]["phones"])
    assert slots_set(events)["services_shown"] is True
    assert {"event": "active_loop", "timestamp": None, "name": "service_filter_form"} in events
    assert message("ask_feedback")["text"] not in texts(dispatcher)  # the form asks instead


async def test_whatever_words_the_nlu_reads_as_a_request_get_services_at_once(find):
    # No words of the request reader's list ("any ... near me", "groups"): the NLU's reading
    # is enough; county-wide services now, then the question to narrow them.
    dispatcher = CollectingDispatcher()
    events = await find.run(
        dispatcher, asked("who could i talk to round here", "find_services"), {}
    )
    assert payloads(dispatcher)["services"]
    assert slots_set(events)["services_shown"] is True


@pytest.mark.parametrize("intent", ["out_of_scope", "nlu_fallback"])
async def test_a_request_the_nlu_could_not_place_still_gets_services(find, intent):
    dispatcher = CollectingDispatcher()
    events = await ActionNotUnderstood(find).run(
        dispatcher, asked("anything for new mums round southam?", intent), {}
    )
    assert payloads(dispatcher)["services"]
    assert slots_set(events)["area"] == "stratford-on-avon"  # Southam's district


@pytest.mark.parametrize(
    ("intent", "line"),
    [("out_of_scope", "utter_out_of_scope"), ("nlu_fallback", "utter_please_rephrase")],
)
async def test_anything_else_the_nlu_could_not_place_gets_its_fixed_line(find, intent, line):
    dispatcher = CollectingDispatcher()
    events = await ActionNotUnderstood(find).run(
        dispatcher, asked("what time does the football start", intent), {}
    )
    assert events == []
    assert [m.get("response") for m in dispatcher.messages] == [line]


def after_an_answer(latest: Tracker) -> Tracker:
    """`latest`, typed after the bot's answer to an earlier message in the same session."""
    latest.events[:0] = [
        {"event": "session_started"},
        {"event": "user", "text": "feeling low", "parse_data": {}},
        {"event": "bot", "text": "Feeling low after a baby"},
        {"event": "action", "name": "action_listen"},
    ]
    return latest


@pytest.mark.parametrize(
    ("text", "first", "said"),
    [
        # The twenty-fourth user test's mum was told "Sorry, I can't help with that" (README,
        # fifty-fourth session): welcomed, first in a session with the greeting.
        ("hi. sorry its late. i have a 5 week old", True, "utter_greet"),
        ("hi. sorry its late. i have a 5 week old", False, "utter_welcome_told"),
        ("evening. new mum here x", True, "utter_greet"),
        ("sorry to bother you, my baby is 3 weeks old", False, "utter_welcome_told"),
        # Anything more than that keeps the off-topic line.
        ("what's the weather tomorrow", True, "utter_out_of_scope"),
        ("i have a 5 week old, whats the weather like tomorrow", True, "utter_out_of_scope"),
        ("i have a 5 week old. is it ok to go to the pub?", False, "utter_out_of_scope"),
    ],
)
async def test_a_hello_or_who_the_writer_is_is_welcomed_not_turned_away(find, text, first, said):
    dispatcher = CollectingDispatcher()
    latest = asked(text, "out_of_scope")
    await ActionNotUnderstood(find).run(
        dispatcher, latest if first else after_an_answer(latest), {}
    )
    assert [m.get("response") for m in dispatcher.messages] == [said]


@pytest.mark.parametrize(
    ("text", "intent", "first", "said"),
    [
        # The twenty-fifth user test's Rugby dad got the dads topic and no hello back (README,
        # fifty-sixth session).
        ("hi. im a dad, my baby is 2 weeks old", "ask_dads", True, "utter_greet"),
        ("hi. im a dad, my baby is 2 weeks old", "ask_dads", False, "utter_welcome_told"),
        ("hello, im the mum of a 3 week old", "ask_bonding", True, None),  # "of a 3 week old"
        ("evening, im his dad", "ask_dads", True, "utter_greet"),
        # Anything more keeps the topic's answer.
        ("hi im a dad and im struggling", "ask_dads", True, None),
        ("hi, my baby is 2 weeks old and wont stop crying", "ask_crying_baby", True, None),
        ("hi im a dad, is there anything for dads?", "ask_dads", True, None),
    ],
)
async def test_a_hello_with_who_the_writer_is_read_as_a_topic_is_welcomed(
    find, text, intent, first, said
):
    dispatcher = CollectingDispatcher()
    latest = asked(text, intent)
    await ActionAnswerTopic(find).run(dispatcher, latest if first else after_an_answer(latest), {})
    responses = [m.get("response") for m in dispatcher.messages]
    if said:
        assert responses == [said]
    else:
        assert "utter_greet" not in responses and "utter_welcome_told" not in responses
        assert texts(dispatcher)  # the topic's answer


@pytest.mark.parametrize("intent", ["out_of_scope", "nlu_fallback"])
async def test_a_worry_with_its_own_answer_is_answered_whatever_the_nlu_could_not_place(
    find, intent
):
    # The ninth user test: read as off-topic, and told what Cradle can help with.
    dispatcher = CollectingDispatcher()
    text = "any way to get a same day GP appointment? or should I just ring 111"
    await ActionNotUnderstood(find).run(dispatcher, asked(text, intent), {})
    assert texts(dispatcher)[0].split("\n")[0] == "Other ways to get help"


def under_a_list(text: str, intent: str, **slots: Any) -> Tracker:
    """`text`, read as `intent`, typed right under a list of services for Nuneaton."""
    latest = {"intent": {"name": intent, "confidence": 0.4}, "entities": [], "text": text}
    listed = {"custom": {"cradle": {"services": ["samaritans"]}}}
    events = [
        {"event": "user", "text": "services in nuneaton please", "parse_data": latest},
        {"event": "action", "name": "action_find_services"},
        {"event": "bot", "text": "These can help", "data": listed},
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": text, "parse_data": latest},
    ]
    return Tracker("asker", slots, latest, events, False, None, {}, "action_listen")


@pytest.mark.parametrize("intent", ["nlu_fallback", "out_of_scope", "inform"])
async def test_a_place_outside_named_under_a_list_gets_its_answer_and_national_lines(find, intent):
    # The fifteenth user test's council officer: "What about a mum in Banbury?" after
    # Nuneaton's list was "Sorry, I didn't quite understand".
    dispatcher = CollectingDispatcher()
    tracker = under_a_list("What about a mum in Banbury?", intent, area="nuneaton-and-bedworth")
    action = find if intent == "inform" else ActionNotUnderstood(find)
    events = await action.run(dispatcher, tracker, {})
    assert texts(dispatcher)[0].startswith("That is outside Warwickshire")
    assert {c["scope"] for c in payloads(dispatcher)["cards"]} == {"national"}
    assert slots_set(events)["area"] is None  # never kept: the next list is Warwickshire's again


async def test_a_place_named_with_no_list_before_it_is_not_a_request(find):
    dispatcher = CollectingDispatcher()
    await ActionNotUnderstood(find).run(
        dispatcher, asked("my mum lives in banbury", "nlu_fallback"), {}
    )
    assert [m.get("response") for m in dispatcher.messages] == ["utter_please_rephrase"]


UNSURE = {"nlu_fallback": 0.3, "ask_asking_for_help": 0.25, "ask_low_mood": 0.25}


@pytest.mark.parametrize(
    ("text", "ranking", "first_line"),
    [
        # The fifth user test's grandmother: two topics guessed, so both are offered.
        ("my daughter is struggling after having a baby, how can i support her", UNSURE, None),
        # A focus in the words is answered whatever the guesses.
        ("so anxious about being induced next week", UNSURE, "Scared of giving birth"),
        # Too short to have meant a topic, or a guess that is not two topics: say it another way.
        ("asdfghjkl", UNSURE, "utter_please_rephrase"),
        (
            "what time is the match",
            {"nlu_fallback": 0.3, "greet": 0.2, "ask_low_mood": 0.1},
            ("utter_please_rephrase"),
        ),
    ],
)
async def test_a_message_the_nlu_could_not_place_is_asked_about_when_it_can_be(
    find, text, ranking, first_line
):
    dispatcher = CollectingDispatcher()
    await ActionNotUnderstood(find).run(dispatcher, asked(text, "nlu_fallback", ranking), {})
    if first_line is None:
        sent = as_rasa_sends(dispatcher)[0]
        assert sent["text"] == message("which_topic")["text"]
        assert [b["payload"] for b in sent["buttons"]] == ["/ask_asking_for_help", "/ask_low_mood"]
    elif first_line.startswith("utter_"):
        assert [m.get("response") for m in dispatcher.messages] == [first_line]
    else:
        assert texts(dispatcher)[0].split("\n")[0] == first_line


@pytest.mark.parametrize("text", ["asdfghjkl", "hmm", "what"])
async def test_an_inform_that_names_nothing_after_services_is_not_understood(find, text):
    # The fourth user test: "asdfghjkl" (inform, 0.30) got the Nuneaton list again.
    dispatcher = CollectingDispatcher()
    shown = {"area": "nuneaton-and-bedworth", "services_shown": True}
    events = await find.run(dispatcher, asked(text, "inform", **shown), {})
    assert events == []
    assert [m.get("response") for m in dispatcher.messages] == ["utter_please_rephrase"]


@pytest.mark.parametrize(
    ("text", "thanked"),
    [
        # The ninth user test: read as a request by the NLU, and the same list came again.
        ("ok thanks I'll try the wellbeing number", True),
        ("right. cheers anyway", True),
        ("thanks, what about rugby?", False),  # a place: the list for it
        ("thanks, are there any groups for dads", False),  # asks in its own words
        # The twenty-first user test's dad: a question after the thanks (README, fiftieth).
        ("thanks thats more like it. anything for the money side?", False),
    ],
)
async def test_thanks_read_as_a_request_after_services_gets_youre_welcome(find, text, thanked):
    dispatcher = CollectingDispatcher()
    shown = {"area": "warwick", "services_shown": True}
    await find.run(dispatcher, asked(text, "find_services", **shown), {})
    responses = [m.get("response") for m in dispatcher.messages]
    assert (responses == ["utter_thanks"]) is thanked
    assert bool(payloads(dispatcher).get("services")) is not thanked


@pytest.mark.parametrize("text", ["nuneton", "im a dad", "anything for sleep"])
async def test_an_inform_that_names_a_place_who_or_a_need_still_gets_services(find, text):
    dispatcher = CollectingDispatcher()
    await find.run(dispatcher, asked(text, "inform", area="rugby", services_shown=True), {})
    assert payloads(dispatcher)["services"]
    assert "utter_please_rephrase" not in [m.get("response") for m in dispatcher.messages]


async def test_services_asked_for_in_another_language_say_first_that_none_is_known(find):
    # The fourth user test: "do you have any services in polish" got the same list again.
    dispatcher = CollectingDispatcher()
    text = "do you have any services in polish"
    await find.run(dispatcher, asked(text, "find_services", area="nuneaton-and-bedworth"), {})
    said = texts(dispatcher)
    assert said[0] == message("services_language")["text"]
    assert "interpreter" in said[0] and "free" in said[0]
    assert payloads(dispatcher)["services"]  # the list still follows


@pytest.mark.parametrize(
    ("text", "first"),
    [
        # The seventh user test: "can i refer myself" was never answered; the list came alone.
        ("can i refer myself to talking therapies in rugby", "Referring yourself"),
        # A focus not about reaching a service keeps the request's list first.
        ("any groups for young mums in rugby", None),
    ],
)
async def test_a_question_about_reaching_a_service_is_answered_before_the_list(find, text, first):
    dispatcher = CollectingDispatcher()
    await find.run(dispatcher, asked(text, "find_services"), {})
    said = texts(dispatcher)
    assert (said[0].split("\n")[0] == first) if first else not said[0].startswith("Being a young")
    assert payloads(dispatcher)["services"]  # the list still follows, in the same turn


def under_listed(
    text: str,
    intent: str,
    services: tuple[str, ...] = ("warwickshire-fis", "samaritans"),
    **slots: Any,
) -> Tracker:
    """`text` typed right under a list of these services (ids, as the reply contract held)."""
    latest = asked(text, intent, **{"area": "warwick", "services_shown": True, **slots})
    latest.events[:0] = [
        {"event": "user", "text": "any support near me? im in kenilworth", "parse_data": {}},
        {"event": "bot", "data": {"custom": {"cradle": {"services": list(services)}}}},
        {"event": "action", "name": "action_find_services"},
        {"event": "action", "name": "action_listen"},
    ]
    return latest


def after_a_dads_answer(text: str, earlier: str, ranking: dict[str, float]) -> Tracker:
    """`text`, read as the dads topic, right after the dads answer to `earlier`."""
    latest = asked(text, "ask_dads", topic="dads")
    ranked = [{"name": n, "confidence": c} for n, c in ranking.items()]
    latest.events[:0] = [
        {"event": "user", "text": earlier, "parse_data": {"intent_ranking": ranked}},
        {"event": "action", "name": "action_answer_topic"},
        {"event": "action", "name": "action_listen"},
    ]
    return latest


@pytest.mark.parametrize(
    ("earlier", "ranking", "title"),
    [
        # The NLU's next topic for her earlier words, written for a mum.
        (
            "so tired and low all the time, baby is 5 months",
            {"ask_dads": 0.6, "ask_low_mood": 0.3},
            "Feeling low or down",
        ),
        # A first answer her earlier words name wins.
        (
            "i feel like im failing at everything, baby is 5 months",
            {"ask_dads": 0.7, "ask_anxiety": 0.2},
            "Feeling like a bad parent",
        ),
    ],
)
async def test_a_mum_answered_as_a_dad_who_says_so_is_answered_again_as_a_mum(
    earlier, ranking, title
):
    # The tenth user test: "im not a dad im the mum??" got the dads topic's next part.
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerTopic().run(
        dispatcher, after_a_dads_answer("im not a dad im the mum??", earlier, ranking), {}
    )
    said = texts(dispatcher)
    assert said[0] == message("misread_sorry")["text"]
    assert said[1].startswith(title) and "dad" not in said[1].lower()
    assert slots_set(events)["audience"] == "mum"


async def test_im_the_mum_in_a_first_message_is_answered_as_asked():
    # Not a correction: nothing was answered for a dad before it.
    dispatcher = CollectingDispatcher()
    await ActionAnswerTopic().run(
        dispatcher, asked("im the mum, can dads get pnd too?", "ask_dads"), {}
    )
    assert texts(dispatcher)[0].startswith("Dads get it too")


@pytest.mark.parametrize("text", ["im the mums partner", "im a dad, how do i help her"])
def test_only_the_writer_saying_she_is_the_mum_corrects_a_dads_answer(text):
    from cradle.audience import says_she_is_the_mum

    assert not says_she_is_the_mum(text)


LISTED_IDS = ("cw-talking-therapies", "warwickshire-fis", "samaritans", "pandas-foundation")


@pytest.mark.parametrize(
    ("text", "intent", "service", "line"),
    [
        # The tenth user test: each got the whole list again, twice without the service asked.
        (
            "the talking therapies one - how do i contact them? is it a phone call or a form?",
            "find_services",
            "cw-talking-therapies",
            "service_named_website",
        ),
        (
            "what about PANDAS, theres no number on it. how do i get hold of them?",
            "inform",
            "pandas-foundation",
            "service_named_website",
        ),
        (
            "is samaritans only for a crisis or can i just talk",
            "ask_low_mood",
            "samaritans",
            "service_named_phone",
        ),
    ],
)
async def test_a_question_naming_one_listed_service_gets_its_card_alone(
    find, text, intent, service, line
):
    dispatcher = CollectingDispatcher()
    action = ActionAnswerTopic(find) if intent.startswith("ask_") else find
    await action.run(dispatcher, under_listed(text, intent, LISTED_IDS), {})
    data = payloads(dispatcher)
    assert data["services"] == [service] and [c["id"] for c in data["cards"]] == [service]
    name = data["cards"][0]["name"]
    assert texts(dispatcher)[-1] == message(line, name=name)["text"]
    assert "ask_feedback" not in str(dispatcher.messages)  # not asked again about one card


@pytest.mark.parametrize(
    ("text", "service"),
    [
        # "Here is CALM helpline" (README, fifty-eighth session): the name is a label.
        ("is the CALM helpline free", "calm-helpline"),
        ("whats the number for samaritans", "samaritans"),
        (
            "is the national domestic abuse helpline open at night",
            "national-domestic-abuse-helpline",
        ),
        ("is the perinatal mental health team free", "cwpt-perinatal-mental-health"),
    ],
)
async def test_the_line_for_one_named_service_starts_with_its_name_as_a_label(find, text, service):
    dispatcher = CollectingDispatcher()
    await find.run(dispatcher, asked_with_no_list(text, "find_services"), {})
    data = payloads(dispatcher)
    assert data["services"] == [service], texts(dispatcher)
    name = data["cards"][0]["name"]
    assert texts(dispatcher)[-1].startswith(f"{name}: "), texts(dispatcher)
    assert not any(t.startswith("Here is") for t in texts(dispatcher)), texts(dispatcher)


@pytest.mark.parametrize(
    "text",
    [
        # Other names name only as a whole (README, "Other names a service goes by").
        "is perinatal free",
        "is there a team for dads, is it free",
        "is the specialist team free",
    ],
)
async def test_part_of_another_name_does_not_name_the_service(find, text):
    dispatcher = CollectingDispatcher()
    await find.run(dispatcher, asked_with_no_list(text, "find_services"), {})
    # Not the team's card alone, as a question naming it gets.
    assert payloads(dispatcher).get("services") != ["cwpt-perinatal-mental-health"], texts(
        dispatcher
    )


@pytest.mark.parametrize(("kind", "line"), [("parenting-courses", True), ("lgbtq-parents", False)])
async def test_the_kind_of_help_the_channels_search_sends_gets_its_line(find, kind, line):
    # The channel sends /find_services with the kind of help, not the words (README,
    # fifty-first session); only a kind of help on the allowlist is read.
    latest = asked("/find_services", "find_services", area="warwick")
    latest.latest_message["entities"] = [{"entity": "kind_of_help", "value": kind}]
    dispatcher = CollectingDispatcher()
    await find.run(dispatcher, latest, {})
    said = " ".join(texts(dispatcher))
    assert (message("services_parenting_none")["text"] in said) == line, said
    assert payloads(dispatcher)["services"]


PARENTING_LINE = {
    "event": "bot",
    "text": "I don't have parenting courses in my list yet.",
    "metadata": {"utter_action": "utter_services_parenting_none"},
}


@pytest.mark.parametrize(
    ("text", "intent", "line", "card"),
    [
        # The twenty-first user test's mum got the answer about Cradle (README, fifty-first
        # session): "their" is the service the line named.
        ("whats their number", "about_cradle", True, "warwickshire-fis"),
        ("how do i contact them?", "find_services", True, "warwickshire-fis"),
        # Under a list with no such line, "their" could be any of them.
        ("whats their number", "about_cradle", False, None),
        # Not about "them", or the words ask about Cradle: Cradle's own answer.
        ("is it free to use you?", "about_cradle", True, None),
        ("how often is their contact info updated", "about_cradle", True, None),
    ],
)
async def test_their_number_under_a_line_naming_a_service_gets_that_ones_card(
    find, text, intent, line, card
):
    latest = under_listed(text, intent, ("warwickshire-fis", "samaritans"))
    if line:
        latest.events.insert(1, PARENTING_LINE)
    dispatcher = CollectingDispatcher()
    action = ActionAboutCradle(find) if intent == "about_cradle" else find
    await action.run(dispatcher, latest, {})
    services = payloads(dispatcher).get("services")
    if card:
        assert services == [card], texts(dispatcher)
        name = payloads(dispatcher)["cards"][0]["name"]
        assert texts(dispatcher)[-1] == message("service_named_website", name=name)["text"]
    else:
        assert services != ["warwickshire-fis"], texts(dispatcher)


DADS_IDS = ("saturdads-rugby", "samaritans", "warwickshire-fis")


def a_part_after_a_list(text: str, intent: str, services: tuple[str, ...]) -> Tracker:
    """`text` typed after a list of these services, with a topic part asked for in between."""
    latest = under_listed(text, intent, services)
    latest.events[4:4] = [
        {"event": "user", "text": "/topic_more", "parse_data": {}},
        {"event": "bot", "text": "What can help today"},
        {"event": "action", "name": "action_topic_section"},
        {"event": "action", "name": "action_listen"},
    ]
    return latest


@pytest.mark.parametrize(
    ("latest", "card", "said"),
    [
        # The twenty-third user test's dad got "I don't have that word" (README, fifty-second
        # session): a service on the list he was shown, a few turns later.
        (
            a_part_after_a_list("cheers. whats saturdads? is it free", "ask_glossary", DADS_IDS),
            "saturdads-rugby",
            None,
        ),
        (under_listed("whats saturdads?", "ask_glossary", DADS_IDS), "saturdads-rugby", None),
        # A word the glossary knows is still explained, list or not.
        (under_listed("what does perinatal mean", "ask_glossary", DADS_IDS), None, "perinatal"),
        # Not on any list shown, and no service's name: the honest "I don't have that word".
        (tracker("ask_glossary"), None, None),
    ],
)
async def test_an_unknown_word_that_names_a_listed_service_gets_its_card(find, latest, card, said):
    if not latest.latest_message.get("text"):
        latest.latest_message["text"] = "whats saturdads? is it free"
    dispatcher = CollectingDispatcher()
    await ActionExplainTerm(find).run(dispatcher, latest, {})
    services = payloads(dispatcher).get("services")
    if card:
        assert services == [card], texts(dispatcher)
    elif said:
        assert texts(dispatcher) == [get_glossary().lookup(said).explanation]
    else:
        assert texts(dispatcher) == [message("term_unknown")["text"]]


def asked_with_no_list(text: str, intent: str, term: str | None = None) -> Tracker:
    latest = tracker(intent)
    latest.latest_message["text"] = text
    if term:
        latest.latest_message["entities"] = [{"entity": "term", "value": term}]
    return latest


@pytest.mark.parametrize(
    ("text", "term", "card"),
    [
        # README, "What is CALM?": with no list before, a service's own name asked about.
        ("what is CALM", None, "calm-helpline"),
        ("whats calm?", "calm", "calm-helpline"),
        ("what is the CALM helpline", None, "calm-helpline"),
        # A word that names no service: the honest "I don't have that word".
        ("whats a flibbertigibbet", None, None),
        ("what is support", None, None),
        # Asked as the twenty-third user test's dad did, with no list before it.
        ("cheers. whats saturdads? is it free", None, "saturdads-rugby"),
    ],
)
async def test_a_word_that_is_a_services_own_name_gets_its_card_with_no_list(
    find, text, term, card
):
    dispatcher = CollectingDispatcher()
    latest = asked_with_no_list(text, "ask_glossary", term)
    await ActionExplainTerm(find).run(dispatcher, latest, {})
    if card:
        assert payloads(dispatcher)["services"] == [card], texts(dispatcher)
    else:
        assert texts(dispatcher) == [message("term_unknown")["text"]]


@pytest.mark.parametrize(
    ("text", "intent", "card", "first"),
    [
        ("is the CALM helpline free", "find_services", "calm-helpline", "CALM helpline is free."),
        ("is pandas open at night", "ask_low_mood", "pandas-foundation", None),
        # Named, not asked about: the topic, as before.
        ("i rang samaritans last night and i still feel low", "ask_low_mood", None, None),
        # "calm" beside no word that makes it a name.
        ("how do i stay calm, is it free to see someone", "ask_anxiety", None, None),
        # FTS syntax typed by a user is read as words.
        ('is "calm" OR NEAR(x* free', "find_services", None, None),
    ],
)
async def test_a_practical_question_naming_a_service_with_no_list_gets_its_card(
    find, text, intent, card, first
):
    dispatcher = CollectingDispatcher()
    action = find if intent == "find_services" else ActionAnswerTopic(find)
    await action.run(dispatcher, asked_with_no_list(text, intent), {})
    services = payloads(dispatcher).get("services") or []
    if card:
        assert services == [card], texts(dispatcher)
        if first:
            assert texts(dispatcher)[0] == first
    else:
        assert len(services) != 1, texts(dispatcher)  # the topic, or a list: never one card


async def test_a_service_not_in_the_list_just_shown_is_not_answered_as_one_card(find):
    dispatcher = CollectingDispatcher()
    text = "what about relate, or the dadpad app"
    await find.run(dispatcher, under_listed(text, "find_services", LISTED_IDS), {})
    assert len(payloads(dispatcher)["services"]) > 1  # not named from this list: a list


COUPLES_IDS = ("warwickshire-health-visiting", "warwickshire-fis", "relate", "samaritans")


def a_few_turns_after_a_list(text: str, intent: str, services: tuple[str, ...]) -> Tracker:
    """`text` typed two turns after a list of these services, a topic answered between."""
    latest = under_listed(text, intent, services)
    latest.events[4:4] = [
        {"event": "user", "text": "hes not violent we just bicker", "parse_data": {}},
        {"event": "bot", "text": "Bickering since the baby", "data": {}},
        {"event": "action", "name": "action_answer_topic"},
        {"event": "action", "name": "action_listen"},
    ]
    return latest


@pytest.mark.parametrize(
    ("text", "intent", "card"),
    [
        # The fifteenth user test's mum, two turns after the couples list.
        ("ok. last thing is relate free or not", "ask_relationships", "relate"),
        ("does relate cost money? we cant really afford much", "ask_relationships", "relate"),
        ("what's the number for samaritans", "ask_low_mood", "samaritans"),
        # Naming it with no practical question: read as before, not its card.
        ("i can relate to all of that", "ask_relationships", None),
        ("relate said we should talk more", "ask_relationships", None),
    ],
)
async def test_a_practical_question_about_a_service_listed_earlier_gets_its_card(
    find, text, intent, card
):
    dispatcher = CollectingDispatcher()
    await ActionAnswerTopic(find).run(
        dispatcher, a_few_turns_after_a_list(text, intent, COUPLES_IDS), {}
    )
    services = payloads(dispatcher).get("services") or []
    assert (services == [card]) if card else (services == []), texts(dispatcher)


@pytest.mark.parametrize(
    ("latest", "said"),
    [
        # The twenty-third user test's dad: SaturDads records no cost (README, "Is it free?").
        (
            a_few_turns_after_a_list("so is saturdads free", "ask_dads", DADS_IDS),
            "I don't know what SaturDads (Rugby) costs: check with them first.",
        ),
        (
            a_few_turns_after_a_list(
                "ok. last thing is relate free or not", "ask_relationships", COUPLES_IDS
            ),
            "Relate may charge a small amount: check with them first.",
        ),
        (under_listed("is samaritans free?", "ask_low_mood", COUPLES_IDS), "Samaritans is free."),
        # Not a question of cost: the contact line alone, as before.
        (under_listed("what's the number for samaritans", "ask_low_mood", COUPLES_IDS), None),
    ],
)
async def test_is_it_free_about_a_listed_service_says_what_the_catalogue_records(
    find, latest, said
):
    dispatcher = CollectingDispatcher()
    await ActionAnswerTopic(find).run(dispatcher, latest, {})
    said_first = texts(dispatcher)[0]
    if said:
        assert said_first == said
        assert len(payloads(dispatcher)["services"]) == 1  # then its card, as before
    else:
        assert not any(w in said_first for w in ("costs", "free.", "small amount")), said_first


@pytest.mark.parametrize(
    "latest",
    [
        # The twenty-fourth user test's dad got the same list again (README, fifty-third
        # session), then the asking-for-help topic.
        under_listed(
            "do any of them cost anything? money is already tight", "find_services", DADS_IDS
        ),
        a_few_turns_after_a_list("but are they free tho", "ask_asking_for_help", DADS_IDS),
        # The twenty-fifth user test's Bedworth mum got the list again (README, fifty-fourth
        # session).
        under_listed(
            "do any of these cost money? i literally cant afford anything right now",
            "find_services",
            DADS_IDS,
        ),
        under_listed("are these free?", "find_services", DADS_IDS),
    ],
)
async def test_do_any_of_them_cost_anything_gets_each_ones_recorded_cost(find, latest):
    dispatcher = CollectingDispatcher()
    action = find if latest.latest_message["intent"]["name"] == "find_services" else None
    await (action or ActionAnswerTopic(find)).run(dispatcher, latest, {})
    said = texts(dispatcher)
    assert "services" not in payloads(dispatcher), said  # not the list again
    assert "Free: Samaritans" in said[0]
    assert said[-1].startswith("I don't know what these cost:") and "SaturDads (Rugby)" in said[-1]


# A list of five as the contract holds it; by SMS the text showed the first two and Samaritans,
# the one that can be called now (cradle.sms.pick_for_sms).
FIVE_LISTED = ("warwickshire-health-visiting", "warwickshire-fis", "relate", "samaritans")
FIVE_LISTED += ("saturdads-rugby",)
SHOWN_BY_TEXT = ("Health visiting", "Family Information Service", "Samaritans")


DADPAD = ("dadpad-warwickshire", "calm-helpline", "samaritans")
PERINATAL_LISTED = ("cwpt-perinatal-mental-health", "samaritans", "warwickshire-fis")


def under_a_list_of_five(text: str, channel: str) -> Tracker:
    latest = under_listed(text, "find_services", FIVE_LISTED)
    latest.events[-1]["input_channel"] = channel
    cards = [{"id": i, "phones": ["116 123"] if i == "samaritans" else []} for i in FIVE_LISTED]
    cards[3]["opening"] = {"always_open": True}
    latest.events[1]["data"]["custom"]["cradle"]["cards"] = cards
    return latest


@pytest.mark.parametrize(
    ("channel", "named", "not_named"),
    [
        # README, "By text, 'them' is the three services the text listed" (fifty-fourth session).
        ("twilio", SHOWN_BY_TEXT, ("Relate", "SaturDads")),
        ("rest", (*SHOWN_BY_TEXT, "Relate", "SaturDads"), ()),
    ],
)
async def test_by_text_them_is_the_services_the_text_showed(find, channel, named, not_named):
    dispatcher = CollectingDispatcher()
    await find.run(dispatcher, under_a_list_of_five("do any of them cost anything?", channel), {})
    said = " ".join(texts(dispatcher))
    assert said.startswith(("Free:", "May charge", "I don't know", "Cost not known")), said
    assert all(name in said for name in named), said
    assert not any(name in said for name in not_named), said


@pytest.mark.parametrize("text", ["do they have a number", "do these groups have a number"])
async def test_a_question_about_them_that_is_not_cost_is_not_answered_with_costs(find, text):
    dispatcher = CollectingDispatcher()
    await find.run(dispatcher, under_listed(text, "find_services", DADS_IDS), {})
    assert not any(t.startswith(("Free:", "I don't know what these")) for t in texts(dispatcher))


def a_service(name: str, **state: Any) -> ServiceResult:
    """A listed service as the catalogue gives it now, with only its name and opening set."""
    fields = {f: None for f in ServiceResult.__dataclass_fields__}
    return ServiceResult(**fields | {"id": name, "name": name, "always_open": False, **state})


@pytest.mark.parametrize(
    ("services", "lines"),
    [
        # README, "Are any of them open now?" (fifty-seventh session): as each card shows it.
        (
            [
                a_service("Samaritans", always_open=True, open_now=True),
                a_service("CALM helpline", open_now=True),
                a_service("SaturDads (Rugby)", next_open_text="Saturday at 10:00"),
                a_service("DadPad app"),
            ],
            [
                "Open day and night: Samaritans.",
                "Open now: CALM helpline.",
                "Not open now: SaturDads (Rugby), opens Saturday at 10:00.",
                "I don't have opening times for DadPad app: their website or a call can tell you.",
            ],
        ),
        # None open now: where to talk to someone now, after what the cards say.
        (
            [
                a_service("SaturDads (Rugby)", next_open_text="Saturday at 10:00"),
                a_service("Relate", next_open_text="tomorrow at 09:00"),
            ],
            [
                "Not open now: SaturDads (Rugby), opens Saturday at 10:00; Relate, opens "
                "tomorrow at 09:00.",
                "None of these is open right now. Samaritans are free on 116 123, any time.",
            ],
        ),
    ],
)
def test_openings_of_a_list_say_each_services_opening_as_its_card_does(services, lines):
    dispatcher = CollectingDispatcher()
    dispatch(dispatcher, openings_of(services))
    assert texts(dispatcher) == lines


@pytest.mark.parametrize(
    ("latest", "action"),
    [
        # Tried on the real servers: "Sorry, I can't help with that" (README, fifty-seventh
        # session).
        (under_listed("are any of them open now?", "out_of_scope", DADS_IDS), ActionNotUnderstood),
        (
            a_few_turns_after_a_list(
                "which ones are open tonight", "ask_asking_for_help", DADS_IDS
            ),
            ActionAnswerTopic,
        ),
        (under_listed("are these open on sundays", "find_services", DADS_IDS), None),
    ],
)
async def test_are_any_of_them_open_now_gets_each_ones_opening(find, latest, action):
    dispatcher = CollectingDispatcher()
    await (action(find) if action else find).run(dispatcher, latest, {})
    said = texts(dispatcher)
    assert "services" not in payloads(dispatcher), said  # not the list again
    # Samaritans are open day and night; the others as the catalogue records them now.
    assert said[0] == "Open day and night: Samaritans.", said
    assert all(
        name in " ".join(said[1:])
        for name in ("SaturDads (Rugby)", "Warwickshire Family Information Service")
    ), said
    assert not any("None of these is open" in line for line in said), said


@pytest.mark.parametrize(
    "latest",
    [
        # The twenty-seventh user test's Bedworth mum got what "perinatal" means (README,
        # fifty-seventh session): a few turns after a list with the team, and with none.
        a_few_turns_after_a_list(
            "is the perinatal mental health team free", "ask_glossary", PERINATAL_LISTED
        ),
        tracker("ask_glossary"),
    ],
)
# Her own words, "the perinatal team": another name it goes by (README, fifty-eighth session).
@pytest.mark.parametrize(
    "text", ["is the perinatal mental health team free", "is the perinatal team free"]
)
async def test_a_practical_question_naming_a_service_is_not_a_word_to_explain(find, latest, text):
    latest.latest_message["text"] = text
    latest.latest_message["entities"] = [{"entity": "term", "value": "perinatal"}]
    dispatcher = CollectingDispatcher()
    await ActionExplainTerm(find).run(dispatcher, latest, {})
    said = texts(dispatcher)
    assert payloads(dispatcher)["services"] == ["cwpt-perinatal-mental-health"], said
    assert said[0].startswith("Perinatal mental health team") and "free" in said[0], said
    assert get_glossary().lookup("perinatal").explanation not in said


@pytest.mark.parametrize(
    ("latest", "first"),
    [
        # The twenty-seventh user test's Rugby dad got "Here is Samaritans... ask how it works
        # for you" (README, fifty-seventh session).
        (
            under_listed(
                "is samaritans actualy open now its 1am. and is there anything for crying babies",
                "find_services",
                DADS_IDS,
            ),
            "Samaritans is open day and night.",
        ),
        (
            asked_with_no_list("is samaritans open now", "find_services"),
            "Samaritans is open day and night.",
        ),
        # Not a question of opening: the card's line alone, as before.
        (under_listed("whats the number for samaritans", "find_services", DADS_IDS), None),
    ],
)
async def test_is_one_service_open_now_gets_its_opening_before_its_card(find, latest, first):
    dispatcher = CollectingDispatcher()
    await find.run(dispatcher, latest, {})
    said = texts(dispatcher)
    assert payloads(dispatcher)["services"] == ["samaritans"], said
    if first:
        assert said[0] == first and said[1].startswith("Samaritans: "), said
    else:
        assert said[0].startswith("Samaritans: "), said


@pytest.mark.parametrize(
    ("latest", "said"),
    [
        # Read by the NLU as "I'm ok now" (README, fifty-seventh session).
        (
            under_listed("is samaritans actualy open now its 1am", "safe_now", DADS_IDS),
            "Samaritans is open day and night.",
        ),
        (tracker("safe_now"), None),
        # In a flagged session "I'm ok now" is always heard as the writer being safe.
        (
            under_listed(
                "is samaritans actualy open now its 1am", "safe_now", DADS_IDS, safety_tier="urgent"
            ),
            None,
        ),
    ],
)
async def test_a_service_question_read_as_im_ok_now_is_answered_as_one(find, latest, said):
    from actions.actions import ActionSafeNow

    if not said and not latest.latest_message.get("text"):
        latest.latest_message["text"] = "im ok now"
    dispatcher = CollectingDispatcher()
    await ActionSafeNow(find).run(dispatcher, latest, {})
    if said:
        assert texts(dispatcher)[0] == said
    else:
        assert [m.get("response") for m in dispatcher.messages] == ["utter_safe_now"]


@pytest.mark.parametrize(
    ("latest", "card"),
    [
        # Read by the NLU as "what can you do?" (the twenty-eighth user test; README,
        # fifty-seventh session).
        (under_listed("whats the dadpad thing? is it free", "ask_capabilities", DADPAD), True),
        (under_listed("dadpad app. is it free", "ask_capabilities", DADPAD), True),
        (under_listed("what can you do", "ask_capabilities", DADPAD), False),
    ],
)
async def test_a_service_question_read_as_what_can_you_do_is_answered_as_one(find, latest, card):
    from actions.actions import ActionCapabilities

    dispatcher = CollectingDispatcher()
    await ActionCapabilities(find).run(dispatcher, latest, {})
    if card:
        assert payloads(dispatcher)["services"] == ["dadpad-warwickshire"], texts(dispatcher)
        assert texts(dispatcher)[0].startswith("I don't know what DadPad app"), texts(dispatcher)
    else:
        assert [m.get("response") for m in dispatcher.messages] == ["utter_capabilities"]


@pytest.mark.parametrize(
    ("latest", "lines"),
    [
        # The twenty-eighth user test's Nuneaton mum got the cost lines alone (README,
        # fifty-seventh session).
        (
            "are any of them open now its nearly 1am. and do they cost money",
            ("utter_services_cost_", "utter_services_open_"),
        ),
        ("is there a waiting list and is it free", ("utter_services_wait", "utter_services_cost_")),
    ],
)
async def test_two_questions_about_a_list_get_both_answers_in_order(find, latest, lines):
    dispatcher = CollectingDispatcher()
    await ActionNotUnderstood(find).run(
        dispatcher, under_listed(latest, "out_of_scope", DADS_IDS), {}
    )
    sent = [m.get("response") or "" for m in dispatcher.messages]
    firsts = [next(i for i, r in enumerate(sent) if r.startswith(line)) for line in lines]
    assert firsts == sorted(firsts), sent


@pytest.mark.parametrize(
    ("latest", "answered"),
    [
        # The twenty-seventh user test's Bedworth mum, a few turns after a list, got "Sorry, I
        # can't help with that" (README, fifty-seventh session): "it" is the list.
        (
            a_few_turns_after_a_list(
                "does it cost anything? we cant afford private", "out_of_scope", DADS_IDS
            ),
            "cost",
        ),
        (under_listed("is it free?", "out_of_scope", DADS_IDS), "cost"),
        (under_listed("is it open now", "out_of_scope", DADS_IDS), "opening"),
        # Not a practical question: no lines about the list.
        (under_listed("is it normal to feel like this", "out_of_scope", DADS_IDS), None),
    ],
)
async def test_it_is_the_list_for_the_cost_and_opening_answers(find, latest, answered):
    dispatcher = CollectingDispatcher()
    await ActionNotUnderstood(find).run(dispatcher, latest, {})
    sent = [m.get("response") or "" for m in dispatcher.messages]
    kinds = {"cost": "utter_services_cost_", "opening": "utter_services_open_"}
    for kind, prefix in kinds.items():
        assert any(r.startswith(prefix) for r in sent) is (kind == answered), sent
    if answered:
        assert "services" not in payloads(dispatcher), sent  # not the list again


@pytest.mark.parametrize(
    ("latest", "card"),
    [
        # The twenty-seventh user test's Bedworth mum got the bonding topic, then the list again
        # (README, fifty-seventh session).
        (under_listed("how long is the wait tho", "ask_bonding", PERINATAL_LISTED), None),
        (
            under_listed(
                "thats not what i asked. is there a waiting list for talking therapies or "
                "perinatal",
                "find_services",
                PERINATAL_LISTED,
            ),
            None,
        ),
        (
            a_few_turns_after_a_list(
                "is there a waiting list for the perinatal mental health team",
                "find_services",
                PERINATAL_LISTED,
            ),
            "cwpt-perinatal-mental-health",
        ),
    ],
)
async def test_how_long_is_the_wait_gets_the_line_for_waiting_never_a_guess(find, latest, card):
    dispatcher = CollectingDispatcher()
    action = find if latest.latest_message["intent"]["name"] == "find_services" else None
    await (action or ActionAnswerTopic(find)).run(dispatcher, latest, {})
    said = texts(dispatcher)
    assert message("services_wait_unknown")["text"] in said, said
    assert payloads(dispatcher).get("services") == ([card] if card else None), said


async def test_by_text_the_opening_answer_names_the_services_the_text_showed(find):
    dispatcher = CollectingDispatcher()
    await find.run(dispatcher, under_a_list_of_five("are any of them open now?", "twilio"), {})
    said = " ".join(texts(dispatcher))
    assert said.startswith("Open day and night: Samaritans."), said  # Rasa renders its SMS form
    assert all(name in said for name in SHOWN_BY_TEXT), said
    assert not any(name in said for name in ("Relate", "SaturDads")), said


@pytest.mark.parametrize(
    "text",
    [
        "do they have a number",
        "are any of them open to dads",
        "i find it hard to open up to them",
        "are any of them open in rugby",  # that place's list
    ],
)
async def test_a_question_about_them_that_is_not_opening_gets_no_opening_lines(find, text):
    dispatcher = CollectingDispatcher()
    await ActionNotUnderstood(find).run(
        dispatcher, under_listed(text, "out_of_scope", DADS_IDS), {}
    )
    sent = [m.get("response") or m.get("text") or "" for m in dispatcher.messages]
    assert sent and not any(m.startswith("utter_services_open") for m in sent), sent


async def test_a_practical_question_naming_a_place_gets_that_places_list(find):
    dispatcher = CollectingDispatcher()
    text = "are there any free talking therapies in rugby"
    await find.run(dispatcher, a_few_turns_after_a_list(text, "find_services", LISTED_IDS), {})
    assert len(payloads(dispatcher)["services"]) > 1  # Rugby's list, not one card


def test_the_latest_list_is_read_in_this_session_only():
    from cradle.replies import services_in_latest_list

    listed = {"event": "bot", "data": {"custom": {"cradle": {"services": ["relate"]}}}}
    assert services_in_latest_list([listed, {"event": "user", "text": "x"}]) == ["relate"]
    assert services_in_latest_list([listed, {"event": "session_started"}]) == []


@pytest.mark.parametrize(
    ("text", "listed_before", "list_again"),
    [
        # The ninth user test: the same list again for a question about reaching a service.
        ("How do I refer myself? is it a form or a phone call?", True, False),
        # A place named: that place's list.
        ("can i refer myself to talking therapies in nuneaton", True, True),
        # No list just before it: the answer, then the list (as above).
        ("How do I refer myself? is it a form or a phone call?", False, True),
        # Under a list, a request a first answer does not answer: the list.
        ("any groups for dads", True, True),
    ],
)
async def test_a_question_under_a_list_is_answered_not_sent_the_list_again(
    find, text, listed_before, list_again
):
    dispatcher = CollectingDispatcher()
    make = under_listed if listed_before else asked
    await find.run(dispatcher, make(text, "find_services", area="rugby", services_shown=True), {})
    assert bool(payloads(dispatcher).get("services")) is list_again
    if not list_again:
        assert texts(dispatcher)[0].split("\n")[0] == "Referring yourself"


async def test_a_plain_yes_still_asks_where_first(find):
    dispatcher = CollectingDispatcher()
    events = await find.run(dispatcher, asked("yes please", "affirm", topic="low-mood"), {})
    assert texts(dispatcher) == []
    assert slots_set(events) == {"services_shown": False, "area_tries": 0}


# Flagged earlier in the session or not: "Glad you're safe. If that changes, call 999" is not
# followed by "If you're not safe right now..." (the fifth user test).
@pytest.mark.parametrize("flag", [None, "urgent"])
async def test_no_to_the_safety_question_answers_the_topic_the_parent_asked_about(flag):
    from actions.actions import ActionCheckCleared

    dispatcher = CollectingDispatcher()
    events = await ActionCheckCleared().run(
        dispatcher, tracker("deny", pending_topic="low-mood", safety_tier=flag), {}
    )
    said = texts(dispatcher)
    assert said[0] == message("check_cleared_topic")["text"]
    assert "999" in said[0]  # the way back to help stays in view
    assert len(" ".join(said[:2]).split()) <= 75  # the line plus the short answer, phone-sized
    assert said[1].startswith(get_topic("low-mood").title)
    assert payloads(dispatcher) == {"topic": "low-mood"}
    assert {"event": "slot", "timestamp": None, "name": "pending_topic", "value": None} in events
    assert {"event": "slot", "timestamp": None, "name": "topic", "value": "low-mood"} in events


@pytest.mark.parametrize("pending", [None, "not-a-topic"])
async def test_no_to_the_safety_question_without_a_topic_asks_what_is_going_on(pending):
    from actions.actions import ActionCheckCleared

    dispatcher = CollectingDispatcher()
    events = await ActionCheckCleared().run(dispatcher, tracker("deny", pending_topic=pending), {})
    said = texts(dispatcher)
    assert len(said) == 1 and said[0].startswith("Thank you. I'm glad. Tell me a bit more")
    assert events == [{"event": "slot", "timestamp": None, "name": "pending_topic", "value": None}]


# The thirty-third user test's pregnant mum asked for someone to talk to in the evenings, was
# asked the danger question, pressed "No" and was asked to tell more (README, sixty-first
# session): a request held gets its list, whatever the net leaned to.
@pytest.mark.parametrize("leaning", ["abuse", "emergency", None])
async def test_no_after_a_request_was_asked_about_gets_its_list(leaning):
    from actions.actions import ActionCheckCleared

    dispatcher = CollectingDispatcher()
    slots = {
        "pending_topic": HELD_REQUEST,
        "safety_response": leaning,
        "area": "nuneaton-and-bedworth",
    }
    events = await ActionCheckCleared().run(dispatcher, tracker("deny", **slots), {})
    said = texts(dispatcher)
    assert said[0] == message("check_cleared_topic")["text"]
    assert not any(t.startswith("Thank you. I'm glad. Tell me a bit more") for t in said)
    assert payloads(dispatcher)["services"], said
    assert {"event": "slot", "timestamp": None, "name": "pending_topic", "value": None} in events


@pytest.mark.parametrize(
    ("leaning", "help_today"),
    [
        # The net had leaned to an emergency reply: "not in danger now" still needs advice today,
        # and no topic card guessed from the message (a mum hearing a voice got the abuse card).
        ("emergency", True),
        ("emergency_for_other", True),
        ("medical", True),
        ("overdose", True),
        # A worry, or no leaning: the topic the parent asked about, as before.
        ("urgent", False),
        ("losing_control", False),
        (None, False),
    ],
)
async def test_no_after_a_question_that_leaned_to_an_emergency_says_get_advice_today(
    leaning, help_today
):
    from actions.actions import ActionCheckCleared

    dispatcher = CollectingDispatcher()
    slots = {"pending_topic": "domestic-abuse", "safety_response": leaning}
    events = await ActionCheckCleared().run(dispatcher, tracker("deny", **slots), {})
    said = texts(dispatcher)
    if help_today:
        assert said == [message("check_cleared_get_help_today")["text"]]
        assert "today" in said[0] and "999" in said[0] and "NHS 111" in said[0]
        assert payloads(dispatcher) == {}  # no topic card
    else:
        assert said[0] == message("check_cleared_topic")["text"]
        assert payloads(dispatcher) == {"topic": "domestic-abuse"}
    assert {"event": "slot", "timestamp": None, "name": "pending_topic", "value": None} in events


@pytest.mark.parametrize(
    ("question", "lines"),
    [
        # docs/safety.md, fifty-seventh session: the question the danger question was asked
        # about, answered for the latest list, whatever the second opinion leaned to.
        ("the-list:opening", ("Open day and night: Samaritans.",)),
        ("the-list:cost", ("Free: Samaritans", "I don't know what these cost: SaturDads")),
        ("the-list:reaching", (message("services_how_to_reach")["text"],)),
    ],
)
async def test_no_after_the_question_about_the_services_answers_that_question(
    find, question, lines
):
    from actions.actions import ActionCheckCleared

    dispatcher = CollectingDispatcher()
    slots = {"pending_topic": question, "safety_response": "emergency"}
    latest = a_few_turns_after_a_list("/deny", "deny", DADS_IDS)
    latest.slots.update(slots)
    events = await ActionCheckCleared(find).run(dispatcher, latest, {})
    said = texts(dispatcher)
    assert said[0] == message("check_cleared_topic")["text"]  # "Glad you're safe... call 999"
    assert all(any(t.startswith(line) for t in said[1:]) for line in lines), said
    assert message("check_cleared_get_help_today")["text"] not in said
    assert "services" not in payloads(dispatcher), said  # not the list again
    assert events == [{"event": "slot", "timestamp": None, "name": "pending_topic", "value": None}]


async def test_no_after_the_question_about_the_services_with_no_list_asks_what_is_going_on(find):
    from actions.actions import ActionCheckCleared

    dispatcher = CollectingDispatcher()
    slots = {"pending_topic": "the-list:opening", "safety_response": "emergency"}
    await ActionCheckCleared(find).run(dispatcher, tracker("deny", **slots), {})
    said = texts(dispatcher)
    assert said[0] == message("check_cleared_topic")["text"]
    assert said[1:] == [message("safety_check_cleared")["text"]]


async def test_by_text_no_to_the_safety_question_stays_within_two_segments():
    from actions.actions import ActionCheckCleared
    from cradle.sms import format_reply, segments

    dispatcher = CollectingDispatcher()
    await ActionCheckCleared().run(
        dispatcher, tracker("deny", "twilio", pending_topic="low-mood"), {}
    )
    reply = format_reply(as_sms(dispatcher)[:-1]).text
    assert reply.startswith(message("check_cleared_topic", "twilio")["text"])
    assert "999" in reply and segments(reply) <= 2


# --- who runs Cradle, are its services checked, how to complain (the fourth user test) ---


@pytest.mark.parametrize("channel", ["rest", "web_chat", SMS_CHANNEL])
async def test_about_cradle_says_no_service_is_checked_while_no_real_scheme_exists(channel):
    dispatcher = CollectingDispatcher()
    await ActionAboutCradle().run(dispatcher, tracker("ask_about_cradle", channel), {})
    said = texts(dispatcher)
    # Who reviewed what Cradle says: no topic is approved yet. Not by SMS (three segments).
    reviews = [] if channel == SMS_CHANNEL else [message("about_content_draft")["text"]]
    assert said == [
        message("about_cradle")["text"],
        message("about_no_operator")["text"],
        message("about_quality_sample")["text"],
        *reviews,
        message("about_feedback")["text"],
    ]
    assert "automated" in said[0] and "not a council, NHS or emergency service" in said[0]
    assert "no complaints route for Cradle itself yet" in said[1]  # while operator.yml is empty
    assert "None has been checked" in said[2]


@pytest.mark.parametrize(
    ("approved", "response", "values"),
    [
        ([], "utter_about_content_draft", {}),
        (
            ["anxiety", "bonding"],
            "utter_about_content_reviewed",
            {"reviewed": "2", "total": str(len(topic_ids()))},
        ),
        (None, "utter_about_content_all", {}),  # every topic
    ],
)
async def test_about_cradle_says_how_many_topics_the_panel_has_reviewed(
    tmp_path, monkeypatch, approved, response, values
):
    # The seventh user test: a council officer asked who reviewed the content and was not told.
    # Counted from the topics' status, which only a recorded review sets.
    content = tmp_path / "content"
    shutil.copytree(content_dir(), content)
    for path in (content / "topics").glob("*.md"):
        path.write_text(re.sub(r"(?m)^status: \w+$", "status: draft", path.read_text()))
        if approved is None or path.stem in approved:
            approve(path, "health-visitor", "Checked by the panel", dt.date(2026, 12, 3))
    monkeypatch.setenv("CRADLE_CONTENT_DIR", str(content))
    dispatcher = CollectingDispatcher()
    await ActionAboutCradle().run(dispatcher, tracker("ask_about_cradle"), {})
    sent = [
        m
        for m in dispatcher.messages
        if (m.get("response") or "").startswith("utter_about_content")
    ]
    assert [(m["response"], {k: m[k] for k in values}) for m in sent] == [(response, values)]


def test_about_cradle_names_a_real_scheme_and_its_owner_once_one_exists():
    schemes = Schemes.from_file(Path(__file__).parent.parent / "fixtures" / "kitemark.yml")
    sent = about_cradle_messages(schemes, Operator())
    quality = [m for m in sent if m["response"].startswith("utter_about_quality")]
    assert quality == [
        {
            "response": "utter_about_quality_real",
            "values": {"label": "Kite-marked by Test council", "owner": "Test council"},
        }
    ]


def test_about_cradle_names_who_runs_it_and_where_to_complain_once_filled_in(tmp_path):
    path = tmp_path / "operator.yml"
    path.write_text(
        "name: Test council\nwebsite: https://example.org/cradle\n"
        "complaints_url: https://example.org/complaints\n"
    )
    sent = about_cradle_messages(
        Schemes.from_file(content_dir() / "kitemark.yml"), load_operator(path)
    )
    who = [m for m in sent if m["response"] == "utter_about_operator"]
    assert who == [
        {
            "response": "utter_about_operator",
            "values": {
                "name": "Test council",
                "website": "https://example.org/cradle",
                "complaints": "https://example.org/complaints",
            },
        }
    ]


@pytest.mark.parametrize(
    "operator",
    [
        Operator(),
        Operator(
            "Warwickshire County Council",
            "https://www.warwickshire.gov.uk/cradle",
            "https://www.warwickshire.gov.uk/complaints",
        ),
    ],
)
def test_who_runs_cradle_fits_a_text_whole(operator):
    # Its four lines in their chat words were four segments, so the SMS cut the last line (how
    # to say something was wrong). The SMS words keep every line whole in the segment limit.
    sent = about_cradle_messages(Schemes.from_file(content_dir() / "kitemark.yml"), operator)
    lines = [
        message(m["response"].removeprefix("utter_"), SMS_CHANNEL, **m["values"]) for m in sent
    ]
    reply = format_reply(lines).text
    assert reply == "\n".join(short_links(line["text"]) for line in lines)  # nothing cut
    assert segments(reply) <= MAX_REPLY_SEGMENTS


# The fifteenth user test's council officer's questions, and other wordings of the same two.
@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("Who decides what goes on the list and how often is it updated?", "listing"),
        ("how do you choose which services to include", "listing"),
        ("is the list of services up to date?", "listing"),
        ("who checks the services you list", "listing"),
        (
            "Who is the data controller for the chats, and is there a privacy notice or contact "
            "email for the Cradle project I can pass to our information governance team?",
            "data_controller",
        ),
        ("do you have a privacy policy", "data_controller"),
        ("what's the contact email for cradle", "data_controller"),
        # The sixteenth user test's health visitor, and other wordings of the same two.
        ("Do you replace the health visitor or the GP?", "replaces_professionals"),
        ("are you a replacement for my midwife", "replaces_professionals"),
        ("is it ok to use this instead of seeing my gp", "replaces_professionals"),
        (
            "How do you decide when to tell someone to ring 999? And if a mum says something "
            "worrying, does anyone get told?",
            "crisis_decisions",
        ),
        ("will you tell anyone what i write here", "crisis_decisions"),
        ("does cradle report me to social services", "crisis_decisions"),
        # The seventeenth user test's commissioner.
        (
            "How does parents' feedback reach the services you list? If a parent says a service"
            " was unhelpful, does that service ever hear about it?",
            "counts_and_feedback",
        ),
        (
            "You mention counts kept to plan services. What's in those counts, and could the"
            " council see them, e.g. how many parents in Nuneaton asked about low mood?",
            "counts_and_feedback",
        ),
        (
            "How does a local service get added to your list, and how would it get a quality mark?",
            "listing",
        ),
        (
            "Does Cradle work by text message (SMS) as well as the web chat? Many of our families"
            " don't have data.",
            "by_text",
        ),
        ("can i text you", "by_text"),
        # The sixteenth's non-birth mum, and her wife's way of asking.
        (
            "the 'for dads and partners' button, is that meant for me? i'm not a dad lol",
            "partners_section",
        ),
        ("is the dads bit for me, im her wife", "partners_section"),
        # The twenty-sixth's dad (README, fifty-sixth session), and two ways like it.
        ("hey. is this just for mums or can dads use it too", "for_dads"),
        ("can dads use this", "for_dads"),
        ("is cradle for dads too?", "for_dads"),
        ("is this only for mums", "for_dads"),
        # The thirty-third's grandmother (README, sixty-first session), and ways like it.
        ("hi sorry its late. is any of this for grandparents or just mums", "for_family"),
        ("can grandparents use this", "for_family"),
        ("im a nan, can i use this?", "for_family"),
        ("is cradle for family too?", "for_family"),
        # The thirty-fourth's grandad; a dad saying the same is not this question.
        (
            "is this thing even for someone like me tho? im his dad, the grandad. not the parent"
            " of the baby",
            "for_family",
        ),
        ("is this for someone like me, im a dad", None),
        # A request for services, or someone who uses it: not this question.
        ("is there anything for grandparents", None),
        ("is there anything for grandparents in bedworth", None),
        ("my nan uses this app", None),
        # A request for services, a service, or a mum's own words: not this question.
        ("is there anything for dads", None),
        ("is CALM ok for dads", None),
        ("can dads get postnatal depression too", None),
        ("is there support for dads and partners", None),
        ("i'm not a dad, im the mum, i feel low", None),
        # Texting someone else, a group by text, or how many parents get something: not Cradle.
        ("can i text my midwife", None),
        ("is there a baby group by text", None),
        ("how many parents get pnd", None),
        # Not about Cradle: a professional, or the parent, is the one deciding or telling.
        ("can i see a nurse instead of my gp", None),
        ("should i ring my hv instead of the gp", None),
        ("will my health visitor tell social services", None),
        ("how do i know when to call 999 for my baby", None),
        # a plain question about Cradle: the whole answer
        ("who runs this?", None),
        ("are the services kite marked", None),
        ("Could you tell me what you are and who runs this service?", None),
    ],
)
def test_a_question_about_cradle_is_read_for_the_one_thing_it_asks(text, asks):
    assert get_request_reader().about_cradle_asks(text) == asks


def _about(asks, operator=None):
    operator = operator or Operator()
    schemes = Schemes.from_file(content_dir() / "kitemark.yml")
    return [m["response"] for m in about_cradle_messages(schemes, operator, (0, 13), asks)]


def test_who_chooses_the_services_is_answered_first_with_what_checks_them():
    assert _about("listing") == ["utter_about_listing", "utter_about_quality_sample"]
    sent = about_cradle_messages(
        Schemes.from_file(content_dir() / "kitemark.yml"), Operator(), None, "listing"
    )
    # the months come from the catalogue's own maximum age, not from the reply's words
    assert sent[0]["values"] == {"months": "12"}
    assert "12 months" in message("about_listing", **sent[0]["values"])["text"]


def test_the_data_controller_is_answered_first_and_no_one_is_named_while_no_one_runs_it():
    assert _about("data_controller") == ["utter_about_no_data_controller", "utter_about_feedback"]
    named = Operator("Test council", "https://example.org/cradle", "https://example.org/c")
    assert _about("data_controller", named) == ["utter_about_operator", "utter_about_feedback"]


def test_a_plain_question_about_cradle_gets_the_whole_answer():
    assert _about(None) == [
        "utter_about_cradle",
        "utter_about_no_operator",
        "utter_about_quality_sample",
        "utter_about_content_draft",
        "utter_about_feedback",
    ]


@pytest.mark.parametrize(
    ("asks", "answer"),
    [
        ("replaces_professionals", "utter_about_not_a_replacement"),
        ("crisis_decisions", "utter_about_crisis_decisions"),
        ("counts_and_feedback", "utter_about_counts_and_feedback"),
        ("by_text", "utter_about_by_text"),
        ("partners_section", "utter_about_partners_section"),
        ("for_dads", "utter_about_for_dads"),
        ("for_family", "utter_about_for_family"),
    ],
)
def test_a_question_about_cradle_read_whatever_the_nlu_guessed_is_answered_alone(asks, answer):
    assert _about(asks) == [answer]


@pytest.mark.parametrize("asks", sorted(ABOUT_CRADLE))
def test_the_answer_to_one_question_about_cradle_fits_a_text_whole(asks):
    sent = about_cradle_messages(
        Schemes.from_file(content_dir() / "kitemark.yml"), Operator(), None, asks
    )
    lines = [
        message(m["response"].removeprefix("utter_"), SMS_CHANNEL, **m["values"]) for m in sent
    ]
    reply = format_reply(lines).text
    assert reply == "\n".join(short_links(line["text"]) for line in lines)
    assert segments(reply) <= MAX_REPLY_SEGMENTS


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("name: Test council\n", "filled in together"),
        ("name: A\nwebsite: http://a.org\ncomplaints_url: https://a.org/c\n", "https://"),
        ("name: 7\nwebsite: https://a.org\ncomplaints_url: https://a.org/c\n", "must be text"),
        ("owner: A\n", "expected only"),
        ("- a list\n", "mapping"),
    ],
)
def test_a_bad_operator_file_is_refused_with_a_clear_error(tmp_path, text, problem):
    path = tmp_path / "operator.yml"
    path.write_text(text)
    with pytest.raises(ContentError, match=problem):
        load_operator(path)


async def test_a_broken_operator_file_still_gets_the_rest_of_the_answer(monkeypatch, tmp_path):
    broken = tmp_path / "operator.yml"
    broken.write_text("name: [\n")
    monkeypatch.setattr("actions.actions.get_operator", lambda: load_operator(broken))
    dispatcher = CollectingDispatcher()
    await ActionAboutCradle().run(dispatcher, tracker("ask_about_cradle"), {})
    assert texts(dispatcher)[1] == message("about_no_operator")["text"]


def test_the_shipped_operator_file_names_no_one_until_an_organisation_fills_it_in():
    assert get_operator() == Operator()


def asked_after(
    last_action: str,
    text: str,
    seen: list[str],
    topic: str = "intrusive-thoughts",
    intent: str = "ask_intrusive_thoughts",
) -> Tracker:
    """A typed question the NLU reads as `intent`, right after `last_action` answered `topic`
    (by default, a question on unwanted thoughts after that topic's answer)."""
    latest = {"intent": {"name": intent, "confidence": 0.9}, "text": text}
    events = [
        {"event": "user", "text": "first", "parse_data": latest},
        {"event": "action", "name": last_action},
        {"event": "bot", "text": "an answer"},
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": text, "parse_data": latest},
    ]
    slots = {"topic": topic, "topic_seen": seen}
    return Tracker("s", slots, latest, events, False, None, {}, "action_listen")


async def test_a_question_typed_right_after_a_topic_gets_its_next_part_not_the_same_text():
    # The sixth user test: "does it make me a bad person" got the same paragraph again.
    topic = get_topic("intrusive-thoughts")
    first = await ActionAnswerTopic().run(
        CollectingDispatcher(), tracker("ask_intrusive_thoughts"), {}
    )
    assert {"event": "slot", "timestamp": None, "name": "topic_seen", "value": []} in first
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerTopic().run(
        dispatcher, asked_after("action_answer_topic", "does it make me a bad person", []), {}
    )
    part = topic.more_order(None)[0]
    assert events == [{"event": "slot", "timestamp": None, "name": "topic_seen", "value": [part]}]
    assert not texts(dispatcher)[0].startswith(topic.title)  # not the first answer again


@pytest.mark.parametrize(
    ("last_action", "text", "seen"),
    [
        # Another turn came between, and no answer of the topic in the session before it.
        ("utter_greet", "does it make me a bad person", []),
        ("action_answer_topic", "/ask_intrusive_thoughts", []),  # a button: "It's about me"
    ],
)
async def test_the_first_answer_is_given_again_when_not_asked_again(last_action, text, seen):
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerTopic().run(dispatcher, asked_after(last_action, text, seen), {})
    assert {"event": "slot", "timestamp": None, "name": "topic_seen", "value": []} in events
    assert texts(dispatcher)[0].startswith(get_topic("intrusive-thoughts").title)


def _answered(action: str, topic: str, seen: list[str] | None = None) -> list[dict[str, Any]]:
    """A bot turn by `action` that set the topic (and the parts shown of it, if any)."""
    slots = [{"event": "slot", "name": "topic", "value": topic}]
    if seen is not None:
        slots.append({"event": "slot", "name": "topic_seen", "value": seen})
    return [{"event": "action", "name": action}, {"event": "bot", "text": "..."}, *slots]


def _typed(text: str = "a question") -> list[dict[str, Any]]:
    return [{"event": "action", "name": "action_listen"}, {"event": "user", "text": text}]


PART = get_topic("intrusive-thoughts").more_order(None)[0]


@pytest.mark.parametrize(
    ("events", "shown"),
    [
        # Answered, then another worry's answer between: its parts as they were left.
        (
            [
                *_answered("action_answer_topic", "intrusive-thoughts", []),
                *_typed(),
                *_answered("action_topic_section", "intrusive-thoughts", [PART]),
                *_typed(),
                *_answered("action_answer_topic", "asking-for-help", ["focus:fear-of-baby-taken"]),
                *_typed(),
            ],
            [PART],
        ),
        ([*_answered("action_answer_topic", "intrusive-thoughts"), *_typed()], []),
        # A list of services on the topic shows none of its parts: not answered.
        ([*_answered("action_find_services", "intrusive-thoughts", []), *_typed()], None),
        # A new session forgets what was shown before it.
        (
            [
                *_answered("action_answer_topic", "intrusive-thoughts", [PART]),
                {"event": "session_started"},
                *_typed(),
            ],
            None,
        ),
        ([*_typed()], None),
    ],
)
def test_parts_shown_earlier_in_the_session_are_remembered_per_topic(events, shown):
    assert parts_shown_earlier(events, "intrusive-thoughts") == shown


def back_to_intrusive(text: str) -> Tracker:
    """The fourteenth user test's mum: unwanted thoughts answered and one part shown, then the
    fear of her baby being taken answered, then `text` read as unwanted thoughts again."""
    latest = {"intent": {"name": "ask_intrusive_thoughts", "confidence": 0.9}, "text": text}
    events = [
        *_answered("action_answer_topic", "intrusive-thoughts", []),
        *_typed("/more"),
        *_answered("action_topic_section", "intrusive-thoughts", [PART]),
        *_typed("they'll take him off me"),
        *_answered("action_answer_topic", "asking-for-help", ["focus:fear-of-baby-taken"]),
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": text, "parse_data": latest},
    ]
    slots = {"topic": "asking-for-help", "topic_seen": ["focus:fear-of-baby-taken"]}
    return Tracker("s", slots, latest, events, False, None, {}, "action_listen")


async def test_a_topic_typed_back_to_after_another_gets_its_next_part_not_the_first_again():
    topic = get_topic("intrusive-thoughts")
    text = "so should i tell someone about the thoughts or just try and ignore them?"
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerTopic().run(dispatcher, back_to_intrusive(text), {})
    second = topic.more_order(None)[1]
    assert slots_set(events) == {"topic": topic.id, "topic_seen": [PART, second]}
    assert texts(dispatcher)[0].startswith(SECTION_KEYS[second])


async def test_a_button_back_to_a_topic_asks_for_its_first_answer_itself():
    topic = get_topic("intrusive-thoughts")
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerTopic().run(
        dispatcher, back_to_intrusive("/ask_intrusive_thoughts"), {}
    )
    assert slots_set(events)["topic_seen"] == []
    assert texts(dispatcher)[0].startswith(topic.title)


def focus(focus_id: str) -> tuple[str, Any]:
    return next((t, f) for t in topic_ids() for f in get_topic(t).focuses if f.id == focus_id)


@pytest.mark.parametrize(
    ("topic", "seen", "text", "intent", "expected"),
    [
        # The seventh user test: the same worry asked again got the same words again...
        (
            "asking-for-help",
            ["focus:fear-of-baby-taken"],
            "but will she tell social services tho",
            "ask_asking_for_help",
            "next part",
        ),
        # A worry not yet answered in the topic just answered gets its own first answer...
        ("low-mood", [], "i feel like such a bad mum", "ask_low_mood", "focus"),
        # ...and so does one in another topic, even when the NLU reads the topic just answered.
        ("crying-baby", [], "no she cries and says shes a bad mum", "ask_crying_baby", "focus"),
        (
            "intrusive-thoughts",
            [],
            "what if they mean im a bad mum",
            "ask_intrusive_thoughts",
            "focus",
        ),
    ],
)
async def test_a_worry_typed_right_after_a_topic_goes_on_with_it_unless_it_is_new(
    topic, seen, text, intent, expected
):
    focus_topic, found = focus("feeling-bad-parent" if "bad mum" in text else "fear-of-baby-taken")
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerTopic().run(
        dispatcher, asked_after("action_answer_topic", text, seen, topic, intent), {}
    )
    if expected == "focus":
        assert texts(dispatcher)[0] == f"{found.title}\n{found.sms}"
        assert {"event": "slot", "timestamp": None, "name": "topic", "value": focus_topic} in events
        assert {
            "event": "slot",
            "timestamp": None,
            "name": "topic_seen",
            "value": [f"focus:{found.id}"],
        } in events
    else:
        part = get_topic(topic).more_order(None)[0]
        assert events == [
            {"event": "slot", "timestamp": None, "name": "topic_seen", "value": [*seen, part]}
        ]
        assert found.sms not in " ".join(texts(dispatcher))


async def test_when_every_part_was_shown_the_first_answer_comes_again():
    every = [*get_topic("intrusive-thoughts").more_order(None)]
    dispatcher = CollectingDispatcher()
    await ActionAnswerTopic().run(dispatcher, asked_after("action_topic_section", "ok", every), {})
    assert texts(dispatcher)[0].startswith(get_topic("intrusive-thoughts").title)


@pytest.mark.parametrize(
    ("crisis_reply", "first_line", "topic"),
    [
        # After abuse told by a friend or relative: the domestic abuse topic's part for family
        # and friends (its short first answer was just said by the glad-safe reply).
        ("abuse_for_other", "For family and friends", "domestic-abuse"),
        # After a worry about someone else: asking them about suicide.
        ("concern_for_other", "Asking someone about suicide", "asking-for-help"),
        # Typed as a command with no such crisis help before it: bringing up a worry.
        (None, "Bringing up a worry", "asking-for-help"),
    ],
)
async def test_how_can_i_help_them_answers_the_helper_from_reviewed_content(
    crisis_reply, first_line, topic
):
    asked = tracker("help_them", safety_tier="urgent", safety_response=crisis_reply)
    asked.events.insert(0, {"event": "action", "name": "utter_safety"})
    dispatcher = CollectingDispatcher()
    events = await ActionHelpThem().run(dispatcher, asked, {})
    said = texts(dispatcher)
    assert said[0].split("\n")[0] == first_line  # no reminder of the writer's own crisis first
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert slots["topic"] == topic and slots["helping"] is True
    if crisis_reply == "abuse_for_other":
        # The part for a helper, not the one written to the person being hurt.
        assert "listen and believe them" in said[0]
        assert slots["topic_seen"] == ["helping"]
        titles = [b["title"] for m in as_rasa_sends(dispatcher) for b in m.get("buttons") or []]
        assert "Find support near me" in titles and "For family and friends" not in titles
    # The next steps are a helper's, with the way back for a parent asking for themselves.
    titles = [b["title"] for m in as_rasa_sends(dispatcher) for b in m.get("buttons") or []]
    assert "It's about me" in titles


# The thirty-third user test's grandmother: a worry about her daughter that only the model read
# as a crisis; "How can I help them?" got asking about suicide, which nobody had named
# (docs/safety.md, sixty-first session).
@pytest.mark.parametrize(
    ("read_by", "first_line"),
    [
        ({"safety_read_by": "second_opinion"}, "Bringing up a worry"),
        ({}, "Asking someone about suicide"),
    ],
)
async def test_how_can_i_help_them_after_a_worry_only_the_model_read(read_by, first_line):
    crisis = {"safety_tier": "urgent", "safety_response": "concern_for_other", **read_by}
    asked = tracker("help_them", safety_tier="urgent", safety_response="concern_for_other")
    command = {
        "intent": {"name": "safety_alert", "confidence": 1.0},
        "entities": [{"entity": k, "value": v} for k, v in crisis.items()],
    }
    asked.events[:0] = [
        {"event": "user", "text": None, "parse_data": command},
        {"event": "action", "name": "utter_safety"},
    ]
    dispatcher = CollectingDispatcher()
    await ActionHelpThem().run(dispatcher, asked, {})
    assert texts(dispatcher)[0].split("\n")[0] == first_line


CALM_LISTED = ("calm-helpline", "samaritans", "warwickshire-fis")
ABUSE_LINES = ("national-domestic-abuse-helpline", "mens-advice-line", "samaritans")


@pytest.mark.parametrize(
    ("latest", "card"),
    [
        # The twenty-sixth user test's Nuneaton dad, four times (README, "calm opening hours").
        (
            asked_with_no_list(
                "my mate said something called CALM is good for blokes. is that real? does it "
                "cost anything",
                "find_services",
            ),
            "calm-helpline",
        ),
        (
            a_few_turns_after_a_list(
                "im not in danger i just asked if calm is free and what time its open",
                "ask_anxiety",
                CALM_LISTED,
            ),
            "calm-helpline",
        ),
        (
            a_few_turns_after_a_list("calm opening hours", "ask_crying_baby", CALM_LISTED),
            "calm-helpline",
        ),
        (
            under_listed(
                "and the CALM helpline, is that free and is it open at night",
                "find_services",
                DADS_IDS,
            ),
            "calm-helpline",
        ),
        # "calm" with the practical word three words on: not the helpline.
        (
            a_few_turns_after_a_list(
                "how do i stay calm, is it free to see someone", "ask_anxiety", CALM_LISTED
            ),
            None,
        ),
    ],
)
async def test_calm_beside_a_practical_word_names_the_calm_helpline(find, latest, card):
    dispatcher = CollectingDispatcher()
    action = find if latest.latest_message["intent"]["name"] == "find_services" else None
    await (action or ActionAnswerTopic(find)).run(dispatcher, latest, {})
    services = payloads(dispatcher).get("services") or []
    if card:
        assert services == [card], texts(dispatcher)
    else:
        assert services != ["calm-helpline"], texts(dispatcher)


@pytest.mark.parametrize(
    ("latest", "service", "first"),
    [
        # The twenty-fifth user test's dad got the dads topic (README, "Is CALM ok for dads?",
        # fifty-eighth session).
        (
            asked_with_no_list("is CALM ok for dads", "ask_dads"),
            "calm-helpline",
            "Yes: CALM helpline is for dads and partners.",
        ),
        (
            asked_with_no_list("can dads use the perinatal team", "find_services"),
            "cwpt-perinatal-mental-health",
            "No: Perinatal mental health team (Coventry and Warwickshire) is not set up for dads "
            "and partners. Ask me for support for dads and partners and I'll look.",
        ),
        (
            under_listed("is samaritans ok for mums?", "find_services", DADS_IDS),
            "samaritans",
            "Yes: Samaritans is for mums.",
        ),
        # Not for them, and the catalogue holds one that is, for the same needs: that one, in
        # its place (README, "Can men call the National Domestic Abuse Helpline?").
        (
            asked_with_no_list(
                "can men call the national domestic abuse helpline", "find_services"
            ),
            "mens-advice-line",
            "No: National Domestic Abuse Helpline is not set up for dads and partners. For dads "
            "and partners, there is Men's Advice Line.",
        ),
        # The thirty-first user test's dad, by the name parents use for it.
        (
            asked_with_no_list(
                "so the domestic abuse helpline is that for men too or just women", "find_services"
            ),
            "mens-advice-line",
            "No: National Domestic Abuse Helpline is not set up for dads and partners. For dads "
            "and partners, there is Men's Advice Line.",
        ),
        (
            asked_with_no_list("is the mens advice line for women too", "ask_domestic_abuse"),
            "national-domestic-abuse-helpline",
            "No: Men's Advice Line is not set up for mums. For mums, there is National Domestic "
            "Abuse Helpline.",
        ),
        # The thirty-first user test's dad named the line by its number (README, "a phone
        # number in a question about a service", sixtieth session), as typed or run together.
        (
            asked_with_no_list("is the 0808 2000 247 one for men or not", "ask_dads"),
            "mens-advice-line",
            "No: National Domestic Abuse Helpline is not set up for dads and partners. For dads "
            "and partners, there is Men's Advice Line.",
        ),
        (
            under_listed("is 08082000247 for men or not", "find_services", ABUSE_LINES),
            "mens-advice-line",
            "No: National Domestic Abuse Helpline is not set up for dads and partners. For dads "
            "and partners, there is Men's Advice Line.",
        ),
    ],
)
async def test_who_a_named_service_is_for_comes_from_its_audiences(find, latest, service, first):
    dispatcher = CollectingDispatcher()
    action = (
        ActionAnswerTopic(find)
        if latest.latest_message["intent"]["name"].startswith("ask_")
        else find
    )
    await action.run(dispatcher, latest, {})
    said = texts(dispatcher)
    assert payloads(dispatcher)["services"] == [service], said
    assert said[0] == first and len(said) == 2, said  # then the card's line


@pytest.mark.parametrize(
    ("latest", "card"),
    [
        (asked_with_no_list("is 116 123 free", "find_services"), "samaritans"),
        (asked_with_no_list("can i text 85258 at night, is it free", "find_services"), "shout"),
        (under_listed("is 0800-999-5428 free", "find_services", ABUSE_LINES), "galop"),
        # A number no listed service has names nothing: answered as before.
        (asked_with_no_list("is 0121 496 0000 free", "find_services"), None),
        (under_listed("is 01926 000000 free to call", "find_services", ABUSE_LINES), None),
    ],
)
async def test_a_phone_number_names_the_service_whose_number_it_is(find, latest, card):
    dispatcher = CollectingDispatcher()
    await find.run(dispatcher, latest, {})
    cards = [c["id"] for c in payloads(dispatcher).get("cards", [])]
    if card:
        assert cards == [card], texts(dispatcher)
        name = payloads(dispatcher)["cards"][0]["name"]
        assert texts(dispatcher)[0].startswith(f"{name} "), texts(dispatcher)  # its cost line
    else:
        assert len(cards) != 1, texts(dispatcher)


@pytest.mark.parametrize(
    ("text", "intent"),
    [("is there anything for dads", "find_services"), ("is pandas just for mums", "find_services")],
)
async def test_no_audience_line_without_a_question_of_who_one_service_is_for(find, text, intent):
    dispatcher = CollectingDispatcher()
    await find.run(dispatcher, asked_with_no_list(text, intent), {})
    assert not any(t.startswith(("Yes: ", "No: ")) for t in texts(dispatcher)), texts(dispatcher)


@pytest.mark.parametrize(
    ("text", "card"),
    [
        # The twenty-ninth user test's mum got the asking-for-help topic (README, fifty-eighth
        # session): how to reach a named service is a practical question.
        ("can i be referred to the perinatal mental health team", True),
        ("how do i actually get to the perinatal team then, do i ring them myself?", True),
        ("i rang my mum and she was lovely", False),
    ],
)
async def test_how_to_reach_a_service_named_a_few_turns_after_its_list_gets_its_card(
    find, text, card
):
    dispatcher = CollectingDispatcher()
    latest = a_few_turns_after_a_list(text, "ask_asking_for_help", PERINATAL_LISTED)
    await ActionAnswerTopic(find).run(dispatcher, latest, {})
    cards = [c["id"] for c in payloads(dispatcher).get("cards", [])]
    assert (cards == ["cwpt-perinatal-mental-health"]) is card, texts(dispatcher)


@pytest.mark.parametrize(
    ("text", "services"),
    [
        # The twenty-ninth user test's Rugby dad got "Cradle is for dads and partners too"
        # (README, fifty-eighth session).
        ("is there actually anything for dads round rugby or is it all for mums", True),
        # Questions about Cradle keep their answers, a place in them or not (`make test` caught
        # the first form answering these with services).
        ("hey. is this just for mums or can dads use it too", False),
        ("are the services quality checked", False),
        (
            "How does a local service get added to your list, and how would it get a quality mark?",
            False,
        ),
        (
            "You mention counts kept to plan services. What's in those counts, and could the "
            "council see them, e.g. how many parents in Nuneaton asked about low mood?",
            False,
        ),
        ("who runs this", False),
        ("is this a real person", False),
    ],
)
async def test_a_question_about_cradle_that_asks_for_services_gets_them(find, text, services):
    dispatcher = CollectingDispatcher()
    latest = asked_with_no_list(text, "ask_about_cradle")
    await ActionAboutCradle(find).run(dispatcher, latest, {})
    listed = payloads(dispatcher).get("services") or []
    assert bool(listed) is services, texts(dispatcher)
    if services:
        assert listed[0] == "saturdads-rugby", listed  # Rugby's dads' group first


@pytest.mark.parametrize(
    ("text", "crisis_lines"),
    [
        # README, "not a crisis line" (sixtieth session): the thirtieth user test's mum.
        ("someone to talk to in the evenings, not a crisis line", False),
        ("any support in stratford? not a crisis line, just someone to talk to", False),
        ("someone to talk to in the evenings", True),
    ],
)
async def test_a_request_that_turns_crisis_lines_down_gets_none(find, text, crisis_lines):
    dispatcher = CollectingDispatcher()
    await find.run(dispatcher, asked_with_no_list(text, "find_services"), {})
    listed = set(payloads(dispatcher)["services"])
    assert listed, texts(dispatcher)
    lines = {"samaritans", "shout", "calm-helpline", "nhs-111-mental-health"}
    assert bool(listed & lines) is crisis_lines, listed


GROUPS = {"warwickshire-fis", "warwickshire-wellbeing-hubs"}  # meeting other parents, county-wide
ABUSE_SERVICES = {"national-domestic-abuse-helpline", "refuge-warwickshire", "mens-advice-line"}


@pytest.mark.parametrize(
    ("text", "topic", "groups"),
    [
        # README, "a group asked for wins over the topic before" (sixtieth session): the
        # thirty-first user test's grandmother, after the relationships answer.
        ("is there a mums group in atherstone", "relationships", True),
        ("any groups for new mums in atherstone", "low-mood", True),
        ("is there a mums group in atherstone", None, True),
        # No need named: the topic talked about is still what is searched.
        ("any support in atherstone", "relationships", False),
    ],
)
async def test_a_group_asked_for_wins_over_the_topic_before(find, text, topic, groups):
    dispatcher = CollectingDispatcher()
    latest = tracker("find_services", **({"topic": topic} if topic else {}))
    latest.latest_message["text"] = text
    await find.run(dispatcher, latest, {})
    listed = set(payloads(dispatcher)["services"])
    if groups:  # the groups, and at most the line added for the hour (`Catalogue._backup`)
        assert GROUPS <= listed and len(listed - GROUPS) <= 1, listed
        assert not listed & (ABUSE_SERVICES | {"relate"}), listed
    else:
        assert "relate" in listed, listed  # the relationships topic's own


@pytest.mark.parametrize(
    ("crisis_reply", "given", "kept"),
    [
        # README, "he stays a dad for the rest of the conversation" (sixtieth session).
        ("abuse", None, [DADS_AUDIENCE]),
        ("abuse", "mum", []),  # she said who she is: not changed
        ("abuse_for_other", None, []),  # the dads topic for a friend's abuse sets nothing
        (None, None, []),
    ],
)
async def test_after_the_abuse_answer_for_dads_the_conversation_keeps_him_a_dad(
    crisis_reply, given, kept
):
    slots = {"safety_tier": "urgent", "safety_response": crisis_reply} if crisis_reply else {}
    slots |= {"audience": given} if given else {}
    events = await ActionAnswerTopic().run(CollectingDispatcher(), tracker("ask_dads", **slots), {})
    assert [e["value"] for e in events if e.get("name") == "audience"] == kept


async def test_no_to_the_danger_check_then_answers_him_as_a_dad():
    # The thirtieth user test's dad pressed "No" and got the abuse answer for anyone.
    from actions.actions import ActionCheckCleared

    slots = {"safety_tier": "urgent", "safety_response": "abuse"}
    events = await ActionAnswerTopic().run(CollectingDispatcher(), tracker("ask_dads", **slots), {})
    slots |= {e["name"]: e["value"] for e in events if e.get("name") == "audience"}
    dispatcher = CollectingDispatcher()
    latest = tracker("deny", "sms", pending_topic="domestic-abuse", **slots)
    await ActionCheckCleared().run(dispatcher, latest, {})
    said = " ".join(texts(dispatcher))
    assert "Men's Advice Line" in said, said


@pytest.mark.parametrize(
    ("text", "kept_before", "kept"),
    [
        # README, "a place said once is kept" (sixtieth session): the thirty-first user test's
        # grandmother was asked for her town after naming Atherstone.
        ("my daughter in law in atherstone is in tears all day", None, ["north-warwickshire"]),
        ("im in tears all day, we live in nuneaton", None, ["nuneaton-and-bedworth"]),
        ("im in tears all day", None, []),
        ("my daughter in law in atherstone is in tears all day", "rugby", []),
        ("we moved to leeds and im in tears all day", None, []),
    ],
)
async def test_a_place_named_in_a_topic_question_is_kept(text, kept_before, kept):
    latest = tracker("ask_low_mood", **({"area": kept_before} if kept_before else {}))
    latest.latest_message["text"] = text
    events = await ActionAnswerTopic().run(CollectingDispatcher(), latest, {})
    assert [e["value"] for e in events if e.get("name") == "area"] == kept


@pytest.mark.parametrize(
    ("before", "crisis_lines"),
    [
        # README, "the wish is kept for the conversation" (sixtieth session).
        (
            [{"event": "user", "text": "someone to talk to in the evenings, not a crisis line"}],
            False,
        ),
        # A new session since: the list as usual.
        (
            [
                {"event": "user", "text": "someone to talk to in the evenings, not a crisis line"},
                {"event": "session_started"},
            ],
            True,
        ),
        ([{"event": "user", "text": "someone to talk to in the evenings"}], True),
    ],
)
async def test_crisis_lines_turned_down_stay_down_for_the_conversation(find, before, crisis_lines):
    dispatcher = CollectingDispatcher()
    latest = tracker("find_services")
    latest.latest_message["text"] = "what about in stratford"
    latest.events[:0] = before
    await find.run(dispatcher, latest, {})
    listed = set(payloads(dispatcher)["services"])
    lines = {"samaritans", "shout", "calm-helpline", "nhs-111-mental-health"}
    assert listed and bool(listed & lines) is crisis_lines, listed
