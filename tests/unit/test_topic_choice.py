"""Two topics too close to call get a question with two buttons, not the wrong leaflet."""

from __future__ import annotations

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.actions import ActionAnswerTopic
from cradle.topic_choice import close_topics
from tests.sent import as_rasa_sends


def ranked(*pairs: tuple[str, float]) -> list[dict]:
    return [{"name": name, "confidence": confidence} for name, confidence in pairs]


@pytest.mark.parametrize(
    ("ranking", "expected"),
    [
        (
            ranked(("ask_low_mood", 0.41), ("ask_pregnancy_wellbeing", 0.38)),
            ("low-mood", "pregnancy-wellbeing"),
        ),
        (
            ranked(("ask_sleep_and_exhaustion", 0.30), ("ask_low_mood", 0.05)),
            ("sleep-and-exhaustion", "low-mood"),
        ),
        (
            ranked(("ask_anxiety", 0.62), ("ask_domestic_abuse", 0.50)),
            ("anxiety", "domestic-abuse"),
        ),
        (ranked(("ask_anxiety", 0.90), ("ask_domestic_abuse", 0.05)), None),
        (ranked(("ask_dads", 0.50), ("greet", 0.45)), None),
        (ranked(("ask_dads", 1.0)), None),
        (None, None),
    ],
    ids=[
        "close",
        "low confidence",
        "within the margin",
        "clear",
        "runner-up not a topic",
        "a button press",
        "no ranking",
    ],
)
def test_when_to_ask_which_topic(ranking, expected):
    assert close_topics(ranking) == expected


async def test_the_topic_action_asks_with_two_buttons_that_answer_next_time():
    latest = {
        "intent": {"name": "ask_low_mood", "confidence": 0.41},
        "intent_ranking": ranked(("ask_low_mood", 0.41), ("ask_pregnancy_wellbeing", 0.38)),
        "entities": [],
        "text": "cant stop crying at 20 weeks",
    }
    events = [
        {"event": "user", "text": latest["text"], "parse_data": latest, "input_channel": "rest"}
    ]
    tracker = Tracker("s", {}, latest, events, False, None, {}, "action_listen")
    dispatcher = CollectingDispatcher()
    assert await ActionAnswerTopic().run(dispatcher, tracker, {}) == []  # no topic chosen yet
    [question] = as_rasa_sends(dispatcher)
    assert "closer to what you mean" in question["text"]
    assert [(b["title"], b["payload"]) for b in question["buttons"]] == [
        ("Feeling low or down", "/ask_low_mood"),
        ("Looking after yourself in pregnancy", "/ask_pregnancy_wellbeing"),
    ]
