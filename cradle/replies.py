"""Build the messages Cradle sends: topic answers and service lists, per channel and audience.

Plain functions over content and catalogue results, so they are tested without Rasa objects.
Each message is a dict in Rasa's output shape: text, optional buttons, or a `custom` payload.
Internal payloads go under custom.cradle; the channel merges them into the reply contract.
"""

from __future__ import annotations

from typing import Any

from cradle.catalogue.store import SearchOutcome, ServiceResult
from cradle.content import Topic
from cradle.responses import message

SMS_CHANNELS = frozenset({"twilio", "sms"})
Message = dict[str, Any]


def is_sms(channel: str | None) -> bool:
    return channel in SMS_CHANNELS


def contract(**fields: Any) -> Message:
    """An internal payload that the channel folds into the turn's reply contract."""
    return {"custom": {"cradle": fields}}


def topic_messages(topic: Topic, channel: str | None, audience: str | None) -> list[Message]:
    """The answer to a topic question: the short SMS text, or all sections for the web."""
    if is_sms(channel):
        text = topic.sms_text(audience)
    else:
        text = topic.web_text(audience)
        links = "\n".join(f"- {s['title']}: {s['url']}" for s in topic.sources)
        if links:
            text = f"{text}\n\nWhere this comes from:\n{links}"
    return [{"text": text}, contract(topic=topic.id)]


def _service_line(service: ServiceResult, sms: bool) -> str:
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
    if service.url and not (sms and service.phones):
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
    lines = "\n".join(_service_line(r, sms) for r in results)
    return [
        intro,
        {"text": lines},
        contract(
            services=[r.id for r in results],
            cards=[r.card() for r in results],
            gap=bool(place) and not outcome.local_found,
        ),
    ]
