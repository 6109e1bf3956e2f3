"""A topic question about someone else gets the answer for family and friends (cradle/helping)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.actions import ActionAnswerTopic, ActionTopicSection
from bot.components.safety_check import SafetyCheck
from cradle.audience import speaks_of_self
from cradle.content import HELPING_AUDIENCE, get_topic, intent_for_topic, parse_topic, topic_ids
from cradle.frozen import body_checksum
from cradle.helping import (
    ABOUT_KEY,
    FROZEN_SET,
    FROZEN_SETS,
    SOMEONE_ELSE,
    about_someone_else,
    load_set,
    report,
)
from cradle.replies import section_messages, topic_messages
from cradle.sms import segments
from cradle.yamlio import ContentError
from tests.sent import as_rasa_sends
from tests.unit.test_after_crisis import nlu_message

# Each frozen part's own checksum and size, kept here so editing a file and its header together
# fails, and so does adding or removing a part.
FROZEN = {
    "for_someone_else.yml": (
        "97c7e5c5d70d04889f19f7bb3cac09809a19e486136cdeba156aaee3b6054f21",
        107,
    ),
    "for_someone_else_2.yml": (
        "30e34bda3e678b5ec38dd460db94aa7df445864b16d1bb46ef6edc3318d32485",
        108,
    ),
    "for_someone_else_3.yml": (
        "c4618f8a7340948fdc5fbae001c7104879fb2846bff0b4d33542a030ddbb23fb",
        111,
    ),
}


def test_the_frozen_parts_are_exactly_these():
    assert sorted(p.name for p in FROZEN_SETS.glob("for_someone_else*.yml")) == sorted(FROZEN)
    assert FROZEN_SET.name in FROZEN


@pytest.mark.parametrize(("name", "frozen"), FROZEN.items())
def test_a_frozen_part_is_unchanged_and_whole(name, frozen):
    sha, writers = frozen
    text = (FROZEN_SETS / name).read_text(encoding="utf-8")
    assert text.splitlines()[0] == f"# sha256: {sha}"
    assert body_checksum(text) == sha
    messages = load_set(FROZEN_SETS / name)
    assert {label: len(texts) for label, texts in messages.items()} == {
        "writer": writers,
        "someone_else": 120,
    }


def test_a_set_with_other_labels_is_refused(tmp_path):
    from cradle.frozen import freeze

    path = tmp_path / "set.yml"
    path.write_text("writer: [a]\nthem: [b]\n", encoding="utf-8")
    freeze(path)
    with pytest.raises(ContentError, match="expected exactly the labels"):
        load_set(path)


@pytest.mark.parametrize(
    ("probability", "threshold", "expected"),
    [(0.9, 0.8, True), (0.8, 0.8, True), (0.79, 0.8, False), (None, 0.8, False)],
)
def test_only_a_sure_reading_counts_as_about_someone_else(probability, threshold, expected):
    assert about_someone_else(probability, threshold) is expected


def test_the_report_counts_each_label_and_shows_no_message():
    messages = {"writer": ["i feel low", "we argue"], "someone_else": ["my wife is low", "she"]}
    lines = report(messages, lambda text: "wife" in text or text == "we argue")
    assert lines == [
        "  writer        read as about someone else 1/2",
        "  someone_else  read as about someone else 1/2",
    ]
    assert not any("wife" in line for line in lines)


@pytest.mark.parametrize("topic_id", topic_ids())
def test_every_topic_has_a_one_segment_answer_for_family_and_friends(topic_id):
    topic = get_topic(topic_id)
    helping = topic.short_text(HELPING_AUDIENCE)
    assert helping == " ".join(str(topic.meta["sms_helping"]).split()).strip()
    assert helping != topic.short_text(None)
    assert segments(helping) == 1
    assert "your " not in helping.lower()  # written about them, not to the parent


def test_a_topic_without_an_answer_for_family_and_friends_gives_its_own():
    topic = get_topic("low-mood")
    meta = {k: v for k, v in topic.meta.items() if k != "sms_helping"}
    # replace(), not the instance's __dict__: that also holds cached properties (focuses).
    plain = replace(topic, meta=meta)
    assert plain.short_text(HELPING_AUDIENCE) == topic.short_text(None)


def test_the_answer_about_someone_else_offers_the_parents_own_in_one_tap():
    topic = get_topic("anxiety")
    buttons = topic_messages(topic, HELPING_AUDIENCE)[0]["buttons"]
    assert buttons[-1] == {"title": "It's about me", "payload": f"/{intent_for_topic('anxiety')}"}
    assert "It's about me" not in [b["title"] for b in topic_messages(topic, None)[0]["buttons"]]


def tracker(latest_extra: dict[str, Any], **slots: Any) -> Tracker:
    latest = {"intent": {"name": "ask_low_mood", "confidence": 1.0}, "entities": [], "text": "x"}
    latest |= latest_extra
    events = [{"event": "user", "text": "x", "parse_data": latest, "input_channel": "rest"}]
    return Tracker("test-sender", slots, latest, events, False, None, {}, "action_listen")


@pytest.mark.parametrize(
    ("extra", "slots", "expected_key"),
    [
        ({ABOUT_KEY: SOMEONE_ELSE}, {}, "sms_helping"),
        ({ABOUT_KEY: SOMEONE_ELSE}, {"audience": "dad-or-partner"}, "sms_helping"),
        ({}, {}, "sms"),
        ({}, {"audience": "dad-or-partner"}, "sms_dads"),
        ({ABOUT_KEY: "anything else"}, {}, "sms"),
    ],
)
async def test_the_first_answer_follows_whose_wellbeing_is_asked_about(extra, slots, expected_key):
    dispatcher = CollectingDispatcher()
    await ActionAnswerTopic().run(dispatcher, tracker(extra, **slots), {})
    first = next(m for m in as_rasa_sends(dispatcher) if m.get("text"))
    topic = get_topic("low-mood")
    assert first["text"] == f"{topic.title}\n" + " ".join(str(topic.meta[expected_key]).split())
    # Who the parent is stays what they said: "family or friend" is never recorded as them.
    audiences = [
        m["custom"]["cradle"].get("audience")
        for m in dispatcher.messages
        if m.get("custom") and "audience" in m["custom"]["cradle"]
    ]
    assert audiences == ([slots["audience"]] if slots else [])


@pytest.mark.parametrize(
    ("text", "intent", "marked"),
    [
        ("my daughter had a baby and she seems really down, what can I do", "ask_low_mood", True),
        ("how do i support my friend who has pnd", "ask_low_mood", True),
        ("i feel really low since the baby", "ask_low_mood", False),
        ("my husband says i'm always snappy, am i depressed?", "ask_low_mood", False),
        # Not a topic question: nothing to choose an answer for, so not read.
        ("how do i support my friend who has pnd", "find_services", False),
    ],
)
def test_the_nlu_marks_a_topic_question_about_someone_else(text, intent, marked):
    [out] = SafetyCheck().process([nlu_message(text, intent, 0.9, None)])
    parsed = out.as_dict(only_output_properties=True)
    assert (parsed.get(ABOUT_KEY) == SOMEONE_ELSE) is marked
    assert out.get("intent")["name"] == intent  # the topic is unchanged, only its wording


@pytest.mark.parametrize("topic_id", topic_ids())
def test_the_part_for_family_and_friends_is_theirs_alone(topic_id):
    # The tenth user test: a sister's "Tell me more" got parts written to the parent.
    topic = get_topic(topic_id)
    assert topic.more_order(HELPING_AUDIENCE)[0] == "helping"
    for audience in (None, "mum", "dad-or-partner"):
        assert "helping" not in topic.more_order(audience)
    helping = topic.section("For family and friends")
    assert helping is not None and "you care about" in helping.text


def titles(messages: list[dict[str, Any]]) -> list[str]:
    return [b["title"] for m in messages for b in m.get("buttons") or []]


def test_family_and_friends_are_offered_their_part_and_the_parents_own_on_every_reply():
    topic = get_topic("low-mood")
    first = titles(topic_messages(topic, HELPING_AUDIENCE))
    assert first[1] == "For family and friends" and first[-1] == "It's about me"
    assert not {"What can help today", "When to get help", "For dads and partners"} & set(first)
    part = section_messages(topic, "helping", HELPING_AUDIENCE, ["helping"])
    assert part[0]["text"].startswith("For family and friends\n\nIf someone you care about")
    assert "For family and friends" not in titles(part) and titles(part)[-1] == "It's about me"
    assert "It's about me" not in titles(section_messages(topic, "about", None, ["about"]))


def typed(text: str, helping: bool, topic: str = "low-mood", intent: str = "ask_low_mood"):
    latest = {"intent": {"name": intent, "confidence": 0.9}, "entities": [], "text": text}
    events = [
        {"event": "user", "text": "earlier", "parse_data": {}, "input_channel": "rest"},
        {"event": "action", "name": "action_find_services"},
        {"event": "user", "text": text, "parse_data": latest, "input_channel": "rest"},
    ]
    slots = {"topic": topic, "topic_seen": [], "helping": helping}
    return Tracker("s", slots, latest, events, False, None, {}, "action_listen")


def helping_set(events: list[dict[str, Any]]) -> object:
    return next(e["value"] for e in events if e.get("name") == "helping")


@pytest.mark.parametrize(
    ("text", "helping", "intent", "expected"),
    [
        # After an answer for a helper, a question on the same topic is theirs too ...
        ("what do I actually say though?", True, "ask_low_mood", "sms_helping"),
        # ... another topic too (the eleventh user test's grandmother),
        (
            "is this just baby blues or pnd? when should i worry",
            True,
            "ask_low_mood",
            "sms_helping",
        ),
        ("does she need more sleep?", True, "ask_sleep_and_exhaustion", "sms_helping"),
        # ... but not a button (the "It's about me" one), nor the writer's own state,
        ("/ask_low_mood", True, "ask_low_mood", "sms"),
        ("to be honest im shattered myself", True, "ask_sleep_and_exhaustion", "sms"),
        ("i cant sleep either", True, "ask_sleep_and_exhaustion", "sms"),
        # and a parent's own conversation stays theirs.
        ("what do I actually say though?", False, "ask_low_mood", "sms"),
    ],
)
async def test_whose_question_it_is_lasts_until_the_writer_speaks_of_themselves(
    text, helping, intent, expected
):
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerTopic().run(dispatcher, typed(text, helping, intent=intent), {})
    first = next(m for m in as_rasa_sends(dispatcher) if m.get("text"))
    topic = get_topic("low-mood" if intent == "ask_low_mood" else "sleep-and-exhaustion")
    assert first["text"] == f"{topic.title}\n" + " ".join(str(topic.meta[expected]).split())
    assert helping_set(events) is (expected == "sms_helping")


@pytest.mark.parametrize(
    ("helping", "heading"), [(True, "For family and friends"), (False, "What this is")]
)
async def test_tell_me_more_after_an_answer_for_a_helper_shows_their_part(helping, heading):
    dispatcher = CollectingDispatcher()
    tracker = typed('/topic_more{"section": "more"}', helping, intent="topic_more")
    await ActionTopicSection().run(dispatcher, tracker, {})
    assert as_rasa_sends(dispatcher)[0]["text"].startswith(heading)


async def test_a_worry_written_for_helpers_is_followed_by_their_part():
    # "Bringing up a worry" is for a relative or friend: after it, "Tell me more" got the topic's
    # part on fearing a baby would be taken away, written to the parent (tenth user test).
    text = "my sister seems really down, how do I bring it up without upsetting her?"
    dispatcher = CollectingDispatcher()
    tracker = typed(text, False, topic="", intent="ask_asking_for_help")
    events = await ActionAnswerTopic().run(dispatcher, tracker, {})
    assert helping_set(events) is True
    first = as_rasa_sends(dispatcher)[0]
    assert first["text"].startswith("Bringing up a worry")
    buttons = [b["title"] for b in first["buttons"]]
    assert "For family and friends" in buttons and buttons[-1] == "It's about me"


def test_for_helpers_must_be_true_or_false(tmp_path):
    topic = get_topic("asking-for-help")
    text = topic.path.read_text(encoding="utf-8").replace(
        "for_helpers: true", "for_helpers: yes please"
    )
    bad = tmp_path / "asking-for-help.md"
    bad.write_text(text, encoding="utf-8")
    # Read as a string "yes please" would be truthy: refused, with the file named.
    with pytest.raises(ContentError, match="for_helpers must be true or false"):
        parse_topic(bad.read_text(encoding="utf-8"), bad).focuses  # noqa: B018 - parsed lazily


@pytest.mark.parametrize(
    ("text", "of_self"),
    [
        ("to be honest im shattered myself", True),
        ("I feel like I'm failing her", True),
        ("i cant sleep for worrying about her", True),
        ("what do I actually say though?", False),
        ("should i ring her gp myself behind her back?", False),
        ("is this just baby blues? when should i actually worry", False),
    ],
)
def test_the_writer_speaking_of_themselves_is_told_apart_from_a_question_about_her(text, of_self):
    assert speaks_of_self(text) is of_self
