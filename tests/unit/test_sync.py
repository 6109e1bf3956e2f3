"""Generated Rasa files match content, and the domain's safety responses come from content."""

from __future__ import annotations

import yaml

from cradle.paths import PROJECT_ROOT
from cradle.responses import get_responses, safety_message
from cradle.sync import stale_files


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
