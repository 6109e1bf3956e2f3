"""Fixed bot lines from content/responses.yml, shared by domain.yml and the channels' fallbacks.

Two kinds: `responses` (Rasa responses, copied into domain.yml as they are) and `messages`
(lines the actions and channels send). `cradle sync` also copies each message into domain.yml as
the response `utter_<key>`, so an action sends it by name (`say`) and Rasa picks the channel's
variation (an `sms:` text becomes a `channel: twilio` variation); a channel that speaks without
Rasa (a fallback, an SMS keyword) uses `message` on the same text.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from cradle.paths import content_dir
from cradle.yamlio import ContentError, load_yaml

SMS_CHANNEL = "twilio"  # the SMS channel's name in Rasa (bot/channels/twilio_sms.py)
# Every channel's name in Rasa (bot/channels/): a variation for any other is never sent.
CHANNELS = frozenset({"rest", SMS_CHANNEL, "web_chat"})


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
        for variation in variations:
            if "channel" in variation and variation["channel"] not in CHANNELS:
                # A misspelt channel would silently leave that channel the default words.
                raise ContentError(
                    path,
                    f"{name}: channel {variation['channel']!r} is not one of Cradle's channels "
                    f"({', '.join(sorted(CHANNELS))})",
                )
    return responses


@lru_cache(maxsize=4)
def _responses_for(path: str) -> dict[str, list[dict[str, Any]]]:
    return load_responses(Path(path))


def get_responses(path: Path | None = None) -> dict[str, list[dict[str, Any]]]:
    return _responses_for(str(path or content_dir() / "responses.yml"))


def pick_variation(
    name: str, slots: dict[str, Any] | None = None, channel: str | None = None
) -> dict[str, Any]:
    """Choose a response variation the way Rasa 3.6 does (rasa/core/nlg/generator.py): a
    matching condition for this channel, then a plain one for this channel, then a matching
    condition for any channel, then the plain default. Rasa picks at random among equals; the
    content files have one of each, so the first is the one."""
    variations = get_responses()[name]
    slots = slots or {}

    def matches(variation: dict[str, Any]) -> bool:
        conditions = variation.get("condition") or []
        return bool(conditions) and all(slots.get(c["name"]) == c["value"] for c in conditions)

    for wanted in (
        lambda v: matches(v) and channel is not None and v.get("channel") == channel,
        lambda v: not v.get("condition") and channel is not None and v.get("channel") == channel,
        lambda v: matches(v) and not v.get("channel"),
    ):
        found = next((v for v in variations if wanted(v)), None)
        if found is not None:
            return found
    return next(v for v in variations if not v.get("condition") and not v.get("channel"))


def safety_message(response: str | None, channel: str | None = None) -> dict[str, Any]:
    """The fixed crisis message for a safety response key, as a REST-style message dict, in the
    words for the channel where they differ (SMS: "delete these texts", not "this chat")."""
    variation = pick_variation("utter_safety", {"safety_response": response}, channel)
    message: dict[str, Any] = {"text": " ".join(variation["text"].split())}
    return message


# A panel link's number: digits, spaces and a leading + (as written in the label).
_PANEL_NUMBER = re.compile(r"\+?[0-9][0-9 ]{1,18}")
_PANEL_SCHEMES = {"call": "tel:", "text_to": "sms:"}


def load_crisis_panel(path: Path) -> dict[str, tuple[dict[str, str], ...]]:
    """The web chat's crisis panel links (`crisis_panel`), as {"label", "href"} by crisis reply.

    Each key is `default` or a crisis reply (a `safety_response` of utter_safety); each link has
    a `label` that shows its number, and one of `call` or `text_to`."""
    data = load_yaml(path)
    panel = data.get("crisis_panel")
    if not isinstance(panel, dict) or not isinstance(panel.get("default"), list):
        raise ContentError(path, "expected a 'crisis_panel' mapping with a 'default' list")
    known = {"default", *_crisis_replies(data)}
    out: dict[str, tuple[dict[str, str], ...]] = {}
    for key, links in panel.items():
        where = f"crisis_panel.{key}"
        if key not in known:
            raise ContentError(path, f"{where}: not a crisis reply of utter_safety (or 'default')")
        if not isinstance(links, list) or not links:
            raise ContentError(path, f"{where}: expected a non-empty list of links")
        out[key] = tuple(_panel_link(path, f"{where}[{i}]", link) for i, link in enumerate(links))
    return out


def _crisis_replies(data: dict[str, Any]) -> set[str]:
    variations = (data.get("responses") or {}).get("utter_safety") or []
    return {
        str(c.get("value"))
        for v in variations
        if isinstance(v, dict)
        for c in v.get("condition") or []
        if isinstance(c, dict) and c.get("name") == "safety_response"
    }


def _panel_link(path: Path, where: str, link: object) -> dict[str, str]:
    if not isinstance(link, dict) or not isinstance(link.get("label"), str):
        raise ContentError(path, f"{where}: expected a 'label' and 'call' or 'text_to'")
    ways = [k for k in _PANEL_SCHEMES if k in link]
    if len(ways) != 1 or set(link) != {"label", ways[0]}:
        raise ContentError(path, f"{where}: expected a 'label' and one of 'call' or 'text_to'")
    number = str(link[ways[0]])
    if not _PANEL_NUMBER.fullmatch(number):
        raise ContentError(path, f"{where}: {number!r} is not a phone number")
    plain = number.replace(" ", "")
    # The parent reads the label, the phone dials the link: they must be the same number.
    if plain.lstrip("+") not in re.sub(r"\D", "", link["label"]):
        raise ContentError(path, f"{where}: the label does not show the number {number!r}")
    return {"label": _one_line(link["label"]), "href": _PANEL_SCHEMES[ways[0]] + plain}


@lru_cache(maxsize=4)
def _crisis_panel_for(path: str) -> dict[str, tuple[dict[str, str], ...]]:
    return load_crisis_panel(Path(path))


def crisis_lines(response: str | None) -> list[dict[str, str]]:
    """The crisis panel's links for a reply that gave crisis help `response` (the
    seventeenth user test: after abuse help, the abuse helplines, not Samaritans)."""
    panel = _crisis_panel_for(str(content_dir() / "responses.yml"))
    return [dict(link) for link in panel.get(response or "default", panel["default"])]


@lru_cache(maxsize=4)
def _messages_for(path: str) -> dict[str, Any]:
    data = load_yaml(Path(path))
    messages = data.get("messages")
    if not isinstance(messages, dict):
        raise ContentError(path, "expected a 'messages' mapping")
    return messages


def message(key: str, channel: str | None = None, **values: str) -> dict[str, Any]:
    """A line sent directly by a channel, as {"text", "buttons"?}: its SMS text on SMS."""
    path = content_dir() / "responses.yml"
    raw = _messages_for(str(path)).get(key)
    if raw is None:
        raise ContentError(path, f"no message {key!r} under 'messages'")
    entry = raw if isinstance(raw, dict) else {"text": raw}
    text = entry.get("sms") if channel == SMS_CHANNEL and entry.get("sms") else entry["text"]
    result: dict[str, Any] = {"text": _one_line(text).format(**values)}
    if entry.get("buttons"):
        result["buttons"] = [dict(b) for b in entry["buttons"]]
    return result


def say(key: str, **values: str) -> dict[str, Any]:
    """A line for an action to send by name: Rasa renders `utter_<key>` from domain.yml for the
    channel, filling {placeholders} from `values`."""
    message(key, **values)  # an unknown key or a missing placeholder fails here, in the action
    return {"response": f"utter_{key}", "values": values}


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def line_responses(path: Path) -> dict[str, list[dict[str, Any]]]:
    """The `messages` as Rasa responses for domain.yml: `utter_<key>`, with a `channel: twilio`
    variation where the line has an `sms:` text.

    Braces in button payloads are doubled: Rasa fills {placeholders} in buttons too, and would
    log an error for '/feedback{"helpful": "yes"}' (doubled, it sends the payload unchanged)."""
    data = load_yaml(path)
    messages = data.get("messages")
    if not isinstance(messages, dict):
        raise ContentError(path, "expected a 'messages' mapping")
    out: dict[str, list[dict[str, Any]]] = {}
    for key, raw in messages.items():
        entry = raw if isinstance(raw, dict) else {"text": raw}
        if not isinstance(entry.get("text"), str) or not entry["text"].strip():
            raise ContentError(path, f"messages.{key}: needs a non-empty 'text'")
        default: dict[str, Any] = {"text": _one_line(entry["text"])}
        if entry.get("buttons"):
            default["buttons"] = [
                {"title": str(b["title"]), "payload": _escaped(str(b["payload"]))}
                for b in entry["buttons"]
            ]
        variations = [default]
        if entry.get("sms"):
            variations.append({**default, "text": _one_line(entry["sms"]), "channel": SMS_CHANNEL})
        out[f"utter_{key}"] = variations
    return out


def _escaped(payload: str) -> str:
    return payload.replace("{", "{{").replace("}", "}}")
