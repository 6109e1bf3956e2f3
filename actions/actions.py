"""Cradle's custom actions: thin Rasa wrappers over cradle.replies and the catalogue."""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import replace
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT

from cradle.areas import AreaMatch, get_areas
from cradle.audience import (
    normalise_audience,
    says_she_is_pregnant,
    says_she_is_the_mum,
    speaks_of_self,
)
from cradle.catalogue.kitemark import get_schemes
from cradle.catalogue.naming import (
    asked_name,
    asks_cost,
    asks_open,
    asks_practical,
    asks_wait,
    asks_who_for,
    is_own_name,
    name_search_words,
    named_in,
    names_none,
    numbered_in,
    numbers_in,
    speaks_of_the_list,
)
from cradle.catalogue.search import open_catalogue, request_from_slots
from cradle.catalogue.store import Catalogue, CatalogueUnavailable, SearchOutcome, ServiceResult
from cradle.content import (
    DADS_AUDIENCE,
    HELD_REQUEST,
    HELPING_AUDIENCE,
    LIST_QUESTIONS,
    MUM_AUDIENCE,
    PENDING_TOPIC,
    SOURCES_KEY,
    Focus,
    Topic,
    find_focus,
    get_topic,
    topic_for_intent,
    topic_ids,
    topics_reviewed,
)
from cradle.glossary import get_glossary
from cradle.helping import ABOUT_KEY, SOMEONE_ELSE
from cradle.insights import FEEDBACK_REASONS
from cradle.operator import Operator, get_operator
from cradle.replies import (
    NATIONAL_SCOPE,
    PARENT_OF,
    READ_BY,
    SECOND_OPINION_READ,
    Message,
    about_cradle_messages,
    audience_instead,
    audience_of,
    contract,
    cost_of,
    costs_of,
    feedback_given,
    is_for,
    last_crisis_entities,
    lines_in_last_reply,
    needs_help_today,
    opening_of,
    openings_of,
    parts_shown_earlier,
    previous_message,
    reminder_due,
    reminder_key,
    said_this_session,
    section_key,
    section_messages,
    service_messages,
    services_in_last_reply,
    services_in_latest_list,
    spoke_this_session,
    topic_just_answered,
    topic_messages,
    which_topic_message,
)
from cradle.responses import SMS_CHANNEL, say
from cradle.service_filter import SERVICE_FILTER_FORM, read_area_reply
from cradle.service_request import (
    KIND_OF_HELP,
    RequestReader,
    ServiceAsk,
    get_request_reader,
)
from cradle.topic_choice import close_topics
from cradle.yamlio import ContentError

logger = logging.getLogger(__name__)
# A topic guessed from the NLU's ranking for a bare service request ("any groups near me?")
# must be at least this likely; below it, services for every need are shown.
TOPIC_GUESS_MIN = 0.2
# The services named in the "catalogue_unavailable" message (content/responses.yml).
NATIONAL_LINES = ("samaritans", "shout", "nhs-111-mental-health")
# Replies that are not a known place before the form stops asking (a village not on the list).
MAX_AREA_TRIES = 2


def dispatch(dispatcher: CollectingDispatcher, messages: list[Message]) -> None:
    """Send messages built by cradle.replies through the Rasa dispatcher: a fixed line by its
    response name (Rasa renders the channel's variation), content text as text."""
    for item in messages:
        if "custom" in item:
            dispatcher.utter_message(json_message=item["custom"])
        elif "response" in item:
            dispatcher.utter_message(
                response=item["response"], buttons=item.get("buttons") or [], **item["values"]
            )
        else:
            dispatcher.utter_message(text=item["text"], buttons=item.get("buttons") or [])


class ActionAnswerTopic(Action):
    """Answer a topic question from its reviewed content file; a request for services on the
    topic ("groups for dads in rugby") gets the services instead of the leaflet."""

    def __init__(self, finder: ActionFindServices | None = None) -> None:
        self._finder = finder

    def name(self) -> str:
        return "action_answer_topic"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        topic_id = topic_for_intent(latest_intent(tracker))
        if topic_id is None:
            dispatch(dispatcher, [say("service_error")])
            return []
        text = _latest_text(tracker)
        if get_request_reader().signs_off(text):
            # "thanks. i think ill try sleep now x", read as the tiredness topic.
            dispatcher.utter_message(response="utter_goodbye")
            return []
        self._finder = self._finder or ActionFindServices()
        if await self._finder.about_one_listed(dispatcher, tracker):
            return []  # a question about one of the services just listed
        if get_request_reader().only_tells_about_self(text) and find_focus(text) is None:
            # "hi. im a dad, my baby is 2 weeks old", read as the dads topic, got its answer and
            # no hello back (README, fifty-sixth session).
            welcome(dispatcher, tracker)
            return []
        if topic_id == "dads" and asked_again(tracker, "dads") and says_she_is_the_mum(text):
            return answer_as_mum(dispatcher, tracker)
        wants_services = read_service_request(tracker) is not None
        focused = find_focus(text)
        if topic_id == "dads" and focused is None and not wants_services and after_abuse(tracker):
            # "is there help for men with this?" after the abuse reply: "this" is the abuse, and
            # its answer for dads names the Men's Advice Line (the thirtieth user test; README).
            # He stays a dad for the rest of the conversation (README, sixtieth session): the
            # check's "No" later answered him for anyone, the women's line alone by text.
            kept = [] if tracker.get_slot("audience") else [SlotSet("audience", DADS_AUDIENCE)]
            return [*kept, *answer_topic(dispatcher, tracker, "domestic-abuse", who=DADS_AUDIENCE)]
        if focused is not None and not wants_services:
            carry_on = continued_topic(tracker, focused)
            nxt = next_part(tracker, carry_on) if carry_on is not None else None
            if nxt is not None:
                return show_part(dispatcher, tracker, *nxt)
            # The parent's own words name a worry with a first answer of its own ("terrified
            # of giving birth"): it wins over the NLU's guess and a choice between two topics.
            return answer_topic(dispatcher, tracker, focused[0], focus=focused[1])
        choice = close_topics((tracker.latest_message or {}).get("intent_ranking"))
        if choice is not None and not wants_services:
            # Two topics too close to call: one tap beats the wrong leaflet at 2am.
            dispatch(dispatcher, [which_topic_message(choice)])
            return []
        if wants_services:
            events = await self._finder.signpost(dispatcher, tracker, topic_id)
            # The list's own line before it ("Referring yourself") counts as that worry's answer,
            # so "Tell me more" carries the worry on (the fourteenth user test).
            seen = []
            if focused is not None and focused[1].sms_before_services and focused[0] == topic_id:
                seen = [focused[1].marker]
            return [SlotSet("topic", topic_id), SlotSet("topic_seen", seen), *events]
        if asked_again(tracker, topic_id):
            # Typed right after this topic's answer: its next part, not the same text again.
            nxt = next_part(tracker, topic_id)
            if nxt is not None:
                return show_part(dispatcher, tracker, *nxt)
        elif (earlier := typed_back_to(tracker, topic_id)) is not None:
            # Answered a few turns ago, with another worry between: its next part too.
            nxt = next_part(tracker, topic_id, earlier)
            if nxt is not None:
                return [SlotSet("topic", topic_id), *show_part(dispatcher, tracker, *nxt, earlier)]
        return answer_topic(dispatcher, tracker, topic_id)


