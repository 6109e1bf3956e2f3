"""The service filter form: how a reply to "which town or area?" is read, its thin actions, and
the rules that keep a parent from being stuck in it (issue 12, point 2)."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.actions import ActionAskArea, ActionFindServices, ValidateServiceFilterForm
from cradle.content import topic_for_intent
from cradle.paths import PROJECT_ROOT
from cradle.responses import message
from cradle.service_filter import AreaReply, read_area_reply
from cradle.turn import check_command
from tests.sent import as_rasa_sends

FORM = "service_filter_form"


def load(path: str) -> dict[str, Any]:
    return yaml.safe_load((PROJECT_ROOT / path).read_text(encoding="utf-8"))


DOMAIN = load("domain.yml")

# --- reading the reply: plain functions ---


@pytest.mark.parametrize(
    ("typed", "district"),
    [
        # misspelt towns
        ("nuneton", "nuneaton-and-bedworth"),
        ("Lemington", "warwick"),
        ("lemington", "warwick"),
        ("kenilwoth", "warwick"),
        # longer names and spellings of a town
        ("stratford upon avon", "stratford-on-avon"),
        ("Stratford-upon-Avon", "stratford-on-avon"),
        ("henley in arden", "stratford-on-avon"),
        ("leamington spa", "warwick"),
        ("Royal Leamington Spa", "warwick"),
        # postcodes, the district or the whole code
        ("CV21", "rugby"),
        ("cv11 3ab", "nuneaton-and-bedworth"),
        ("CV34 4AB", "warwick"),
        ("my postcode is cv21 2ab", "rugby"),
        # a place in a sentence, misspelt or not
        ("i live near nuneton", "nuneaton-and-bedworth"),
        ("we're in lemington", "warwick"),
        ("bedworth please", "nuneaton-and-bedworth"),
        ("no, we're in Rugby", "rugby"),
        # the buttons' values
        ("north-warwickshire", "north-warwickshire"),
        ("Stratford-on-Avon", "stratford-on-avon"),
    ],
)
def test_a_reply_resolves_to_its_district(typed, district):
    assert read_area_reply(typed, typed, "inform") == AreaReply(area=district)


def test_an_entity_is_read_before_the_rest_of_the_reply():
    # "stratford upon avon": the lookup table's entity is "stratford".
    assert read_area_reply("stratford", "stratford upon avon", "inform").area == (
        "stratford-on-avon"
    )


@pytest.mark.parametrize(
    ("typed", "intent"),
    [
        ("skip", "affirm"),  # the NLU reads "skip" as a yes
        ("Skip", None),
        ("no", "deny"),
        ("no thanks", "deny"),
        ("doesn't matter", "deny"),
        ("dont mind", "nlu_fallback"),
        ("not bothered", "deny"),
        ("anywhere", "inform"),
        ("warwickshire", "inform"),  # the whole county, not North Warwickshire
        ("anywhere in Warwickshire", "inform"),
        ("/deny", "deny"),  # the Skip button
        ("nah not now", "deny"),
    ],
)
def test_no_skip_and_doesnt_matter_end_without_narrowing(typed, intent):
    assert read_area_reply(typed, typed, intent) == AreaReply(skip=True)


def test_a_weak_no_is_not_a_skip():
    # The NLU reads "narnia" as "no" at 0.23: an unknown place to refuse, not a skip.
    assert read_area_reply("narnia", "narnia", "deny", 0.23) == AreaReply()
    assert read_area_reply("not now", "not now", "deny", 0.9) == AreaReply(skip=True)


@pytest.mark.parametrize(
    "typed",
    [
        "<script>alert(1)</script>",
        "x' OR 1=1",
        "'; DROP TABLE services; --",
        "Narnia",
        "yes",
        "i feel so low since the baby came",
        "x" * 5000,
        "",
    ],
)
def test_anything_else_is_not_kept(typed):
    assert read_area_reply(typed, typed, "inform") == AreaReply()


def test_a_hostile_command_value_is_not_kept_and_its_json_is_not_read():
    reply = read_area_reply("<script>", '/inform{"area": "<script>"}', "inform")
    assert reply == AreaReply()


def test_a_place_outside_the_county_is_kept_as_its_allowlisted_name():
    # action_find_services then says so and offers national services.
    assert read_area_reply("Coventry", "Coventry", "inform") == AreaReply(area="coventry")
    assert read_area_reply("CV1 2AB", "CV1 2AB", "inform") == AreaReply(area="cv1")


@pytest.mark.parametrize(("typed", "audience"), [("i'm a dad", "dad-or-partner"), ("mum", "mum")])
def test_who_the_parent_is_is_kept_instead_of_an_error(typed, audience):
    assert read_area_reply(typed, typed, "inform") == AreaReply(audience=audience)


# --- validate_service_filter_form, called the way the form calls it ---


def form_tracker(
    text: str,
    intent: str = "inform",
    candidates: dict[str, Any] | None = None,
    requested: str | None = "area",
    **slots: Any,
) -> Tracker:
    """The tracker Rasa sends: the reply, the form's run, then the slot candidates."""
    latest = {"intent": {"name": intent, "confidence": 1.0}, "entities": [], "text": text}
    events: list[dict[str, Any]] = [
        {"event": "user", "text": text, "parse_data": latest, "input_channel": "rest"},
        {"event": "action", "name": FORM},
        *({"event": "slot", "name": k, "value": v} for k, v in (candidates or {}).items()),
    ]
    values = {"requested_slot": requested, "area": None, "audience": None, **slots}
    values.update(candidates or {})
    return Tracker("form", values, latest, events, False, None, {"name": FORM}, FORM)


