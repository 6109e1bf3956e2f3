"""Custom actions, run with rasa_sdk's own Tracker and CollectingDispatcher."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.actions import ActionAnswerTopic, ActionFindServices
from cradle.content import get_topic
from cradle.responses import message


def tracker(intent: str = "greet", channel: str = "rest", **slots: Any) -> Tracker:
    latest = {"intent": {"name": intent, "confidence": 1.0}, "entities": [], "text": "x"}
    events = [{"event": "user", "text": "x", "parse_data": latest, "input_channel": channel}]
    return Tracker("test-sender", slots, latest, events, False, None, {}, "action_listen")


def payloads(dispatcher: CollectingDispatcher) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for m in dispatcher.messages:
        if m.get("custom"):
            merged.update(m["custom"]["cradle"])
    return merged


def texts(dispatcher: CollectingDispatcher) -> list[str]:
    return [m["text"] for m in dispatcher.messages if m.get("text")]


async def test_answer_topic_sends_the_file_and_sets_the_topic():
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerTopic().run(dispatcher, tracker("ask_bonding"), {})
    assert events == [{"event": "slot", "timestamp": None, "name": "topic", "value": "bonding"}]
    assert payloads(dispatcher) == {"topic": "bonding"}
    assert texts(dispatcher)[0].startswith("Bonding with your baby")


async def test_answer_topic_uses_dads_wording_for_a_dad_on_sms():
    dispatcher = CollectingDispatcher()
    await ActionAnswerTopic().run(
        dispatcher, tracker("ask_sleep_and_exhaustion", "twilio", audience="i'm a dad"), {}
    )
    assert texts(dispatcher) == [
        " ".join(get_topic("sleep-and-exhaustion").meta["sms_dads"].split()),
        message("offer_local_support")["text"],
    ]
    assert texts(dispatcher)[0].startswith("Broken sleep hits dads and partners too.")


async def test_after_a_crisis_the_bot_checks_in_before_ordinary_topics():
    dispatcher = CollectingDispatcher()
    await ActionAnswerTopic().run(dispatcher, tracker("ask_bonding", safety_tier="urgent"), {})
    assert texts(dispatcher)[0] == message("safety_reminder")["text"]
    assert texts(dispatcher)[1].startswith("Bonding with your baby")


async def test_drafts_are_not_shown_when_drafts_are_switched_off(monkeypatch):
    monkeypatch.setenv("CRADLE_SERVE_DRAFTS", "0")
    dispatcher = CollectingDispatcher()
    await ActionAnswerTopic().run(dispatcher, tracker("ask_anxiety"), {})
    assert texts(dispatcher) == [
        message("services_none")["text"],
        message("offer_local_support")["text"],
    ]


@pytest.fixture()
def find(real_catalogue) -> ActionFindServices:
    action = ActionFindServices()
    action._catalogue = real_catalogue
    return action


async def test_find_services_asks_for_the_area_when_unknown(find):
    dispatcher = CollectingDispatcher()
    assert await find.run(dispatcher, tracker("affirm", topic="low-mood"), {}) == []
    assert texts(dispatcher) == [message("ask_area")["text"]]
    assert dispatcher.messages[0]["buttons"][2]["payload"] == '/inform{"area": "rugby"}'


async def test_find_services_signposts_listed_services_and_says_what_they_are(find):
    dispatcher = CollectingDispatcher()
    await find.run(dispatcher, tracker("inform", topic="domestic-abuse", area="CV21"), {})
    data = payloads(dispatcher)
    assert data["services"][0] == "national-domestic-abuse-helpline"
    assert data["gap"] is True  # no local domestic abuse service in the sample
    # The sample catalogue is not a kite mark, and nothing the parent reads says it is.
    assert all(card["kitemark"]["status"] == "listed" for card in data["cards"])
    assert all(not card["kitemark"]["real"] for card in data["cards"])
    intro = texts(dispatcher)[0]
    assert "listed in Cradle's sample catalogue" in intro and "kite-marked" not in intro


async def test_find_services_for_a_dad_prefers_dads_services(find):
    dispatcher = CollectingDispatcher()
    await find.run(
        dispatcher,
        tracker("inform", topic="domestic-abuse", area="rugby", audience="dad-or-partner"),
        {},
    )
    services = payloads(dispatcher)["services"]
    # The dads' line leads the topic's services (at night a line open now may come before it,
    # see tests/unit/test_ranking.py), and the helpline for women is not offered to a dad.
    topic_services = [s for s in services if s != "calm-helpline"]
    assert topic_services[0] == "mens-advice-line"
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


async def test_find_services_for_coventry_offers_national_services_only(find):
    dispatcher = CollectingDispatcher()
    await find.run(dispatcher, tracker("inform", topic="low-mood", area="Coventry"), {})
    assert "Coventry has its own" in texts(dispatcher)[0]
    assert {c["scope"] for c in payloads(dispatcher)["cards"]} == {"national"}


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
