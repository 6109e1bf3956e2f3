"""Cradle's custom actions: thin Rasa wrappers over cradle.replies and the catalogue."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from cradle.catalogue.search import open_catalogue, request_from_slots
from cradle.catalogue.store import Catalogue, CatalogueUnavailable, SearchOutcome
from cradle.content import TOPIC_IDS, get_topic, serve_drafts, topic_for_intent
from cradle.glossary import get_glossary
from cradle.insights import FEEDBACK_REASONS
from cradle.replies import (
    Message,
    contract,
    section_key,
    section_messages,
    service_messages,
    topic_messages,
)
from cradle.responses import message
from cradle.yamlio import ContentError

logger = logging.getLogger(__name__)
# The services named in the "catalogue_unavailable" message (content/responses.yml).
NATIONAL_LINES = ("samaritans", "shout", "nhs-111-mental-health")


def dispatch(dispatcher: CollectingDispatcher, messages: list[Message]) -> None:
    """Send messages built by cradle.replies through the Rasa dispatcher."""
    for item in messages:
        if "custom" in item:
            dispatcher.utter_message(json_message=item["custom"])
        else:
            dispatcher.utter_message(text=item["text"], buttons=item.get("buttons") or [])


class ActionAnswerTopic(Action):
    """Answer a topic question from its reviewed content file."""

    def name(self) -> str:
        return "action_answer_topic"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        topic_id = topic_for_intent(latest_intent(tracker))
        if topic_id is None:
            dispatch(dispatcher, [message("service_error")])
            return []
        try:
            topic = get_topic(topic_id)
        except ContentError:
            logger.exception("topic file for %s could not be read", topic_id)
            dispatch(dispatcher, [message("service_error")])
            return [SlotSet("topic", topic_id)]
        if topic.status != "approved" and not serve_drafts():
            # Production setting: unreviewed text is never shown; signpost instead.
            dispatch(dispatcher, [message("services_none"), message("offer_local_support")])
            return [SlotSet("topic", topic_id), SlotSet("topic_seen", [])]
        if tracker.get_slot("safety_tier") in ("urgent", "emergency"):
            # The crisis flag lasts the session: check in gently before ordinary topics.
            dispatch(dispatcher, [message("safety_reminder")])
        channel = tracker.get_latest_input_channel()
        audience = _audience(tracker)
        # The next steps are buttons on the answer itself: if the action server is down, no
        # orphan buttons are sent, and the channel's fallback speaks instead.
        dispatch(dispatcher, topic_messages(topic, channel, audience))
        if audience:
            dispatch(dispatcher, [contract(audience=audience)])
        return [SlotSet("topic", topic_id), SlotSet("topic_seen", [])]


class ActionTopicSection(Action):
    """Show one more part of the current topic ("What can help today", "Tell me more", ...)."""

    def name(self) -> str:
        return "action_topic_section"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        topic_id = tracker.get_slot("topic")
        if topic_id not in TOPIC_IDS:
            dispatch(dispatcher, [message("more_no_topic")])
            return []
        try:
            topic = get_topic(topic_id)
        except ContentError:
            logger.exception("topic file for %s could not be read", topic_id)
            dispatch(dispatcher, [message("service_error")])
            return []
        if topic.status != "approved" and not serve_drafts():
            dispatch(dispatcher, [message("services_none"), message("offer_local_support")])
            return []
        seen = tracker.get_slot("topic_seen")
        shown = [k for k in seen if isinstance(k, str)] if isinstance(seen, list) else []
        audience = _audience(tracker)
        channel = tracker.get_latest_input_channel()
        requested = next(tracker.get_latest_entity_values("section"), None)
        key = section_key(requested, topic, audience, shown)
        shown = [*shown, key]
        dispatch(dispatcher, section_messages(topic, key, audience, shown, channel))
        return [SlotSet("topic_seen", shown)]


class ActionFindServices(Action):
    """Signpost to current kite-marked services for the topic, local first."""

    def __init__(self) -> None:
        self._catalogue: Catalogue | None = None

    def name(self) -> str:
        return "action_find_services"

    def _open(self) -> Catalogue:
        # Opened on first use, not at import: the action server starts without touching files.
        if self._catalogue is None:
            self._catalogue = open_catalogue()
        return self._catalogue

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        topic = tracker.get_slot("topic")
        area = tracker.get_slot("area")
        audience = tracker.get_slot("audience")
        if not topic and not area and audience:
            dispatch(dispatcher, [message("ask_topic_first")])
            return []
        if area is None:
            dispatch(dispatcher, [message("ask_area")])
            return []
        request = request_from_slots(topic, area, audience)
        events: list[dict[str, Any]] = []
        if request.area.district is None:
            # Never keep an unrecognised value: it may be hostile input from /inform{...}.
            if request.area.outside_note:
                dispatch(dispatcher, [message("area_outside", note=request.area.outside_note)])
            else:
                dispatch(dispatcher, [message("area_unknown")])
            events.append(SlotSet("area", None))
        try:
            outcome = await asyncio.to_thread(self._search, request)
        except CatalogueUnavailable:
            logger.exception("service catalogue unavailable")
            # Still signpost: the national lines are fixed content, not catalogue data.
            dispatch(
                dispatcher,
                [message("catalogue_unavailable"), contract(services=list(NATIONAL_LINES))],
            )
            return events
        dispatch(
            dispatcher,
            service_messages(outcome, request.area.name, tracker.get_latest_input_channel()),
        )
        topic_id = topic if isinstance(topic, str) else None
        facts = {
            "district": request.area.district,
            "audience": request.query.audience,
            "gap_need": topic_id if request.area.district and not outcome.local_found else None,
        }
        dispatch(dispatcher, [contract(**{k: v for k, v in facts.items() if v})])
        dispatch(dispatcher, [message("ask_feedback")])
        return events

    def _search(self, request: Any) -> SearchOutcome:
        return self._open().search(request.query)


class ActionExplainTerm(Action):
    """Explain a professional term in parents' words, from content/glossary.yml."""

    def name(self) -> str:
        return "action_explain_term"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        glossary = get_glossary()
        entity = next(tracker.get_latest_entity_values("term"), None)
        entry = glossary.lookup(entity) or glossary.lookup(
            (tracker.latest_message or {}).get("text")
        )
        if entry is None:
            dispatch(dispatcher, [message("term_unknown")])
        else:
            dispatch(dispatcher, [{"text": entry.explanation}])
        return []