async def validate(tracker: Tracker) -> tuple[dict[str, Any], list[str]]:
    dispatcher = CollectingDispatcher()
    events = await ValidateServiceFilterForm().run(dispatcher, tracker, DOMAIN)
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    return slots, [m["text"] for m in as_rasa_sends(dispatcher)]


@pytest.mark.parametrize(
    ("typed", "district"),
    [
        ("nuneton", "nuneaton-and-bedworth"),
        ("Lemington", "warwick"),
        ("cv11 3ab", "nuneaton-and-bedworth"),
    ],
)
async def test_a_known_place_is_kept_as_its_district_and_the_form_ends(typed, district):
    slots, said = await validate(form_tracker(typed, candidates={"area": typed}))
    assert slots == {"area": district, "requested_slot": None}
    assert said == []


@pytest.mark.parametrize("value", ["<script>", "x' OR 1=1", "Narnia"])
async def test_an_unknown_value_is_refused_not_stored_and_asked_again(value):
    text = f'/inform{{"area": "{value}"}}'
    slots, said = await validate(form_tracker(text, candidates={"area": value}))
    assert slots == {"area": None, "area_tries": 1, "requested_slot": "area"}
    assert said == [message("area_not_found")["text"]]


async def test_after_two_places_it_does_not_know_the_form_stops_asking():
    # A village that is not on the list must not loop "Sorry, I don't know that place".
    slots, said = await validate(
        form_tracker("Harbury", candidates={"area": "Harbury"}, area_tries=1)
    )
    assert slots == {"area": None, "area_tries": 2, "requested_slot": None}
    assert said == [message("area_give_up")["text"]]


@pytest.mark.parametrize(("typed", "intent"), [("/deny", "deny"), ("skip", "affirm")])
async def test_skip_ends_the_form_with_no_place_and_no_error(typed, intent):
    slots, said = await validate(form_tracker(typed, intent, candidates={"area": typed}))
    assert slots == {"area": None, "requested_slot": None}
    assert said == []


@pytest.mark.parametrize("typed", ["/affirm", "yes", "ok"])
async def test_yes_to_which_town_asks_again_without_an_error_or_a_try(typed):
    # The fifth user test pressed an old "Find support near me" (/affirm) during the question
    # and got "Sorry, I don't know that place in Warwickshire".
    slots, said = await validate(form_tracker(typed, "affirm", candidates={"area": typed}))
    assert slots == {"area": None, "requested_slot": "area"}
    assert said == []


def test_a_weak_yes_is_still_read_as_an_unknown_place():
    assert read_area_reply("narnia", "narnia", "affirm", 0.3) == AreaReply()
    assert read_area_reply("yes rugby", "yes rugby", "affirm") == AreaReply(area="rugby")


async def test_the_audience_is_normalised_and_the_place_still_asked():
    candidates = {"area": "i'm a dad", "audience": "i'm a dad"}
    slots, said = await validate(form_tracker("i'm a dad", candidates=candidates))
    assert slots == {"area": None, "audience": "dad-or-partner", "requested_slot": "area"}
    assert said == []


async def test_an_unknown_audience_is_not_kept():
    candidates = {"area": "rugby", "audience": "<b>boss</b>"}
    slots, _ = await validate(form_tracker("rugby", candidates=candidates))
    assert slots == {"area": "rugby", "audience": None, "requested_slot": None}


