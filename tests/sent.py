"""What Rasa sends on after a custom action, for unit tests that run actions without Rasa."""

from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from cradle.responses import message

# What rasa_sdk puts in every message; anything else an action passes fills placeholders.
_SDK_KEYS = {"text", "buttons", "elements", "custom", "template", "response", "image", "attachment"}


def as_rasa_sends(dispatcher: CollectingDispatcher, channel: str = "rest") -> list[dict]:
    """The action's messages as Rasa sends them on: a fixed line named by its response is
    rendered from content/responses.yml (the same text `cradle sync` puts in domain.yml), with
    the channel's variation and the action's buttons after the line's own."""
    out = []
    for m in dispatcher.messages:
        if m.get("response"):
            values = {k: v for k, v in m.items() if k not in _SDK_KEYS}
            line = message(m["response"].removeprefix("utter_"), channel, **values)
            line["buttons"] = [*line.get("buttons", []), *(m.get("buttons") or [])]
            out.append({k: v for k, v in line.items() if v})
        else:
            out.append({k: v for k, v in m.items() if v and k in _SDK_KEYS})
    return out