class ActionRecordFeedback(Action):
    """Record button-only feedback ("Was this helpful?") against the topic, anonymously."""

    def name(self) -> str:
        return "action_record_feedback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        helpful = next(tracker.get_latest_entity_values("helpful"), None)
        reason = next(tracker.get_latest_entity_values("reason"), None)
        topic = tracker.get_slot("topic")
        facts: dict[str, str] = {"feedback_topic": topic} if isinstance(topic, str) else {}
        if reason in FEEDBACK_REASONS:
            dispatch(
                dispatcher, [contract(feedback_reason=reason, **facts), message("thanks_feedback")]
            )
        elif helpful == "no":
            dispatch(dispatcher, [contract(feedback="no", **facts), message("ask_feedback_reason")])
        elif helpful == "yes":
            dispatch(dispatcher, [contract(feedback="yes", **facts), message("thanks_feedback")])
        else:
            dispatch(dispatcher, [message("thanks_feedback")])
        return []


def latest_intent(tracker: Tracker) -> str | None:
    """The intent of the latest user message (the top of the ranking is not always present)."""
    intent = (tracker.latest_message or {}).get("intent") or {}
    name = intent.get("name")
    return name if isinstance(name, str) else None


def _audience(tracker: Tracker) -> str | None:
    from cradle.audience import normalise_audience

    audience = normalise_audience(tracker.get_slot("audience"))
    if audience is None and latest_intent(tracker) == "ask_dads":
        return "dad-or-partner"
    return audience
