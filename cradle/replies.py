"""Build the messages Cradle sends: topic answers and service lists, per channel and audience.

Plain functions over content and catalogue results, so they are tested without Rasa objects.
Each message is a dict in Rasa's output shape: text, optional buttons, or a `custom` payload.
Internal payloads go under custom.cradle; the channel merges them into the reply contract.
"""

from __future__ import annotations

import json
from typing import Any

from cradle.catalogue.store import SearchOutcome, ServiceResult
from cradle.content import (
    DADS_AUDIENCE,
    DADS_HEADING,
    SECTION_KEYS,
    SOURCES_KEY,
    Topic,
    get_topic,
    intent_for_topic,
)
from cradle.responses import message

SMS_CHANNELS = frozenset({"twilio", "sms"})
Message = dict[str, Any]


def is_sms(channel: str | None) -> bool:
    return channel in SMS_CHANNELS


def contract(**fields: Any) -> Message:
    """An internal payload that the channel folds into the turn's reply contract."""
    return {"custom": {"cradle": fields}}


def topic_messages(topic: Topic, channel: str | None, audience: str | None) -> list[Message]:
    """The first answer to a topic question: short (one SMS segment), warm, one next step,
    with buttons for what comes next. The longer sections stay in the content file and come
    one at a time (section_messages). One message, so a phone shows it whole.
    """
    text = topic.short_text(audience)
    if not is_sms(channel):
        text = f"{topic.title}\n{text}"
    buttons = next_steps(topic, audience, [], channel)
    return [{"text": text, "buttons": buttons}, contract(topic=topic.id)]


def which_topic_message(topic_ids: tuple[str, ...]) -> Message:
    """ "Which is closer to what you mean?" with one button per topic, by its title."""
    buttons = [
        {"title": get_topic(t).title, "payload": f"/{intent_for_topic(t)}"} for t in topic_ids
    ]
    return {"text": message("which_topic")["text"], "buttons": buttons}


def _more_payload(key: str) -> str:
    return "/topic_more" + json.dumps({"section": key})


def next_steps(
    topic: Topic, audience: str | None, shown: list[str], channel: str | None
) -> list[dict[str, str]]:
    """A button for each next step after a topic answer or one of its parts."""
    buttons = [{"title": "Find support near me", "payload": "/affirm"}]
    unseen = [k for k in topic.more_order(audience) if k not in shown]
    if not is_sms(channel):
        # On a phone screen: the two parts parents ask for most, by name.
        for key in ("help_today", "when_to_get_help"):
            if key in unseen:
                buttons.append({"title": SECTION_KEYS[key], "payload": _more_payload(key)})
    if unseen:
        buttons.append({"title": "Tell me more", "payload": _more_payload("more")})
    if not is_sms(channel) and SOURCES_KEY not in shown and topic.sources:
        buttons.append({"title": "Where this comes from", "payload": _more_payload(SOURCES_KEY)})
    if audience != DADS_AUDIENCE and "dads" in unseen and not is_sms(channel):
        buttons.append({"title": DADS_HEADING, "payload": _more_payload("dads")})
    return buttons


def section_key(requested: object, topic: Topic, audience: str | None, shown: list[str]) -> str:
    """Which part to show: a named one, or for "more" the next one not yet shown.

    `requested` comes from the user (a button payload or typed /intent{...}): anything not on
    the allowlist is treated as "more".
    """
    if requested == SOURCES_KEY or (
        isinstance(requested, str) and requested in topic.more_order(audience)
    ):
        return requested
    unseen = [k for k in topic.more_order(audience) if k not in shown]
    return unseen[0] if unseen else SOURCES_KEY


def section_messages(
    topic: Topic, key: str, audience: str | None, shown: list[str], channel: str | None
) -> list[Message]:
    """One part of the topic, from its content file, with buttons for the next steps."""
    if key == SOURCES_KEY:
        heading = "Where this comes from"
        text = "\n".join(f"- {s['title']}: {s['url']}" for s in topic.sources)
    else:
        heading = SECTION_KEYS[key]
        section = topic.section(heading)
        text = section.text if section is not None else ""
    buttons = next_steps(topic, audience, shown, channel)
    return [
        {"text": f"{heading}\n\n{text}"},
        # The buttons go on a short last line, so the long text above them stays readable.
        {"text": message("topic_next")["text"], "buttons": buttons},
        contract(topic=topic.id),
    ]


def _sms_service_line(service: ServiceResult) -> str:
    contacts = []
    for phone in service.phones:
        verb = "text" if phone["type"] == "text" else "call"
        contacts.append(f"{verb} {phone['number']}")
    if service.always_open:
        contacts.append("open 24/7")
    elif service.open_now:
        contacts.append("open now")
    elif service.next_open_text:
        contacts.append(f"opens {service.next_open_text}")
    line = f"{service.name}"
    if contacts:
        line += ": " + ", ".join(contacts)
    if service.url and not service.phones:  # a text has room for a number or a website
        line += f" {service.url}"
    return "- " + line


def listing_words(results: list[ServiceResult] | tuple[ServiceResult, ...]) -> str:
    """What the services shown really are, from their schemes: never "kite-marked" for a listing."""
    wordings = list(dict.fromkeys(r.kitemark["wording"] for r in results))
    return " and ".join(wordings)


def service_messages(
    outcome: SearchOutcome, place: str | None, channel: str | None
) -> list[Message]:
    """The services found, local first, with the ids for the reply contract."""
    if not outcome.results:
        return [message("services_none"), contract(services=[])]
    listing = listing_words(outcome.results)
    if place and outcome.local_found:
        intro = message("services_local", place=place, listing=listing)
    elif place:
        intro = message("services_gap", place=place, listing=listing)
    else:
        intro = message("services_wider", listing=listing)
    sms = is_sms(channel)
    results = list(outcome.results)
    if sms:
        # Three lines fit a text; at least one must be a number the parent can use right now.
        results = results[:3]
        if not any(r.open_now and r.phones for r in results):
            open_line = next((r for r in outcome.results[3:] if r.open_now and r.phones), None)
            if open_line is not None:
                results = [*results[:2], open_line]
    shown: list[Message] = [intro]
    if sms:
        # A text message has no cards, so it lists the services. The web chat shows the cards
        # from the contract, and a text list there would say everything twice.
        shown.append({"text": "\n".join(_sms_service_line(r) for r in results)})
    return [
        *shown,
        contract(
            services=[r.id for r in results],
            cards=[r.card() for r in results],
            gap=bool(place) and not outcome.local_found,
        ),
    ]