async def test_when_the_form_starts_it_asks_only_for_the_place():
    # Started by action_find_services: no reply to read yet, so no skip is guessed.
    tracker = form_tracker("no", "deny", requested=None)
    slots, said = await validate(tracker)
    assert slots == {"requested_slot": "area"}
    assert said == []


# --- the question, and the search once the form ends ---


@pytest.mark.parametrize(("shown", "key"), [(True, "ask_area_to_narrow"), (False, "ask_area")])
async def test_the_question_has_a_button_per_district_and_skip(shown, key):
    dispatcher = CollectingDispatcher()
    await ActionAskArea().run(dispatcher, form_tracker("x", services_shown=shown), DOMAIN)
    [asked] = as_rasa_sends(dispatcher)
    assert asked["text"] == message(key)["text"]
    titles = [b["title"] for b in asked["buttons"]]
    assert titles == [
        "North Warwickshire",
        "Nuneaton and Bedworth",
        "Rugby",
        "Stratford-on-Avon",
        "Warwick",
        "Skip",
    ]
    # Every button passes the channels' command check (else a tap gets "couldn't use that").
    for button in asked["buttons"]:
        assert check_command(button["payload"]) == button["payload"]


def after_form(text: str, **slots: Any) -> Tracker:
    latest = {"intent": {"name": "inform", "confidence": 1.0}, "entities": [], "text": text}
    events = [{"event": "user", "text": text, "parse_data": latest, "input_channel": "rest"}]
    return Tracker("after", slots, latest, events, False, None, {}, FORM)


@pytest.fixture()
def find(real_catalogue) -> ActionFindServices:
    action = ActionFindServices()
    action._catalogue = real_catalogue
    return action


def said(dispatcher: CollectingDispatcher) -> tuple[list[str], dict[str, Any]]:
    data: dict[str, Any] = {}
    for m in dispatcher.messages:
        if m.get("custom"):
            data.update(m["custom"]["cradle"])
    return [m["text"] for m in as_rasa_sends(dispatcher) if m.get("text")], data


async def test_after_the_form_the_services_are_for_the_district_and_nothing_more_is_asked(find):
    dispatcher = CollectingDispatcher()
    events = await find.run(
        dispatcher, after_form("nuneton", area="nuneaton-and-bedworth", services_shown=True), {}
    )
    texts, data = said(dispatcher)
    assert data["district"] == "nuneaton-and-bedworth" and data["services"]
    assert "Nuneaton and Bedworth" in texts[0]
    assert texts[-1] == message("ask_feedback")["text"]
    assert not any(e["event"] == "active_loop" for e in events)


@pytest.mark.parametrize(
    ("typed", "district", "town"),
    [
        ("leamington", "warwick", "Leamington"),  # not "just for Warwick" (sixth user test)
        ("alcester", "stratford-on-avon", "Alcester"),
    ],
)
async def test_a_district_named_for_one_town_is_named_with_its_others(find, typed, district, town):
    dispatcher = CollectingDispatcher()
    await find.run(dispatcher, after_form(typed, area=district, services_shown=True), {})
    texts, data = said(dispatcher)
    assert data["district"] == district
    assert town in texts[0]


async def test_skip_after_the_county_wide_list_shows_nothing_again(find):
    dispatcher = CollectingDispatcher()
    await find.run(dispatcher, after_form("skip", services_shown=True), {})
    texts, data = said(dispatcher)
    assert texts == [message("area_skipped")["text"], message("ask_feedback")["text"]]


async def test_a_list_after_the_parent_answered_was_this_helpful_does_not_ask_it_again(find):
    # The sixth user test: a dad pressed "No", typed again, and was asked again.
    answered = after_form("nuneton", area="nuneaton-and-bedworth", services_shown=True)
    answered.slots["topic"] = "low-mood"
    answered.events[:0] = [
        {"event": "slot", "name": "topic", "value": "low-mood"},
        {"event": "user", "parse_data": {"intent": {"name": "feedback"}}},
    ]
    dispatcher = CollectingDispatcher()
    await find.run(dispatcher, answered, {})
    texts, data = said(dispatcher)
    assert data["services"]
    assert message("ask_feedback")["text"] not in texts


async def test_giving_up_after_the_county_wide_list_says_only_was_this_helpful(find):
    dispatcher = CollectingDispatcher()
    await find.run(dispatcher, after_form("Harbury", services_shown=True, area_tries=2), {})
    texts, data = said(dispatcher)
    assert texts == [message("ask_feedback")["text"]]  # "I won't ask again" was just said
    assert "services" not in data


