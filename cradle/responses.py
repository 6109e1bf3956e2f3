"""Fixed bot lines from content/responses.yml, shared by domain.yml and the channels' fallbacks."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from cradle.paths import content_dir
from cradle.yamlio import ContentError, load_yaml


def load_responses(path: Path) -> dict[str, list[dict[str, Any]]]:
    """The `responses` mapping, checked for shape."""
    data = load_yaml(path)
    responses = data.get("responses")
    if not isinstance(responses, dict) or not responses:
        raise ContentError(path, "expected a non-empty 'responses' mapping")
    for name, variations in responses.items():
        if not str(name).startswith("utter_"):
            raise ContentError(path, f"response names start with 'utter_': {name!r}")
        if not isinstance(variations, list) or not all(
            isinstance(v, dict) and isinstance(v.get("text"), str) and v["text"].strip()
            for v in variations
        ):
            raise ContentError(path, f"{name}: each variation needs a non-empty 'text'")
    return responses


@lru_cache(maxsize=4)
def _responses_for(path: str) -> dict[str, list[dict[str, Any]]]:
    return load_responses(Path(path))


def get_responses(path: Path | None = None) -> dict[str, list[dict[str, Any]]]:
    return _responses_for(str(path or content_dir() / "responses.yml"))


def pick_variation(name: str, slots: dict[str, Any] | None = None) -> dict[str, Any]:
    """Choose a response variation the way Rasa does: first matching condition, else default."""
    variations = get_responses()[name]
    slots = slots or {}
    for variation in variations:
        conditions = variation.get("condition") or []
        if conditions and all(slots.get(c["name"]) == c["value"] for c in conditions):
            return variation
    return next(v for v in variations if not v.get("condition"))


def safety_message(response: str | None) -> dict[str, Any]:
    """The fixed crisis message for a safety response key, as a REST-style message dict."""
    variation = pick_variation("utter_safety", {"safety_response": response})
    message: dict[str, Any] = {"text": " ".join(variation["text"].split())}
    return message


@lru_cache(maxsize=4)
def _messages_for(path: str) -> dict[str, Any]:
    data = load_yaml(Path(path))
    messages = data.get("messages")
    if not isinstance(messages, dict):
        raise ContentError(path, "expected a 'messages' mapping")
    return messages


def message(key: str, **values: str) -> dict[str, Any]:
    """A line sent directly by an action or a channel, as {"text", "buttons"?}."""
    path = content_dir() / "responses.yml"
    raw = _messages_for(str(path)).get(key)
    if raw is None:
        raise ContentError(path, f"no message {key!r} under 'messages'")
    entry = raw if isinstance(raw, dict) else {"text": raw}
    result: dict[str, Any] = {"text": " ".join(str(entry["text"]).split()).format(**values)}
    if entry.get("buttons"):
        result["buttons"] = [dict(b) for b in entry["buttons"]]
    return result