def after_abuse(tracker: Tracker) -> bool:
    """The session's last crisis reply was the abuse reply to the writer (not to a friend)."""
    return tracker.get_slot("safety_response") == "abuse"


def line_before_services(tracker: Tracker) -> list[Message]:
    """The first answer written to come before a list, when the parent's words ask its question
    ("Can I refer myself to talking therapies?"): by SMS its one-line form. Else nothing."""
    focused = find_focus(_latest_text(tracker))
    if focused is None or not focused[1].sms_before_services:
        return []
    by_text = tracker.get_latest_input_channel() == SMS_CHANNEL
    return [{"text": focused[1].sms_before_services if by_text else focused[1].answer}]


def unmet_by_services(tracker: Tracker) -> tuple[str, Focus] | None:
    """The worry the parent's words name, when no listed service meets it (a focus with
    `instead_of_services`): its answer comes instead of a list. Else None."""
    focused = find_focus(_latest_text(tracker))
    return focused if focused is not None and focused[1].instead_of_services else None


def asked_about_the_list(tracker: Tracker) -> tuple[str, Focus] | None:
    """A question under a list of services that a first answer of its own answers ("how do I
    refer myself, is it a form or a phone call?"): that topic and focus, not the same list
    again (the ninth user test). Only a focus written to come before a list, and only when the
    message names no place: "can I refer myself in rugby?" still gets Rugby's list."""
    text = _latest_text(tracker)
    if not services_in_last_reply(tracker.events) or get_areas().find_in_text(text).district:
        return None
    focused = find_focus(text)
    return focused if focused is not None and focused[1].sms_before_services else None