async def test_skip_before_any_list_gets_the_county_wide_one(find):
    dispatcher = CollectingDispatcher()
    events = await find.run(dispatcher, after_form("skip", services_shown=False), {})
    texts, data = said(dispatcher)
    assert data["services"] and "district" not in data
    assert texts[-1] == message("ask_feedback")["text"]
    assert not any(e["event"] == "active_loop" for e in events)


@pytest.mark.parametrize(
    ("typed", "area", "first", "scopes"),
    [
        ("Birmingham", "birmingham", "national services that anyone", {"national"}),
        # Coventry and Warwickshire's NHS services reach Coventry too (the fifteenth user test)
        ("Coventry", "coventry", "some of them cover Coventry too", {"county", "national"}),
    ],
)
async def test_a_place_outside_the_county_gets_what_reaches_it_and_is_forgotten(
    find, typed, area, first, scopes
):
    dispatcher = CollectingDispatcher()
    events = await find.run(dispatcher, after_form(typed, area=area, topic="low-mood"), {})
    texts, data = said(dispatcher)
    assert f"{typed} has its own" in texts[0] and first in texts[0]
    assert {c["scope"] for c in data["cards"]} == scopes
    assert {"event": "slot", "timestamp": None, "name": "area", "value": None} in events


async def test_the_need_of_a_request_is_kept_for_the_narrowed_search(find):
    text = "is there anything for anxiety near me"
    latest = {"intent": {"name": "find_services", "confidence": 1.0}, "entities": [], "text": text}
    events = [{"event": "user", "text": text, "parse_data": latest, "input_channel": "rest"}]
    tracker = Tracker("need", {}, latest, events, False, None, {}, "action_listen")
    found = await find.run(CollectingDispatcher(), tracker, {})
    slots = {e["name"]: e["value"] for e in found if e["event"] == "slot"}
    assert slots == {"topic": "anxiety", "services_shown": True, "area_tries": 0}


# --- nobody is stuck in the form: every intent is either read or ends it ---


def test_every_intent_is_either_an_answer_or_ends_the_form():
    area = DOMAIN["slots"]["area"]["mappings"]
    answers = {i for m in area if m["type"] == "from_text" for i in m["intent"]}
    rules = load("bot/data/rules.yml")["rules"]
    ending: set[str] = set()
    for rule in rules:
        if {"active_loop": FORM} not in rule.get("condition", []):
            continue
        actions = [s.get("action") for s in rule["steps"]]
        if actions and actions[0] is None and "action_deactivate_loop" in actions:
            first = rule["steps"][0]
            ending |= {s["intent"] for s in first.get("or", [first])}
    # find_services starts a new search, which starts the form again when it needs a place.
    handled = answers | ending | {"find_services"}
    assert set(DOMAIN["intents"]) - handled == set()
    assert answers & ending == set()


def test_crisis_and_topic_questions_are_never_read_as_a_place():
    ignored = set(DOMAIN["forms"][FORM]["ignored_intents"])
    topics = {i for i in DOMAIN["intents"] if topic_for_intent(i)}
    assert topics | {"safety_alert", "safety_check", "crisis_help"} <= ignored


def test_a_crisis_during_the_form_ends_with_the_check_in_question():
    # The channels read the bot's last action to hear "no" as "I'm not safe".
    rules = load("bot/data/rules.yml")["rules"]
    crisis = next(
        r
        for r in rules
        if {"active_loop": FORM} in r.get("condition", [])
        and {"intent": "safety_alert"} in r["steps"][0].get("or", [])
    )
    actions = [s["action"] for s in crisis["steps"] if "action" in s]
    assert actions == ["action_deactivate_loop", "utter_safety", "utter_safety_check_in"]


async def test_a_misspelt_town_given_outside_the_form_is_read_too(find):
    # After the form has ended (a greeting, say), "nuneton" on its own still finds services.
    latest = {"intent": {"name": "inform", "confidence": 0.46}, "entities": [], "text": "nuneton"}
    events = [{"event": "user", "text": "nuneton", "parse_data": latest, "input_channel": "rest"}]
    tracker = Tracker("later", {}, latest, events, False, None, {}, "action_listen")
    dispatcher = CollectingDispatcher()
    found = await find.run(dispatcher, tracker, {})
    assert {
        "event": "slot",
        "timestamp": None,
        "name": "area",
        "value": "nuneaton-and-bedworth",
    } in (found)
    assert said(dispatcher)[1]["district"] == "nuneaton-and-bedworth"
