"""The fixed lines as Rasa renders them from domain.yml: what the actions send by name reaches a
parent as the content file says, with the SMS variation on SMS (issue 14)."""

from __future__ import annotations

import re

import pytest
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from cradle.paths import PROJECT_ROOT, content_dir
from cradle.responses import _messages_for, message, pick_variation, say

DOMAIN = Domain.load(str(PROJECT_ROOT / "domain.yml"))
NLG = TemplatedNaturalLanguageGenerator(DOMAIN.responses)
KEYS = sorted(_messages_for(str(content_dir() / "responses.yml")))


def tracker() -> DialogueStateTracker:
    return DialogueStateTracker.from_events("s", [], slots=DOMAIN.slots)


@pytest.mark.parametrize("key", KEYS)
async def test_every_line_an_action_can_say_is_a_domain_response(key):
    values = {"place": "Rugby", "listing": "kite-marked", "note": "N", "limit": "1", "options": "O"}
    values |= {"label": "Kite-marked by a council", "owner": "a council"}
    values |= {"name": "A council", "website": "https://a.org", "complaints": "https://a.org/c"}
    values |= {"reviewed": "2", "total": "13", "who": "LGBTQ+ parents", "short_place": "Rugby"}
    values |= {"served": "Coventry", "description": "What a service does.", "months": "12"}
    values |= {"names": "Samaritans, CALM helpline", "when": "tomorrow at 09:00", "other": "O"}
    sent = say(key, **{k: v for k, v in values.items() if "{" + k + "}" in str(_raw(key))})
    rendered = await NLG.generate(sent["response"], tracker(), "rest", **sent["values"])
    expected = message(key, **sent["values"])
    assert rendered is not None
    assert rendered["text"] == expected["text"]
    # Payloads with braces ('/feedback{"helpful": "yes"}') reach the widget unchanged.
    assert [b["payload"] for b in rendered.get("buttons") or []] == [
        b["payload"] for b in expected.get("buttons") or []
    ]


def _raw(key: str) -> object:
    return _messages_for(str(content_dir() / "responses.yml"))[key]


async def test_a_place_is_filled_in_by_rasa():
    sent = say("services_local", place="Nuneaton and Bedworth", listing="kite-marked")
    rendered = await NLG.generate(sent["response"], tracker(), "web_chat", **sent["values"])
    assert "Nuneaton and Bedworth" in rendered["text"] and "{place}" not in rendered["text"]


@pytest.mark.parametrize(
    ("channel", "short"), [("twilio", True), ("web_chat", False), ("rest", False)]
)
async def test_sms_gets_its_own_greeting(channel, short):
    rendered = await NLG.generate("utter_greet", tracker(), channel)
    assert ("I don't keep your texts" in rendered["text"]) is short
    assert len(rendered["text"]) < 260 if short else len(rendered["text"]) > 300
    assert [b["title"] for b in rendered["buttons"]][0] == "Feeling low"


def test_an_unknown_line_or_a_missing_placeholder_fails_in_the_action():
    from cradle.yamlio import ContentError

    with pytest.raises(ContentError):
        say("no_such_line")
    with pytest.raises(KeyError):
        say("services_local", listing="kite-marked")  # {place} not given


def _replies_for_someone_else() -> list[tuple[str, str]]:
    """(response, text) of every variation written for someone else's crisis."""
    return [
        (name, variation.get("text") or "")
        for name, variations in DOMAIN.responses.items()
        for variation in variations
        if any(
            c.get("name") == "safety_response" and str(c.get("value")).endswith("_for_other")
            for c in variation.get("condition") or []
        )
    ]


@pytest.mark.parametrize(("name", "text"), _replies_for_someone_else())
def test_a_reply_about_someone_else_never_guesses_whether_they_are_a_man_or_a_woman(name, text):
    # The fifteenth user test's wife, worried about her husband, was told three times "If she
    # had a baby recently... she needs care today".
    assert text and not re.search(r"\b(she|her|hers|he|him|his)\b", text, re.I), (name, text)


@pytest.mark.parametrize(
    "line",
    ["service_cost_low", "service_cost_unknown", "services_cost_low", "services_cost_unknown"],
)
def test_a_cost_line_fits_an_app_or_a_helpline_too(line):
    # "I don't know what DadPad app (Warwickshire) costs: ask them before you go." (README,
    # fifty-eighth session): there is nowhere to go for an app.
    name = "DadPad app (Warwickshire)"
    text = message(line, name=name, names=name)["text"]
    assert text.lower().endswith("check with them first.") and "before you go" not in text, text


# Lines that answer day and night (their own pages): 999, NHS 111, Samaritans, Shout and the
# National Domestic Abuse Helpline. The Men's Advice Line's hours are not in Cradle's sources.
DAY_AND_NIGHT = ("999", "111", "116 123", "85258", "0808 2000 247")
PHONE = re.compile(r"\b(?:0\d{3} \d{2,4} \d{2,4}(?: \d{2})?|116 123|85258|999|111)\b")


@pytest.mark.parametrize(
    "response",
    sorted(
        {
            c["value"]
            for v in DOMAIN.responses["utter_safety"]
            for c in v.get("condition") or []
            if c.get("name") == "safety_response"
        }
    ),
)
def test_yes_im_safe_says_day_and_night_only_of_lines_that_answer_then(response):
    # The thirtieth user test's dad read "the numbers above work day and night" under a reply
    # naming the Men's Advice Line, then "I don't have opening times" for it (docs/safety.md,
    # fifty-ninth session).
    reply = " ".join(pick_variation("utter_safety", {"safety_response": response})["text"].split())
    safe = " ".join(
        pick_variation("utter_safety_glad_safe", {"safety_response": response})["text"].split()
    )
    if "numbers above work day and night" in safe:
        numbers = PHONE.findall(reply)
        assert numbers and all(n in DAY_AND_NIGHT for n in numbers), (response, numbers)
    if "Men's Advice Line" in reply:
        assert "day and night" not in safe or "Domestic Abuse Helpline for women" in safe, safe