def answer_as_mum(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
    """ "im not a dad im the mum??" (read by the NLU as the dads topic again): her message before
    it is answered again for a mum, by its own first answer if its words name one, else by the
    NLU's best topic for it other than dads; with nothing to go on, she is asked to say more."""
    text, ranking = previous_message(tracker.events)
    mum = [SlotSet("audience", "mum")]
    dispatch(dispatcher, [say("misread_sorry")])
    if (focused := find_focus(text)) is not None and focused[0] != "dads":
        return mum + answer_topic(dispatcher, tracker, focused[0], focus=focused[1], who="mum")
    topics = [t for i in ranking if (t := topic_for_intent(i)) and t != "dads"]
    if not topics:
        dispatcher.utter_message(response="utter_please_rephrase")
        return mum
    return mum + answer_topic(dispatcher, tracker, topics[0], who="mum")


def asked_again(tracker: Tracker, topic_id: str) -> bool:
    """The parent typed a question on the topic Cradle has just answered ("does it make me a
    bad person?" after the answer on unwanted thoughts). A button ("It's about me", a choice
    of topics) is a command and asks for the first answer itself."""
    return (
        tracker.get_slot("topic") == topic_id
        and not _latest_text(tracker).lstrip().startswith("/")
        and topic_just_answered(tracker.events)
    )


def typed_back_to(tracker: Tracker, topic_id: str) -> list[str] | None:
    """The parts shown when this topic was answered earlier in the session, for a question
    typed on it after other turns (a button asks for the first answer itself), else None."""
    if _latest_text(tracker).lstrip().startswith("/"):
        return None
    return parts_shown_earlier(tracker.events, topic_id)


def continued_topic(tracker: Tracker, focused: tuple[str, Focus]) -> str | None:
    """The topic just answered, when a question typed right after it asks the same worry again
    ("but will she tell social services tho" right after that worry's answer; the seventh user
    test got the same words twice): its next part comes instead. A worry in another topic
    still gets its own answer: its words say more than the NLU's reading of a follow-up (the
    dad who says "no, she cries and says shes a bad mum" after the crying-baby answer)."""
    focus_topic, focus = focused
    if asked_again(tracker, focus_topic) and focus.marker in _seen(tracker):
        return focus_topic
    return None


def next_part(
    tracker: Tracker, topic_id: str, shown: list[str] | None = None
) -> tuple[Topic, str] | None:
    """The topic and its next part not yet shown (`shown`: the parts shown of it, by default
    the slot's); None when every part has been shown (or the topic cannot be served), and the
    first answer is given again."""
    try:
        topic = get_topic(topic_id)
    except ContentError:
        return None  # answer_topic says so
    if not topic.may_be_shown:
        return None
    key = section_key(None, topic, _reader(tracker), _seen(tracker) if shown is None else shown)
    return None if key == SOURCES_KEY else (topic, key)


def _seen(tracker: Tracker) -> list[str]:
    seen = tracker.get_slot("topic_seen")
    return [k for k in seen if isinstance(k, str)] if isinstance(seen, list) else []


def show_part(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    topic: Topic,
    key: str,
    earlier: list[str] | None = None,
) -> list[dict[str, Any]]:
    """One part of the topic, with the next-step buttons, remembered as shown (after `earlier`,
    the parts shown of it, by default the slot's)."""
    shown = [*(_seen(tracker) if earlier is None else earlier), key]
    dispatch(dispatcher, section_messages(topic, key, _reader(tracker), shown))
    return [SlotSet("topic_seen", shown)]


def answer_topic(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    topic_id: str,
    remind: bool = True,
    focus: Focus | None = None,
    who: str | None = None,
    for_helper: bool = False,
) -> list[dict[str, Any]]:
    """A topic's first reply from its reviewed content file, with its next-step buttons.
    `remind=False`: this turn has already said where help is. `focus`: a worry within the
    topic with a first answer of its own. `who`: the parent's audience, said in this turn.
    `for_helper`: written for family or friends, whatever the message said."""
    try:
        topic = get_topic(topic_id)
    except ContentError:
        logger.exception("topic file for %s could not be read", topic_id)
        dispatch(dispatcher, [say("service_error")])
        return [SlotSet("topic", topic_id)]
    if not topic.may_be_shown:
        # Production setting: unreviewed text is never shown; signpost instead.
        dispatch(dispatcher, [say("services_none"), say("offer_local_support")])
        return [SlotSet("topic", topic_id), SlotSet("topic_seen", [])]
    flagged = tracker.get_slot("safety_tier") in ("urgent", "emergency")
    if remind and flagged and reminder_due(tracker.events):
        # The crisis flag lasts the session: check in gently before the next ordinary topic.
        dispatch(dispatcher, [say(reminder_key(tracker.get_slot("safety_response")))])
    audience = who or _audience(tracker)
    helping = (
        for_helper
        or _asks_for_someone_else(tracker)
        or _still_helping(tracker)
        or (focus is not None and focus.for_helpers)
    )
    asker = HELPING_AUDIENCE if helping else audience
    # The next steps are buttons on the answer itself: if the action server is down, no
    # orphan buttons are sent, and the channel's fallback speaks instead.
    dispatch(dispatcher, topic_messages(topic, asker, focus))
    if audience:
        dispatch(dispatcher, [contract(audience=audience)])
    # Kept for the conversation, as "I'm a mum" is, when read from her words this turn.
    said = tracker.get_slot("audience") is None and who is None and audience == MUM_AUDIENCE
    kept = [SlotSet("audience", audience)] if said else []
    return [
        *kept,
        *_place_kept(tracker),
        SlotSet("topic", topic_id),
        SlotSet("topic_seen", [focus.marker] if focus else []),
        SlotSet(HELPING_SLOT, helping),
    ]


class ActionCheckCleared(Action):
    """ "No" to "Are you or your baby in danger right now?": thank them, then answer what they
    had asked about (the topic the channel read in that message, or their question about the
    services listed), so they need not ask again. When the net leaned to an emergency reply,
    say to get advice today instead, unless they had asked about the services."""

    def __init__(self, finder: ActionFindServices | None = None) -> None:
        self._finder = finder

    def name(self) -> str:
        return "action_check_cleared"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        topic_id = tracker.get_slot(PENDING_TOPIC)
        cleared = SlotSet(PENDING_TOPIC, None)
        if topic_id in LIST_QUESTIONS:
            # "are any of them open now? its gone midnight", asked about because of the list
            # (docs/safety.md, fifty-seventh session): its answer, not "needs advice today".
            self._finder = self._finder or ActionFindServices()
            dispatch(dispatcher, [say("check_cleared_topic")])
            if not await self._finder.about_the_list(dispatcher, tracker, topic_id):
                dispatch(dispatcher, [say("safety_check_cleared")])
            return [cleared]
        if topic_id == HELD_REQUEST:
            # "is there anyone i can talk to in the evenings?", asked about: its list, so she
            # need not ask again (README, sixty-first session).
            self._finder = self._finder or ActionFindServices()
            dispatch(dispatcher, [say("check_cleared_topic")])
            held = ServiceAsk(audience=tracker.get_slot("audience"))
            return [cleared, *await self._finder.signpost(dispatcher, tracker, None, held)]
        if needs_help_today(tracker.get_slot("safety_response")):
            dispatch(dispatcher, [say("check_cleared_get_help_today")])
            return [cleared]
        if topic_id not in topic_ids():
            dispatch(dispatcher, [say("safety_check_cleared")])
            return [cleared]
        # "Glad you're safe. If that changes, call 999": the reminder would contradict it (the
        # fifth user test: "Before we go on: ... If you're not safe right now" came next).
        dispatch(dispatcher, [say("check_cleared_topic")])
        return [cleared, *answer_topic(dispatcher, tracker, topic_id, remind=False)]


# "How can I help them?" after crisis help for someone else not in danger this minute
# (docs/safety.md, thirty-fifth session): the reviewed first answer for a helper, by the crisis
# reply sent, as (topic, focus). Typed with no such crisis help before it: bringing up a worry.
HELP_THEM = {
    "abuse_for_other": ("domestic-abuse", None),
    "concern_for_other": ("asking-for-help", "asking-about-suicide"),
}
HELP_THEM_OTHERWISE = ("asking-for-help", "raising-a-worry")
# After abuse told by a friend, the glad-safe reply has just said the topic's short first answer
# for a helper ("listen and believe them, don't confront..."): the part for family and friends
# says more (the thirteenth user test called the first answer a loop; docs/safety.md).
HELP_THEM_PART = {"abuse_for_other": ("domestic-abuse", "helping")}


class ActionHelpThem(Action):
    """The helper's first answer, with the topic's next steps for family and friends (a button
    press otherwise ends the helping reading, so the topic's buttons would answer the parent)."""

    def name(self) -> str:
        return "action_help_them"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        response = str(tracker.get_slot("safety_response"))
        if (part := HELP_THEM_PART.get(response)) is not None and (
            events := _helpers_part(dispatcher, *part)
        ):
            return events
        topic_id, focus_id = HELP_THEM.get(response, HELP_THEM_OTHERWISE)
        if last_crisis_entities(tracker.events).get(READ_BY) == SECOND_OPINION_READ:
            # Only the model read it: nobody named suicide (docs/safety.md, sixty-first session).
            topic_id, focus_id = HELP_THEM_OTHERWISE
        try:
            focus = get_topic(topic_id).focus_by_id(focus_id) if focus_id else None
        except ContentError:
            focus = None  # answer_topic says the topic cannot be read
        # The glad-safe reply just said what to do now: no reminder of the writer's own crisis.
        return answer_topic(
            dispatcher, tracker, topic_id, remind=False, focus=focus, for_helper=True
        )


def _helpers_part(
    dispatcher: CollectingDispatcher, topic_id: str, key: str
) -> list[dict[str, Any]] | None:
    """One part of a topic for family and friends, with a helper's next steps, set as the topic
    being read; None when the topic cannot be read or shown (the first answer's own fallbacks
    then apply)."""
    try:
        topic = get_topic(topic_id)
    except ContentError:
        return None
    if not topic.may_be_shown:
        return None
    dispatch(dispatcher, section_messages(topic, key, HELPING_AUDIENCE, [key]))
    return [SlotSet("topic", topic_id), SlotSet("topic_seen", [key]), SlotSet(HELPING_SLOT, True)]


class ActionTopicSection(Action):
    """Show one more part of the current topic ("What can help today", "Tell me more", ...)."""

    def name(self) -> str:
        return "action_topic_section"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        topic_id = tracker.get_slot("topic")
        if topic_id not in topic_ids():
            dispatch(dispatcher, [say("more_no_topic")])
            return []
        try:
            topic = get_topic(topic_id)
        except ContentError:
            logger.exception("topic file for %s could not be read", topic_id)
            dispatch(dispatcher, [say("service_error")])
            return []
        if not topic.may_be_shown:
            dispatch(dispatcher, [say("services_none"), say("offer_local_support")])
            return []
        requested = next(tracker.get_latest_entity_values("section"), None)
        key = section_key(requested, topic, _reader(tracker), _seen(tracker))
        return show_part(dispatcher, tracker, topic, key)


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
        if await self.about_one_listed(dispatcher, tracker):
            return []
        if informs_nothing(tracker):
            # "asdfghjkl" read as `inform` (0.30) after a list for Nuneaton got the same list
            # again (the fourth user test): it answers nothing, so it is not understood.
            dispatcher.utter_message(response="utter_please_rephrase")
            return []
        text = _latest_text(tracker)
        if (
            latest_intent(tracker) == "find_services"
            and get_request_reader().only_thanks(text)
            and get_areas().find_in_text(text).district is None  # "thanks, what about rugby?"
        ):
            # "ok thanks I'll try the wellbeing number", read as a request, got the list again.
            dispatcher.utter_message(response="utter_thanks")
            return []
        return await self.signpost(dispatcher, tracker, tracker.get_slot("topic"))

    async def signpost(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        topic: object,
        held: ServiceAsk | None = None,
    ) -> list[dict[str, Any]]:
        """Services for the topic, or for what the message asked; local first when the place is
        known, otherwise county-wide and national ones now, and the form asks where to narrow
        them. Right after the form, the search uses what it collected and asks nothing more.
        `held`: a request asked about by the danger question, whose words are not in the tracker.
        """
        ask = held or read_service_request(tracker)
        if (focused := asked_about_the_list(tracker)) is not None:
            return answer_topic(dispatcher, tracker, focused[0], focus=focused[1])
        if ask is not None and (focused := unmet_by_services(tracker)) is not None:
            # "im bleeding and 12 weeks pregnant, who do i call": no listed service is where to
            # call, and a list would make the answer look like one choice among six.
            return answer_topic(dispatcher, tracker, focused[0], focus=focused[1])
        area = tracker.get_slot("area")
        audience = tracker.get_slot("audience")
        after_form = tracker.latest_action_name == SERVICE_FILTER_FORM
        events: list[dict[str, Any]] = []
        if area is None or not after_form:
            text = _latest_text(tracker)
            # A place given on its own outside the form ("nuneton") is read as the form reads
            # a reply, misspellings included; in a request, only a place named exactly. A
            # Warwickshire place named now wins over one given before ("actually we live in
            # atherstone, i just work in rugby": the ninth user test got Rugby's list again).
            areas = get_areas()
            informed = latest_intent(tracker) == "inform" and area is None
            found = areas.read_reply(text) if informed else areas.find_in_text(text)
            if found.district is not None and found.district != area:
                area = found.district
                events.append(SlotSet("area", area))
            elif found.outside_note and found.key:
                # "I live in B15 Birmingham": said once, with national services; the allowlisted
                # key is searched, and the slot is cleared below as for any place outside. Named
                # now, it wins over a place given before ("What about a mum in Banbury?" after
                # Nuneaton's list: the fifteenth user test).
                area = found.key
        if ask is not None and audience is None and ask.audience is not None:
            audience = ask.audience
            events.append(SlotSet("audience", audience))
        # A need the request names wins over the topic talked about before ("a dads group in
        # rugby" after a sleep answer: the fourth user test got nothing for Rugby).
        topic = _topic_named(ask) or topic or _topic_from(ask, tracker)
        if not topic and not area and audience and ask is None and not after_form:
            dispatch(dispatcher, [say("ask_topic_first")])
            return events
        if area is None and ask is None and not after_form:
            # "Find support near me": ask where first, so the one list shown is the local one.
            return [*events, *start_service_filter(tracker, topic, services_shown=False)]
        if area is None and after_form and tracker.get_slot("services_shown"):
            # Skipped, or no known place given, after the county-wide list: nothing new to show
            # (after "I won't ask again", "No problem" would not fit).
            gave_up = _tries(tracker) >= MAX_AREA_TRIES
            skipped = [] if gave_up else [say("area_skipped")]
            dispatch(dispatcher, [*skipped, *_ask_feedback(tracker)])
            return events
        if audience is None and (audience := _said_mum(tracker)) is not None:
            events.append(SlotSet("audience", audience))
        # A group asked for ("a mums group in atherstone" after the relationships answer) is
        # searched as with no topic before; the topic stays for what follows (README, sixtieth
        # session: the thirty-first user test's grandmother got the abuse lines).
        searched = None if _topic_named(ask) is None and _other_need_named(ask) else topic
        request = request_from_slots(searched, area, audience, _needs_without_topic(ask))
        if ask is not None and ask.contact is not None:
            request = replace(request, query=replace(request.query, contact=ask.contact))
        if (ask is not None and ask.not_crisis) or _crisis_lines_turned_down(tracker):
            # "someone to talk to in the evenings, not a crisis line", in this message or before
            # in the conversation (README, sixtieth session).
            request = replace(request, query=replace(request.query, without_crisis_lines=True))
        try:
            outcome = await asyncio.to_thread(self._search, request)
        except CatalogueUnavailable:
            logger.exception("service catalogue unavailable")
            outcome = None
        if request.area.district is None and area is not None:
            # Never keep an unrecognised value: it may be hostile input from /inform{...}.
            if request.area.outside_note:
                dispatch(dispatcher, [_outside_line(request.area, outcome)])
            else:
                dispatch(dispatcher, [say("area_unknown")])
            events.append(SlotSet("area", None))
        if outcome is None:
            # Still signpost: the national lines are fixed content, not catalogue data.
            dispatch(
                dispatcher,
                [say("catalogue_unavailable"), contract(services=list(NATIONAL_LINES))],
            )
            return events
        if ask is not None and ask.other_language:
            # Every service in the catalogue lists English only so far: say first that Cradle
            # cannot tell which work in another language.
            dispatch(dispatcher, [say("services_language")])
        if ask is not None:
            dispatch(dispatcher, line_before_services(tracker))
        listed = [f"{r.name} {r.description}" for r in outcome.results]
        reader = get_request_reader()
        if who := reader.unserved_group(ask, listed):
            # Its own line for a kind of help ("I don't have parenting courses..."), else the
            # line for a group of parents.
            dispatch(dispatcher, [say(reader.line_for((ask and ask.group) or ""), who=who)])
        unserved = ask.group if who and ask is not None else None
        if unserved is not None:
            outcome = await self._led_by_named(reader, unserved, outcome, request.query.limit)
        district = request.area.district
        place = get_areas().named(district) if district else request.area.name
        short = get_areas().district_names.get(district) if district else None
        reaching = get_areas().reaching(request.area)
        dispatch(dispatcher, service_messages(outcome, place, short, reaching))
        topic_id = topic if isinstance(topic, str) else None
        facts = {
            "district": request.area.district,
            "audience": request.query.audience,
            "gap_need": topic_id if request.area.district and not outcome.local_found else None,
            "gap_group": unserved,  # "LGBTQ+ parents": asked for, and no service listed for them
        }
        dispatch(dispatcher, [contract(**{k: v for k, v in facts.items() if v})])
        if area is None and not after_form:
            # Services were shown for the whole county; local ones come first once we know where.
            return [*events, *start_service_filter(tracker, topic, services_shown=True)]
        dispatch(dispatcher, _ask_feedback(tracker))
        return events

    async def about_one_listed(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
        """A message right under a list that names one of its services ("the talking therapies
        one - how do i contact them?"): that service's card alone, with what the card can and
        cannot say, and a first answer written for the question if there is one. True when
        answered."""
        text = _latest_text(tracker)
        # By text "them" is the services the text showed; a service named may be any the list
        # found (README, "By text, 'them' is the three services the text listed").
        by_text = tracker.get_latest_input_channel() == SMS_CHANNEL
        listed = services_in_last_reply(tracker.events)
        texted = services_in_last_reply(tracker.events, by_sms=True)
        asks = asks_practical(text) or asks_wait(text)
        if not listed and asks and not get_areas().find_in_text(text).district:
            # "ok. last thing is relate free or not", a few turns after the list; a place named
            # ("free talking therapies in rugby") asks for that place's list instead.
            listed = services_in_latest_list(tracker.events)
            texted = services_in_latest_list(tracker.events, by_sms=True)
        if not listed:
            return await self.about_one_named(dispatcher, tracker)
        if text.lstrip().startswith("/"):
            return False
        try:
            shown = await asyncio.to_thread(self._services, listed)
        except CatalogueUnavailable:
            logger.exception("service catalogue unavailable")
            return False  # the list path says so and shows the national lines
        service = (
            named_in(text, _by_name(shown))
            or numbered_in(text, _by_number(shown))
            or _the_one_the_line_named(tracker, text, shown)
        )
        if service is None:
            if names_none(text, _by_name(shown)) and await self.about_one_named(
                dispatcher, tracker
            ):
                # Under a list without it: "and the CALM helpline, is that free" (README, "calm
                # opening hours"); the catalogue's names, as with no list.
                return True
            answer = about_the_whole_list(
                text, [s for s in shown if s.id in texted] if by_text else shown
            )
            dispatch(dispatcher, answer)
            return bool(answer)
        if get_request_reader().turns_down(text):
            # "samaritans isnt what i need": not a question about it (the nineteenth user test's
            # mum got its card twice); read as any other message.
            return False
        await self._answer_about(dispatcher, tracker, service, text)
        return True

    async def about_the_list(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, question: str
    ) -> bool:
        """The answer to a question about the services of the latest list, by its kind (one of
        `LIST_QUESTIONS`), when the words themselves were not sent on (the danger question was
        asked about them). True when answered; False with no list or no catalogue."""
        by_text = tracker.get_latest_input_channel() == SMS_CHANNEL
        listed = services_in_latest_list(tracker.events, by_sms=by_text)
        try:
            shown = await asyncio.to_thread(self._services, listed)
        except CatalogueUnavailable:
            logger.exception("service catalogue unavailable")
            return False
        if not shown:
            return False
        opening, cost, _ = LIST_QUESTIONS
        if question == opening:
            dispatch(dispatcher, openings_of(shown))
        elif question == cost:
            dispatch(dispatcher, costs_of(shown))
        else:
            dispatch(dispatcher, [say("services_how_to_reach")])
        return True

    async def about_one_named(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, term: str | None = None
    ) -> bool:
        """With no list to look in: a word asked about that is a service's own name (`term`,
        "what is CALM"), or a practical question naming one service ("is the CALM helpline
        free"), gets that service's card as a listed one does (README, "What is CALM?"). True
        when answered."""
        text = _latest_text(tracker)
        if text.lstrip().startswith("/") or (
            term is None and not (asks_practical(text) or asks_who_for(text))
        ):
            return False
        if get_areas().find_in_text(text).district:
            return False  # "free talking therapies in rugby" asks for that place's list
        reader = get_request_reader()
        if reader.only_thanks(text) or reader.signs_off(text):
            return False  # "ok thanks I'll try the wellbeing number": thanks, not a question
        try:
            found = await asyncio.to_thread(
                self._open().with_names_like, name_search_words(term or text)
            )
            # "is the 0808 2000 247 one for men": a number names its service (README, sixtieth
            # session); only numbers the catalogue holds.
            numbered = (
                await asyncio.to_thread(self._open().with_phone, numbers_in(text))
                if term is None
                else []
            )
        except CatalogueUnavailable:
            logger.exception("service catalogue unavailable")
            return False
        if term is not None:
            named = [s for s in found if any(is_own_name(term, n) for n in s.names)]
            service = named[0] if len(named) == 1 else None
        else:
            service = named_in(text, _by_name(found)) or numbered_in(text, _by_number(numbered))
        if service is None or reader.turns_down(text):
            return False
        await self._answer_about(dispatcher, tracker, service, text)
        return True

    async def _answer_about(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, service: ServiceResult, text: str
    ) -> None:
        """One service's card and what it can say, its cost first if asked. Asked whether it is
        for dads or mums when it is not, one that is, for the same needs, is named and answered
        about in its place (README, "Can men call the National Domestic Abuse Helpline?")."""
        who = asks_who_for(text)
        if who is not None and (instead := await self._instead_for(service, who)) is not None:
            asked, service = service, instead
            answer_who = [audience_instead(asked, service, who)]
        else:
            answer_who = [audience_of(service, who)] if who else []
        if service.phones:
            line = "service_named_phone"
        else:
            line = "service_named_website" if service.url else "service_named_no_contact"
        dispatch(
            dispatcher,
            [
                *line_before_services(tracker),
                # "is CALM ok for dads": its audiences (README, fifty-eighth session).
                *answer_who,
                # "Is it free?": what the catalogue records (README, fifty-third session).
                *([cost_of(service)] if asks_cost(text) else []),
                # "is samaritans actualy open now its 1am" (README, fifty-seventh session).
                *([opening_of(service)] if asks_open(text) else []),
                *([say("services_wait_unknown")] if asks_wait(text) else []),
                say(line, name=service.name, description=service.description),
                contract(services=[service.id], cards=[service.card()]),
            ],
        )

    async def _led_by_named(
        self, reader: RequestReader, group: str, outcome: SearchOutcome, limit: int
    ) -> SearchOutcome:
        """The service a group's line names ("The Family Information Service can tell you what
        runs near you") leads the list, not a crisis line open now; looked up when the search
        did not find it (a parenting course asked under the crying-baby topic, whose list is
        Samaritans alone: the twenty-first user test). The list keeps its length."""
        first = reader.group_first.get(group)
        results = outcome.results
        if first and all(r.id != first for r in results):
            try:
                named = await asyncio.to_thread(self._services, [first])
            except CatalogueUnavailable:
                logger.exception("service catalogue unavailable")
                named = []
            results = (*named, *results)[: max(limit, len(results))]
        return replace(outcome, results=reader.led_by(group, results))

    async def _instead_for(self, service: ServiceResult, who: str) -> ServiceResult | None:
        """A service for `who` with the same help, when `service` is not for them; else None."""
        if is_for(service, who):
            return None
        try:
            return await asyncio.to_thread(self._open().instead_for, service, PARENT_OF[who])
        except CatalogueUnavailable:
            logger.exception("service catalogue unavailable")
            return None

    def _services(self, ids: list[str]) -> list[ServiceResult]:
        catalogue = self._open()
        return [found for i in ids if (found := catalogue.get(i)) is not None]

    def _search(self, request: Any) -> SearchOutcome:
        return self._open().search(request.query)


def start_service_filter(
    tracker: Tracker, topic: object, services_shown: bool
) -> list[dict[str, Any]]:
    """Events that start the form asking where the parent lives (it asks with action_ask_area).

    Started by the action, not by a rule, because only the action knows whether the place was
    missing. `services_shown` chooses the question's wording and what a Skip means.
    """
    events = [
        SlotSet("services_shown", services_shown),
        SlotSet("area_tries", 0),
        ActiveLoop(SERVICE_FILTER_FORM),
    ]
    if isinstance(topic, str) and tracker.get_slot("topic") != topic:
        # The need this search was for (named in the request, or guessed from it), so the
        # search narrowed by place is for the same need.
        events.insert(0, SlotSet("topic", topic))
    return events


class _ServiceQuestionFirst:
    """A fixed reply (`response`), unless the words ask a practical question about a service,
    which is answered as one: what the NLU reads as a short social message can be a question
    about a card (README, fifty-seventh session). A mixin, not an `Action`: the action server
    registers every `Action` subclass, and this one has no name of its own."""

    response = ""

    def __init__(self, finder: ActionFindServices | None = None) -> None:
        self._finder = finder

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        self._finder = self._finder or ActionFindServices()
        if not (
            self.may_answer_a_service(tracker)
            and await self._finder.about_one_listed(dispatcher, tracker)
        ):
            dispatcher.utter_message(response=self.response)
        return []

    def may_answer_a_service(self, tracker: Tracker) -> bool:
        return True


class ActionSafeNow(_ServiceQuestionFirst, Action):
    """ "I'm ok now" with no crisis help before it: "I'm glad to hear that"; "is samaritans
    actualy open now its 1am" (the twenty-seventh user test) is a question about Samaritans.
    In a session flagged urgent or emergency it is always "I'm glad to hear that": there the
    channel counts this action as the writer saying they are safe (`SAID_SAFE`), and the
    statement of safety it sends (`/safe_now`) must end the reminder."""

    response = "utter_safe_now"

    def name(self) -> str:
        return "action_safe_now"

    def may_answer_a_service(self, tracker: Tracker) -> bool:
        return tracker.get_slot("safety_tier") not in ("urgent", "emergency")


class ActionCapabilities(_ServiceQuestionFirst, Action):
    """ "What can you do?": the capabilities line; "whats the dadpad thing? is it free" under a
    list with DadPad (the twenty-eighth user test) is a question about DadPad."""

    response = "utter_capabilities"

    def name(self) -> str:
        return "action_capabilities"


class ActionNotUnderstood(Action):
    """A message the NLU could not place (`nlu_fallback`) or read as off-topic (`out_of_scope`).
    If its words ask for services ("anything for new mums round southam?"), it gets services as
    any request does. A message that names a worry with a focus gets its answer; one the NLU could
    not place gets, when its best two guesses are topics, "Which is closer?" with both (a
    grandmother's "my daughter is struggling after having a baby, how can i support her" was
    "didn't understand": the fifth user test). Otherwise the fixed line asking to say it another
    way, or saying what Cradle can help with."""

    def __init__(self, finder: ActionFindServices | None = None) -> None:
        self._finder = finder

    def name(self) -> str:
        return "action_not_understood"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        self._finder = self._finder or ActionFindServices()
        if read_service_request(tracker) is not None:
            return await self._finder.run(dispatcher, tracker, domain)
        if await self._finder.about_one_listed(dispatcher, tracker):
            return []  # "the pandas one, how do i get hold of them?"
        if names_a_place_under_a_list(tracker):
            # "What about a mum in Banbury?" (the fifteenth user test): that place's list.
            return await self._finder.run(dispatcher, tracker, domain)
        # A worry named in the parent's own words wins over the NLU's guess, "off-topic" too: the
        # ninth user test's "any way to get a same day GP appointment? or should I just ring
        # 111" was read as off-topic and told what Cradle can help with.
        if (focused := find_focus(_latest_text(tracker))) is not None:
            return answer_topic(dispatcher, tracker, focused[0], focus=focused[1])
        if get_request_reader().only_tells_about_self(_latest_text(tracker)):
            # "hi. sorry its late. i have a 5 week old" was told "Sorry, I can't help with
            # that" (README, fifty-fourth session): welcomed, and asked what's on her mind.
            welcome(dispatcher, tracker)
            return []
        off_topic = latest_intent(tracker) == "out_of_scope"
        if not off_topic and (choice := guessed_topics(tracker)) is not None:
            dispatch(dispatcher, [which_topic_message(choice)])
            return []
        dispatcher.utter_message(
            response="utter_out_of_scope" if off_topic else "utter_please_rephrase"
        )
        return []


class ActionAboutCradle(Action):
    """Who runs Cradle, whether its services are checked, and how to say something was wrong."""

    def __init__(self, finder: ActionFindServices | None = None) -> None:
        self._finder = finder

    def name(self) -> str:
        return "action_about_cradle"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        asks = get_request_reader().about_cradle_asks(tracker.latest_message.get("text"))
        self._finder = self._finder or ActionFindServices()
        if _asks_for_local_services(tracker, asks):
            # "is there actually anything for dads round rugby or is it all for mums": services,
            # not "Cradle is for dads too" (README, fifty-eighth session).
            return await self._finder.run(dispatcher, tracker, domain)
        if asks is None and await self._finder.about_one_listed(dispatcher, tracker):
            # "whats their number" under a list, read by the NLU as about Cradle (README,
            # fifty-first session): the words ask about a service, not about Cradle.
            return []
        try:
            operator = get_operator()
        except ContentError:
            # A broken operator.yml names no one: the rest of the answer is still true.
            logger.exception("content/operator.yml could not be read")
            operator = Operator()
        # By SMS the answer keeps to its three segments, without the line on reviews.
        by_text = tracker.get_latest_input_channel() == SMS_CHANNEL
        reviewed = None if by_text else topics_reviewed()
        dispatch(dispatcher, about_cradle_messages(get_schemes(), operator, reviewed, asks))
        return []


def _asks_for_local_services(tracker: Tracker, asks: str | None) -> bool:
    """Whether a message read as a question about Cradle asks for services in a place: a request
    naming a district, with no question about Cradle in it but whether it is for dads or mums.
    "How does a local service get added to your list?" and "could the council see how many
    parents in Nuneaton asked about low mood?" ask about Cradle (README, fifty-eighth session)."""
    if asks not in (None, "for_dads", "for_family"):
        return False
    names_place = get_areas().find_in_text(_latest_text(tracker)).district is not None
    return names_place and read_service_request(tracker) is not None


class ActionAskArea(Action):
    """The form's question: which town or area, with a button for each district and Skip."""

    def name(self) -> str:
        return "action_ask_area"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        shown = tracker.get_slot("services_shown")
        dispatch(dispatcher, [say("ask_area_to_narrow" if shown else "ask_area")])
        return []


class ValidateServiceFilterForm(FormValidationAction):
    """Keep only a known place and a known audience; end the form when the place is known or
    the parent skips. Only the place is ever asked: who the parent is narrows the search when
    they say it, but a second question would keep the services waiting another turn."""

    def name(self) -> str:
        return "validate_service_filter_form"

    async def validate_area(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> dict[str, Any]:
        reply = read_area_reply(slot_value, *_latest_reading(tracker))
        if reply.area is not None:
            return {"area": reply.area}
        if reply.audience is not None:
            return {"area": None, "audience": reply.audience}
        if reply.skip or reply.agreed:
            return {"area": None}
        tries = _tries(tracker) + 1
        dispatch(dispatcher, [say("area_give_up" if tries >= MAX_AREA_TRIES else "area_not_found")])
        # Never keep an unrecognised value: it may be hostile input from /inform{...}.
        return {"area": None, "area_tries": tries}

    async def validate_audience(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> dict[str, Any]:
        return {"audience": normalise_audience(slot_value)}

    async def next_requested_slot(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        # The reply is read again here (validate_area's result is only the slot): a skip ends
        # the form, anything else without a place asks again. Before any reply (the form has
        # just started) there is nothing to read.
        answered = tracker.get_slot(REQUESTED_SLOT) == "area"
        skipped = answered and read_area_reply(None, *_latest_reading(tracker)).skip
        gave_up = _tries(tracker) >= MAX_AREA_TRIES
        done = tracker.get_slot("area") is not None or skipped or gave_up
        return SlotSet(REQUESTED_SLOT, None if done else "area")


class ActionExplainTerm(Action):
    """Explain a professional term in parents' words, from content/glossary.yml."""

    def __init__(self, finder: ActionFindServices | None = None) -> None:
        self._finder = finder

    def name(self) -> str:
        return "action_explain_term"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        self._finder = self._finder or ActionFindServices()
        # A practical question is tried as a service question first, once: "is the perinatal
        # mental health team free" asks about a service, not the word "perinatal" (README,
        # fifty-seventh session).
        tried = asks_practical(_latest_text(tracker))
        if tried and await self._finder.about_one_listed(dispatcher, tracker):
            return []
        glossary = get_glossary()
        entity = next(tracker.get_latest_entity_values("term"), None)
        text = (tracker.latest_message or {}).get("text")
        # "what even is the perinatal team": the team, not the word "perinatal" the NLU picked
        # out (README, fifty-eighth session).
        entry = (
            glossary.lookup_holding(entity, text)
            or glossary.lookup(entity)
            or glossary.lookup(text)
        )
        if entry is None:
            # "whats saturdads? is it free" after a list naming it: a service, not a word
            # (README, fifty-second session); not looked up again if tried above.
            if not tried and await self._finder.about_one_listed(dispatcher, tracker):
                return []
            # "what is CALM" with no list: a service's own name (README, "What is CALM?").
            term = entity or asked_name(_latest_text(tracker))
            if term and await self._finder.about_one_named(dispatcher, tracker, term):
                return []
            dispatch(dispatcher, [say("term_unknown")])
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
                dispatcher, [contract(feedback_reason=reason, **facts), say("thanks_feedback")]
            )
        elif helpful == "no":
            dispatch(dispatcher, [contract(feedback="no", **facts), say("ask_feedback_reason")])
        elif helpful == "yes":
            dispatch(dispatcher, [contract(feedback="yes", **facts), say("thanks_feedback")])
        else:
            dispatch(dispatcher, [say("thanks_feedback")])
        return []


def _ask_feedback(tracker: Tracker) -> list[Message]:
    """ "Was this helpful?", unless the parent has already answered it about this topic."""
    asked = feedback_given(tracker.events, tracker.get_slot("topic"))
    return [] if asked else [say("ask_feedback")]


def _tries(tracker: Tracker) -> int:
    """Replies to "which town or area?" that were not a known place, this time round."""
    value = tracker.get_slot("area_tries")
    return int(value) if isinstance(value, int | float) else 0


# Fewer words than this are not asked about: a guess at "asdfghjkl" is no guess at all.
MIN_WORDS_TO_GUESS = 4


def guessed_topics(tracker: Tracker) -> tuple[str, str] | None:
    """The NLU's best two guesses below its fallback threshold, when both are topics and the
    message is long enough to have meant something."""
    if len(_latest_text(tracker).split()) < MIN_WORDS_TO_GUESS:
        return None
    ranking = (tracker.latest_message or {}).get("intent_ranking") or []
    guesses = [r for r in ranking if isinstance(r, dict) and r.get("name") != "nlu_fallback"]
    return close_topics(guesses)


def welcome(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """A hello, or who the writer is, asking nothing yet: the greeting first in a session, a
    short "Thank you for telling me. What's on your mind?" later."""
    if spoke_this_session(tracker.events):
        dispatch(dispatcher, [say("welcome_told")])
    else:
        dispatcher.utter_message(response="utter_greet")


def _by_name(services: list[ServiceResult]) -> list[tuple[str, ServiceResult]]:
    """Each service under each name it goes by ("perinatal team"), for `naming` to read."""
    return [(name, service) for service in services for name in service.names]


def _by_number(services: list[ServiceResult]) -> list[tuple[str, ServiceResult]]:
    """Each service under each phone number it has, for `naming.numbered_in` to read."""
    return [(phone["number"], service) for service in services for phone in service.phones]


def _latest_text(tracker: Tracker) -> str:
    text = (tracker.latest_message or {}).get("text")
    return text if isinstance(text, str) else ""


def read_service_request(tracker: Tracker) -> ServiceAsk | None:
    """What the latest message asked for, if it asked for services: in its words, or in the
    NLU's reading (`find_services`), so that every request gets services in the same turn."""
    text = _latest_text(tracker)
    if (kind := _kind_of_help_sent(tracker)) is not None:
        # The channel's own search sent the command, not the words (cradle/turn.py).
        return ServiceAsk(group=kind)
    names_place = get_areas().find_in_text(text).district is not None
    asked = latest_intent(tracker) == "find_services"
    return get_request_reader().read(text, names_place, asked=asked)


def _kind_of_help_sent(tracker: Tracker) -> str | None:
    """The kind of help a `/find_services{...}` command carries, if it is one Cradle knows: the
    allowlist is read again here, as for any value that came with a message."""
    entities = (tracker.latest_message or {}).get("entities") or []
    kinds = get_request_reader().kinds_of_help
    sent = (
        e.get("value") for e in entities if isinstance(e, dict) and e.get("entity") == KIND_OF_HELP
    )
    return next((v for v in sent if isinstance(v, str) and v in kinds), None)


# "whats their number": a question about reaching "them" (README, fifty-first session).
_THEM = re.compile(r"\b(they|them|their|theirs|they're|theyre)\b", re.IGNORECASE)
# "do any of these cost money?": the list too, for the cost answer only (README, fifty-fourth
# session); and "does it cost anything?" (fifty-seventh session).
_THESE = re.compile(r"\b(these|those)\b", re.IGNORECASE)
_THE_LIST_FOR_COST = re.compile(f"{_THEM.pattern}|{_THESE.pattern}|\\bit\\b", re.IGNORECASE)


def about_the_whole_list(text: str, services: list[ServiceResult]) -> list[Message]:
    """The answer to a question about the services listed that names none of them: how long
    the wait is ("is there a waiting list": not in the catalogue, so where to ask), what each
    costs ("do any of them cost anything?", README, fifty-third session; "does it cost
    anything?", fifty-seventh), when each is open ("are any of them open now?", fifty-seventh),
    each one asked; [] for any other message. "...open in rugby" asks for Rugby's list instead."""
    # Each one asked, in this order: "are any of them open now its nearly 1am. and do they cost
    # money" (the twenty-eighth user test) got the cost lines alone.
    answer = [say("services_wait_unknown")] if asks_wait(text) else []
    if asks_cost(text) and _THE_LIST_FOR_COST.search(text):
        answer += costs_of(services)
    if asks_open(text) and speaks_of_the_list(text) and not get_areas().find_in_text(text).district:
        answer += openings_of(services)
    return answer


def _the_one_the_line_named(
    tracker: Tracker, text: str, shown: list[ServiceResult]
) -> ServiceResult | None:
    """Right under a list led by the service its line names ("The Family Information Service
    can tell you what runs near you"), a practical question about "them" that names no service
    is about that one; under any other list "their" could be any of them."""
    if not (asks_practical(text) and _THEM.search(text)):
        return None
    first = get_request_reader().first_named_by(lines_in_last_reply(tracker.events))
    return next((s for s in shown if s.id == first), None)


def names_a_place_under_a_list(tracker: Tracker) -> bool:
    """The message right under a list of services names a place, in Warwickshire or outside it
    ("What about a mum in Banbury?"): it asks for the same services there."""
    if not services_in_last_reply(tracker.events):
        return False
    found = get_areas().find_in_text(_latest_text(tracker))
    return found.district is not None or bool(found.outside_note)


def informs_nothing(tracker: Tracker) -> bool:
    """An `inform` outside the form that names no place, no audience, no need and no way of
    contact: the NLU's weak guess at a message that answers no question."""
    if latest_intent(tracker) != "inform" or tracker.active_loop_name:
        return False
    if tracker.latest_action_name == SERVICE_FILTER_FORM:
        return False  # the form's answer (or its Skip), already read by the form
    entities = (tracker.latest_message or {}).get("entities") or []
    if any(isinstance(e, dict) and e.get("entity") in ("area", "audience") for e in entities):
        return False
    if get_areas().read_reply(_latest_text(tracker)).district is not None:
        return False
    if get_areas().find_in_text(_latest_text(tracker)).outside_note:
        return False  # "What about a mum in Banbury?": that place's answer and national lines
    # Read as if it asked: who the parent is, a need or a way of contact is an answer too.
    ask = get_request_reader().read(_latest_text(tracker), asked=True)
    return ask is None or ask == ServiceAsk()


def _outside_line(area: AreaMatch, outcome: SearchOutcome | None) -> dict[str, Any]:
    """Where a parent outside the county lives, and which services follow: some that reach
    their place too ("Coventry and Warwickshire"), or national ones only."""
    served = get_areas().reaching(area)
    found = outcome.results if outcome is not None else ()
    note = area.outside_note or ""
    if served is None or all(r.scope == NATIONAL_SCOPE for r in found):
        return say("area_outside", note=note)
    return say("area_outside_served", note=note, served=served)


def _crisis_lines_turned_down(tracker: Tracker) -> bool:
    """Whether a message earlier in this session said it wanted no crisis line: the wish is
    kept for the conversation's lists (README, "the wish is kept for the conversation")."""
    reader = get_request_reader()
    return any(reader.turns_crisis_lines_down(text) for text in said_this_session(tracker.events))


def _place_kept(tracker: Tracker) -> list[dict[str, Any]]:
    """The Warwickshire district a topic question names exactly ("my daughter in law in
    atherstone cries all day"), kept for the conversation when no place is kept yet, so a later
    request for services need not ask where (README, "a place said once is kept")."""
    if tracker.get_slot("area") is not None:
        return []
    district = get_areas().find_in_text(_latest_text(tracker)).district
    return [SlotSet("area", district)] if district else []


def _needs_without_topic(ask: ServiceAsk | None) -> tuple[str, ...]:
    """What to search for when there is no topic: the needs the request named that are not
    topics ("baby groups": meeting other parents), else the everyday needs."""
    return _other_need_named(ask) or get_request_reader().no_need_named


def _other_need_named(ask: ServiceAsk | None) -> tuple[str, ...]:
    """The needs a service request named that are not topics ("baby groups": meeting other
    parents)."""
    return tuple(n for n in ask.needs if n not in topic_ids()) if ask is not None else ()


def _topic_named(ask: ServiceAsk | None) -> str | None:
    """The first topic among the needs a service request named, if any."""
    return next((n for n in ask.needs if n in topic_ids()), None) if ask is not None else None


def _topic_from(ask: ServiceAsk | None, tracker: Tracker) -> str | None:
    """The need a service request named, else the NLU's best topic guess for the message."""
    topic = _topic_named(ask)
    if topic is not None:
        return topic
    for ranked in (tracker.latest_message or {}).get("intent_ranking") or []:
        topic = topic_for_intent(ranked.get("name")) if isinstance(ranked, dict) else None
        if topic is not None and float(ranked.get("confidence") or 0) >= TOPIC_GUESS_MIN:
            return topic
    return None


def _latest_reading(tracker: Tracker) -> tuple[str, str | None, object]:
    """The latest message's text, its intent, and how sure the NLU was of that intent."""
    intent = (tracker.latest_message or {}).get("intent") or {}
    return _latest_text(tracker), latest_intent(tracker), intent.get("confidence")


def latest_intent(tracker: Tracker) -> str | None:
    """The intent of the latest user message (the top of the ranking is not always present)."""
    intent = (tracker.latest_message or {}).get("intent") or {}
    name = intent.get("name")
    return name if isinstance(name, str) else None


def _asks_for_someone_else(tracker: Tracker) -> bool:
    """The NLU read the latest message as a question about another adult's wellbeing."""
    return (tracker.latest_message or {}).get(ABOUT_KEY) == SOMEONE_ELSE


# Set with each topic answer: whether it was written for family or friends (slot `helping`).
HELPING_SLOT = "helping"


def _still_helping(tracker: Tracker) -> bool:
    """A question typed after an answer for family or friends is read the same way, whichever
    topic it asks about ("what do I actually say though?" from the tenth user test's sister;
    "is this just baby blues... when should i actually worry" from the eleventh's grandmother),
    until the writer speaks of their own state ("im shattered myself") or presses a button ("It's
    about me", a menu choice): a parent given the answer for a helper would be told "It's kind
    to ask"."""
    text = _latest_text(tracker)
    return (
        tracker.get_slot(HELPING_SLOT) is True
        and not text.lstrip().startswith("/")
        and not speaks_of_self(text)
    )


def _reader(tracker: Tracker) -> str | None:
    """Who the topic's parts are written for: family or friends after an answer for them, else
    the parent's audience."""
    if tracker.get_slot(HELPING_SLOT) is True:
        return HELPING_AUDIENCE
    return _audience(tracker)


def _audience(tracker: Tracker) -> str | None:
    audience = normalise_audience(tracker.get_slot("audience"))
    if audience is None and latest_intent(tracker) == "ask_dads":
        return DADS_AUDIENCE
    return audience or _said_mum(tracker)


def _said_mum(tracker: Tracker) -> str | None:
    """ "im 30 weeks pregnant": the writer is the mum, though she never said "mum" (README,
    fiftieth session). Read only while no audience is known."""
    if tracker.get_slot("audience") is None and says_she_is_pregnant(_latest_text(tracker)):
        return MUM_AUDIENCE
    return None
