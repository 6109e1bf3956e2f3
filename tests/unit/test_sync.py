"""Generated Rasa files match content: the domain's safety responses, and the topic intents and
rule from content/topics/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from cradle.content import intent_for_topic, topic_ids
from cradle.paths import PROJECT_ROOT, content_dir
from cradle.responses import (
    CHANNELS,
    SMS_CHANNEL,
    get_responses,
    load_responses,
    safety_message,
)
from cradle.sync import (
    FORM_BEGIN,
    FORM_END,
    TOPICS_BEGIN,
    TOPICS_END,
    generated_files,
    stale_files,
    write_generated,
)
from cradle.yamlio import ContentError
from tests.conftest import add_topic


def test_generated_files_are_up_to_date():
    assert stale_files() == [], "run `cradle sync` after editing content/"


def test_domain_safety_responses_are_the_content_texts():
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())
    assert domain["responses"]["utter_safety"] == get_responses()["utter_safety"]


def test_every_safety_response_has_its_crisis_numbers():
    assert "999" in safety_message("emergency")["text"]
    assert "55" in safety_message("emergency")["text"]
    assert "116 123" in safety_message("urgent")["text"]
    assert "85258" in safety_message("urgent")["text"]
    assert "0808 2000 247" in safety_message("abuse")["text"]
    assert "0808 8010 327" in safety_message("abuse")["text"]


# --- topics come from content/topics/: a new file is enough for its intent and its rule ---

TOPIC_RULE = "answer any topic, then offer local support"
FORM_RULE = "a topic question during the form is answered, and the form ends"


@pytest.fixture()
def project(tmp_path: Path) -> tuple[Path, Path]:
    """Copies of content/ and of the two generated Rasa files, to run `cradle sync` on."""
    content = tmp_path / "content"
    shutil.copytree(content_dir(), content)
    root = tmp_path / "project"
    (root / "bot" / "data").mkdir(parents=True)
    for name in ("domain.yml", "bot/data/rules.yml", "bot/data/areas.yml", "bot/data/glossary.yml"):
        shutil.copy(PROJECT_ROOT / name, root / name)
    return root, content


def test_a_new_topic_file_gets_its_intent_and_the_topic_rule(project):
    root, content = project
    domain_before = (root / "domain.yml").read_text()
    rules_before = (root / "bot/data/rules.yml").read_text()
    add_topic(content / "topics", "new-topic", order=99)
    count = len(topic_ids(content / "topics"))

    assert stale_files(root, content) == [root / "domain.yml", root / "bot/data/rules.yml"]
    write_generated(root, content)
    assert stale_files(root, content) == []

    domain_text = (root / "domain.yml").read_text()
    rules_text = (root / "bot/data/rules.yml").read_text()
    domain = yaml.safe_load(domain_text)
    intents = domain["intents"]
    assert intents[:count] == [intent_for_topic(t) for t in topic_ids(content / "topics")]
    assert intents[count - 1] == "ask_new_topic" and "greet" in intents
    rules = yaml.safe_load(rules_text)["rules"]
    rule = next(r for r in rules if r["rule"] == TOPIC_RULE)
    assert rule["steps"][0]["or"][-1] == {"intent": "ask_new_topic"}
    assert len(rule["steps"][0]["or"]) == count
    assert rule["steps"][1] == {"action": "action_answer_topic"}
    # Asked during the area-and-audience form, it ends the form and is answered.
    assert "ask_new_topic" in domain["forms"]["service_filter_form"]["ignored_intents"]
    form_rule = next(r for r in rules if r["rule"] == FORM_RULE)
    assert {"intent": "ask_new_topic"} in form_rule["steps"][0]["or"]
    # One line each, inside the markers; nothing else in either file moves.
    for line in ("  - ask_new_topic\n", "      - ask_new_topic\n"):
        domain_text = domain_text.replace(line, "", 1)
    assert domain_text == domain_before
    assert rules_text.replace("    - intent: ask_new_topic\n", "", 2) == rules_before


def test_a_removed_topic_file_removes_its_intent_and_its_place_in_the_rule(project):
    root, content = project
    (content / "topics" / "bonding.md").unlink()
    write_generated(root, content)
    intents = yaml.safe_load((root / "domain.yml").read_text())["intents"]
    rules = yaml.safe_load((root / "bot/data/rules.yml").read_text())["rules"]
    rule = next(r for r in rules if r["rule"] == TOPIC_RULE)
    assert "ask_bonding" not in intents and "ask_dads" in intents
    assert {"intent": "ask_bonding"} not in rule["steps"][0]["or"]
    assert len(rule["steps"][0]["or"]) == len(topic_ids(content / "topics"))
    assert "ask_bonding" not in (root / "domain.yml").read_text()
    assert "ask_bonding" not in (root / "bot/data/rules.yml").read_text()


@pytest.mark.parametrize("marker", [TOPICS_BEGIN, TOPICS_END, FORM_BEGIN, FORM_END])
def test_a_missing_marker_names_the_file(project, marker):
    root, content = project
    rules = root / "bot/data/rules.yml"
    rules.write_text(rules.read_text().replace(marker, "# a comment someone rewrote"))
    with pytest.raises(ValueError, match=r"bot/data/rules.yml must contain the markers"):
        generated_files(root, content)


@pytest.mark.parametrize("channel", ["twillio", "sms", ""])
def test_a_variation_for_a_channel_cradle_does_not_have_is_refused(tmp_path, channel):
    # "twillio" would never be sent: SMS would quietly get the chat's words.
    path = tmp_path / "responses.yml"
    path.write_text(
        "responses:\n  utter_x:\n    - text: hello\n"
        f"    - channel: {channel!r}\n      text: hi by text\n"
    )
    with pytest.raises(ContentError, match="not one of Cradle's channels"):
        load_responses(path)


def test_the_shipped_responses_name_only_cradles_channels():
    responses = load_responses(content_dir() / "responses.yml")
    named = {
        v["channel"] for variations in responses.values() for v in variations if "channel" in v
    }
    assert SMS_CHANNEL in named and named <= CHANNELS
