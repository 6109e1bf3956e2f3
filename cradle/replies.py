"""Build the messages Cradle sends: topic answers and service lists, per audience.

Plain functions over content and catalogue results, so they are tested without Rasa objects.
Each message is a dict in Rasa's output shape: text, optional buttons, or a `custom` payload.
Internal payloads go under custom.cradle; the channel merges them into the reply contract.
The messages are the same for every channel: each channel renders them (the SMS channel
drops the heading and the part buttons and lists three services as text: cradle/sms.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from cradle.catalogue.kitemark import Schemes
from cradle.catalogue.naming import DADS, MUMS
from cradle.catalogue.store import DEFAULT_MAX_AGE_DAYS, SearchOutcome, ServiceResult
from cradle.content import (
    DADS_AUDIENCE,
    DADS_HEADING,
    HELPING_AUDIENCE,
    MUM_AUDIENCE,
    SECTION_KEYS,
    SOURCES_KEY,
    Focus,
    Topic,
    get_topic,
    intent_for_topic,
)
from cradle.operator import Operator
from cradle.responses import message, say
from cradle.sms import pick_for_sms

Message = dict[str, Any]


def contract(**fields: Any) -> Message:
    """An internal payload that the channel folds into the turn's reply contract."""
    return {"custom": {"cradle": fields}}


# A service's `cost_options` and the lines that say it, of one service and of a list's
# services; no cost recorded: "I don't know", never a guess (README, fifty-third session).
_COST_LINES = {
    "free": ("service_cost_free", "services_cost_free"),
    "low-cost": ("service_cost_low", "services_cost_low"),
    None: ("service_cost_unknown", "services_cost_unknown"),
}


def cost_of(service: ServiceResult) -> Message:
    """What the catalogue records of what one service costs ("Is it free?")."""
    return say(_COST_LINES[service.cost][0], name=service.name)


# The audiences a parent asks about, in the words parents use (README, "Is CALM ok for dads?").
_WHO_WORDS = {DADS: "dads and partners", MUMS: "mums"}


# The parent audience (`AUDIENCE_FIT`'s keys) of each audience asked about.
PARENT_OF = {DADS: "dad-or-partner", MUMS: "mum"}


def is_for(service: ServiceResult, asked: str) -> bool:
    """Whether one service is for the audience asked about (`DADS` or `MUMS`), as its catalogue
    entry's audiences say: a service for parents in general is for both."""
    return asked in service.audiences or "parents" in service.audiences


def audience_of(service: ServiceResult, asked: str) -> Message:
    """Yes or no: whether one service is for the audience asked about."""
    line = "service_for_yes" if is_for(service, asked) else "service_for_no"
    return say(line, name=service.name, who=_WHO_WORDS[asked])


def audience_instead(asked: ServiceResult, instead: ServiceResult, who: str) -> Message:
    """No, the service asked about is not for them, and one that is ("For dads and partners,
    there is Men's Advice Line.")."""
    return say("service_for_no_instead", name=asked.name, who=_WHO_WORDS[who], other=instead.name)


def costs_of(services: Sequence[ServiceResult]) -> list[Message]:
    """What the catalogue records of what each listed service costs: a line for those recorded
    free, one for those that may charge, one for those with no cost recorded (README, "Do any of
    them cost anything?")."""
    lines = []
    for cost, (_, line) in _COST_LINES.items():
        names = [s.name for s in services if s.cost == cost]
        if names:
            lines.append(say(line, names=", ".join(names)))
    return lines


def opening_of(service: ServiceResult) -> Message:
    """When one service is open, as its card shows it ("Is Samaritans open now?")."""
    if service.always_open:
        return say("service_open_always", name=service.name)
    if service.open_now:
        return say("service_open_now", name=service.name)
    if _opens_later(service):
        return say("service_open_later", name=service.name, when=str(service.next_open_text))
    return say("service_open_unknown", name=service.name)


def openings_of(services: Sequence[ServiceResult]) -> list[Message]:
    """When each listed service is open, as its card shows it: a line for those open day and
    night, those open now, those that open later (with when) and those with no hours recorded;
    when none is open now, where to talk to someone now (README, "Are any of them open
    now?")."""
    always = [s.name for s in services if s.always_open]
    now = [s.name for s in services if s.open_now and not s.always_open]
    later = [f"{s.name}, opens {s.next_open_text}" for s in services if _opens_later(s)]
    unknown = [s.name for s in services if not (s.always_open or s.open_now or _opens_later(s))]
    lines = [
        say(line, names=separator.join(names))
        for line, names, separator in (
            ("services_open_always", always, ", "),
            ("services_open_now", now, ", "),
            ("services_open_later", later, "; "),
            ("services_open_unknown", unknown, ", "),
        )
        if names
    ]
    if not (always or now):
        lines.append(say("services_open_none"))
    return lines


def _opens_later(service: ServiceResult) -> bool:
    return not (service.always_open or service.open_now) and bool(service.next_open_text)


def topic_messages(topic: Topic, audience: str | None, focus: Focus | None = None) -> list[Message]:
    """The first answer to a topic question: its title, then a short text (one SMS segment),
    warm, one next step, with buttons for what comes next. The longer sections stay in the
    content file and come one at a time (section_messages). One message, so a phone shows it
    whole. A focus ("scared of giving birth") has its own title and short text.
    """
    if focus is not None:
        text = focus.answer
    else:
        text = f"{topic.title}\n{topic.short_text(audience)}"
    buttons = next_steps(topic, audience, [])
    return [{"text": text, "buttons": buttons}, contract(topic=topic.id)]


def which_topic_message(topic_ids: tuple[str, ...]) -> Message:
    """ "Which is closer to what you mean?" with one button per topic, by its title."""
    buttons = [
        {"title": get_topic(t).title, "payload": f"/{intent_for_topic(t)}"} for t in topic_ids
    ]
    return {**say("which_topic"), "buttons": buttons}


def _more_payload(key: str) -> str:
    return "/topic_more" + json.dumps({"section": key})


# The crisis replies written for an emergency (999 now); see cradle/safety/result.py.
EMERGENCY_REPLIES = frozenset({"medical", "overdose", "emergency", "emergency_for_other"})


# The lines that remind a parent flagged in crisis where help is: the gentle reminder, and
# "Glad you're safe. If that changes, call 999" after "No" to "are you in danger?".
REMINDERS = ("safety_reminder", "safety_reminder_abuse", "check_cleared_topic")


def reminder_key(response: object) -> str:
    """The gentle reminder for a session whose last crisis reply was `response`: after the abuse
    reply, its own helplines, not Samaritans (the seventeenth user test)."""
    return "safety_reminder_abuse" if response == "abuse" else "safety_reminder"


# Cradle's crisis reply (every variation: whose, what kind), as Rasa names its action.
CRISIS_REPLY_ACTION = "utter_safety"


# The replies to the writer saying they are safe: "I'm safe", help having come, and "No" to
# "Are you or your baby in danger right now?". `action_safe_now` says "I'm glad to hear that"
# whenever the session is flagged (it answers a service question first only when it is not).
SAID_SAFE = frozenset(
    {
        "utter_safety_glad_safe",
        "utter_safety_help_is_there",
        "utter_safe_now",
        "action_safe_now",
        "action_check_cleared",
    }
)


def reminder_due(events: list[dict[str, Any]]) -> bool:
    """Whether a topic answer in a session flagged urgent or emergency starts with the gentle
    reminder. Once the writer has said they are safe, only the first topic answer after crisis
    help does (the fifth user test: a dad who said he was safe was reminded before every
    answer); until then, every one does (the twelfth: a mum who had said she was not safe asked
    "i dont want to be on my own" and got a topic with no numbers). A new crisis reply starts
    again."""
    texts = {message(key)["text"] for key in REMINDERS}
    actions = {f"utter_{key}" for key in REMINDERS}
    reminded = False
    for event in reversed(events):
        sent_as = (event.get("metadata") or {}).get("utter_action")
        if event.get("event") == "bot" and (event.get("text") in texts or sent_as in actions):
            reminded = True
        if event.get("event") == "action" and event.get("name") == CRISIS_REPLY_ACTION:
            break
    names = [str(e.get("name")) for e in events if e.get("event") == "action"]
    return not (reminded and said_safe_since_crisis(names))


def said_safe_since_crisis(actions: Sequence[str]) -> bool:
    """Whether the writer has said they are safe since the last crisis reply, from the
    conversation's action names in order."""
    for name in reversed(actions):
        if name == CRISIS_REPLY_ACTION:
            return False
        if name in SAID_SAFE:
            return True
    return False


# The actions whose reply is a topic's answer or one of its parts.
TOPIC_REPLIES = frozenset({"action_answer_topic", "action_topic_section"})


def topic_just_answered(events: list[dict[str, Any]]) -> bool:
    """Whether the bot's turn just before the parent's latest message answered a topic: a
    question typed right after it about the same topic ("does it make me a bad person?") gets
    the topic's next part, not the same first answer again (the sixth user test: one mum was
    sent the same paragraph three times)."""
    return last_reply_by(events) in TOPIC_REPLIES


def parts_shown_earlier(events: list[dict[str, Any]], topic_id: str) -> list[str] | None:
    """The parts of a topic shown when it was last answered in this session, before the bot's
    latest turn ([] for its first answer alone), or None when it was not answered. A question
    typed on it two turns later ("so should i tell someone about the thoughts?" after another
    worry's answer) then gets its next part, not the first answer again (the fourteenth user
    test's mum was sent it word for word)."""
    shown: dict[object, list[str]] = {}
    current: object = None
    answering = False
    for event in events:
        kind = event.get("event")
        if kind in ("session_started", "restart"):
            shown, current, answering = {}, None, False
        elif kind == "action":
            answering = event.get("name") in TOPIC_REPLIES
        elif kind == "slot" and event.get("name") == "topic":
            # A list of services sets the topic too, but shows none of its parts.
            current = event.get("value")
            if answering:
                shown.setdefault(current, [])
        elif kind == "slot" and answering and event.get("name") == "topic_seen":
            value = event.get("value")
            if current in shown and isinstance(value, list):
                shown[current] = [k for k in value if isinstance(k, str)]
    return shown.get(topic_id)


def _last_bot_turn(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The events of the bot's turn just before the parent's latest message, latest first
    ([] when there is no such turn)."""
    turn: list[dict[str, Any]] = []
    seen_latest = False
    for event in reversed(events):
        if event.get("event") == "user":
            if seen_latest:
                return turn
            seen_latest = True
        elif seen_latest:
            turn.append(event)
    return turn  # the conversation's first message: the greeting, if any, is its turn


def services_in_last_reply(events: list[dict[str, Any]], by_sms: bool = False) -> list[str]:
    """The ids of the services listed in the bot's turn just before the parent's latest message
    (from the reply contract it sent), or [] when that turn listed none. `by_sms`: only the
    ones the text showed (see `_services_of`)."""
    for event in _last_bot_turn(events):
        if event.get("event") == "bot" and (services := _services_of(event, by_sms)):
            return services
    return []


def lines_in_last_reply(events: list[dict[str, Any]]) -> frozenset[str]:
    """The names of the responses (`utter_...`) the bot sent in its turn just before the
    parent's latest message."""
    sent = ((e.get("metadata") or {}).get("utter_action") for e in _last_bot_turn(events))
    return frozenset(name for name in sent if isinstance(name, str))


def services_in_latest_list(events: list[dict[str, Any]], by_sms: bool = False) -> list[str]:
    """The ids of the services in the latest list the bot sent in this session, however many
    turns back, or [] when there was none since the session began. `by_sms`: only the ones the
    text showed."""
    for event in _this_session(events):
        if event.get("event") == "bot" and (services := _services_of(event, by_sms)):
            return services
    return []


def _this_session(events: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """The events since the session began (or was restarted), latest first."""
    for event in reversed(events):
        if event.get("event") in ("session_started", "restart"):
            return
        yield event


def said_this_session(events: list[dict[str, Any]]) -> list[str]:
    """The parent's messages since the session began, oldest first (crisis texts are never in
    the tracker: the channel sends an intent in their place)."""
    said = [e.get("text") for e in _this_session(events) if e.get("event") == "user"]
    return [text for text in reversed(said) if isinstance(text, str)]


# The channel's crisis command (cradle/turn.py sends it in place of the words).
CRISIS_INTENT = "safety_alert"
# Who read a worry about someone else, when the model alone did: "How can I help them?" then
# gets bringing up a worry, not asking about suicide, which nobody named (the thirty-third user
# test's grandmother; docs/safety.md, sixty-first session). An entity with no slot.
READ_BY = "safety_read_by"
SECOND_OPINION_READ = "second_opinion"
READ_BY_MATTERS = frozenset({"concern_for_other"})


def last_crisis_entities(events: list[dict[str, Any]]) -> dict[str, Any]:
    """The entities of the session's last crisis command (`/safety_alert{...}`), or {}."""
    for event in _this_session(events):
        parse = (event.get("parse_data") or {}) if event.get("event") == "user" else {}
        if (parse.get("intent") or {}).get("name") == CRISIS_INTENT:
            return {e.get("entity"): e.get("value") for e in parse.get("entities") or []}
    return {}


def spoke_this_session(events: list[dict[str, Any]]) -> bool:
    """Whether the bot has sent anything since the session began (a greeting, an answer)."""
    return any(event.get("event") == "bot" for event in _this_session(events))


def _services_of(bot_event: dict[str, Any], by_sms: bool = False) -> list[str]:
    """The ids of the services a bot event's reply contract listed, or []. By SMS the ones the
    text showed: the contract Rasa keeps names all the action found, and the channel picked
    three from its cards (README, "By text, 'them' is the three services the text listed");
    the same cards give the same pick, whatever the time now."""
    contract = _contract_of(bot_event)
    cards = [c for c in contract.get("cards") or [] if isinstance(c, dict)]
    if by_sms and cards:
        return [c["id"] for c in pick_for_sms(cards) if isinstance(c.get("id"), str)]
    services = contract.get("services")
    return [s for s in services if isinstance(s, str)] if isinstance(services, list) else []


def _contract_of(bot_event: dict[str, Any]) -> dict[str, Any]:
    """The reply contract fields a bot event carries (see `contract`), or {}."""
    custom = (bot_event.get("data") or {}).get("custom")
    fields = custom.get("cradle") if isinstance(custom, dict) else None
    return fields if isinstance(fields, dict) else {}


def previous_message(events: list[dict[str, Any]]) -> tuple[str, list[str]]:
    """The parent's message before the latest one: its text, and the intents the NLU ranked for
    it, best first ("" and [] when there is none)."""
    users = [e for e in events if e.get("event") == "user"]
    if len(users) < 2:
        return "", []
    text = users[-2].get("text")
    ranking = (users[-2].get("parse_data") or {}).get("intent_ranking") or []
    names = [r["name"] for r in ranking if isinstance(r, dict) and isinstance(r.get("name"), str)]
    return (text if isinstance(text, str) else ""), names


def last_reply_by(events: list[dict[str, Any]]) -> str | None:
    """The last action of the bot's turn just before the parent's latest message, or None."""
    for event in _last_bot_turn(events):
        if event.get("event") == "action" and event.get("name") != "action_listen":
            return event.get("name")
    return None


def feedback_given(events: list[dict[str, Any]], topic: object) -> bool:
    """Whether the parent has already answered "Was this helpful?" about this topic (or, with
    no topic, about a list with none): it is not asked again (the sixth user test: a dad who
    had pressed "No" was asked again two turns later, after the same list)."""
    current: object = None
    answered: set[object] = set()
    for event in events:
        kind = event.get("event")
        if kind == "slot" and event.get("name") == "topic":
            current = event.get("value")
        elif kind == "restart" or kind == "session_started":
            current, answered = None, set()
        elif kind == "user":
            intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            if intent == "feedback":
                answered.add(current)
    return topic in answered


def needs_help_today(leaning: object) -> bool:
    """After "No" to "Are you or your baby in danger right now?": the net had leaned to an
    emergency reply (strange beliefs, voices, a plan, a baby's red flag), so the message still
    needs advice today, and a topic guessed from it may be the wrong one."""
    return leaning in EMERGENCY_REPLIES


def next_steps(topic: Topic, audience: str | None, shown: list[str]) -> list[dict[str, str]]:
    """A button for each next step after a topic answer or one of its parts: the two parts
    parents ask for most by name, "Tell me more" for the next one, the sources, and the dads'
    part for anyone not known to be a dad, partner or mum. (By SMS only "Find support near
    me" and "Tell me more" are offered: see cradle.sms.for_sms.) For family and friends, their
    own part and "It's about me"."""
    # Its own command, not "yes": pressed a few turns later (after "You're welcome") it still
    # finds support (the nineteenth user test; README, forty-eighth session).
    buttons = [{"title": "Find support near me", "payload": "/find_services"}]
    unseen = [k for k in topic.more_order(audience) if k not in shown]
    # Family and friends are offered their own part by name, not the parent's "what can help".
    named = ("helping",) if audience == HELPING_AUDIENCE else ("help_today", "when_to_get_help")
    for key in named:
        if key in unseen:
            buttons.append({"title": SECTION_KEYS[key], "payload": _more_payload(key)})
    if unseen:
        buttons.append({"title": "Tell me more", "payload": _more_payload("more")})
    if SOURCES_KEY not in shown and topic.sources:
        buttons.append({"title": "Where this comes from", "payload": _more_payload(SOURCES_KEY)})
    # A mum who said so is not offered the dads' part by name (a user test); it is still the
    # last "Tell me more".
    if audience not in (DADS_AUDIENCE, MUM_AUDIENCE, HELPING_AUDIENCE) and "dads" in unseen:
        buttons.append({"title": DADS_HEADING, "payload": _more_payload("dads")})
    if audience == HELPING_AUDIENCE:
        # Read as about someone else: one tap, on every answer and part, gets the answer written
        # to the parent (and ends the reading).
        buttons.append({"title": "It's about me", "payload": f"/{intent_for_topic(topic.id)}"})
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
    carried_on = topic.continued_by(shown)
    if carried_on in unseen:
        return carried_on
    return unseen[0] if unseen else SOURCES_KEY


def section_messages(
    topic: Topic, key: str, audience: str | None, shown: list[str]
) -> list[Message]:
    """One part of the topic, from its content file, with buttons for the next steps."""
    if key == SOURCES_KEY:
        heading = "Where this comes from"
        text = "\n".join(f"- {s['title']}: {s['url']}" for s in topic.sources)
    else:
        heading = SECTION_KEYS[key]
        section = topic.section(heading)
        text = section.text if section is not None else ""
    buttons = next_steps(topic, audience, shown)
    return [
        {"text": f"{heading}\n\n{text}"},
        # The buttons go on a short last line, so the long text above them stays readable.
        {**say("topic_next"), "buttons": buttons},
        contract(topic=topic.id),
    ]


def listing_words(results: list[ServiceResult] | tuple[ServiceResult, ...]) -> str:
    """What the services shown really are, from their schemes: never "kite-marked" for a listing."""
    wordings = list(dict.fromkeys(r.kitemark["wording"] for r in results))
    return " and ".join(wordings)


NATIONAL_SCOPE = 2  # ServiceResult.scope: 0 local district, 1 county-wide, 2 national


def service_messages(
    outcome: SearchOutcome,
    place: str | None,
    short_place: str | None = None,
    reaching: str | None = None,
) -> list[Message]:
    """The services found (ranked by need and audience, then place): an introduction that says
    what they really are, and the services as cards in the reply contract (the widget shows the
    cards; the SMS channel lists three as text). `short_place`: the district's name alone.
    `reaching`: a place outside the county that some of the services cover ("Coventry")."""
    if not outcome.results:
        return [say("services_none"), contract(services=[])]
    listing = listing_words(outcome.results)
    if place and outcome.local_found:
        intro = say("services_local", place=place, listing=listing)
    elif place:
        # By SMS the district's own name ("Stratford-on-Avon"), not its towns too: a long
        # place cut the service lines in half.
        intro = say("services_gap", place=place, short_place=short_place or place, listing=listing)
    elif all(r.scope == NATIONAL_SCOPE for r in outcome.results):
        # e.g. a parent in Coventry: only national services cover them, not Warwickshire's.
        intro = say("services_national", listing=listing)
    elif reaching:
        intro = say("services_reaching", served=reaching, listing=listing)
    else:
        intro = say("services_wider", listing=listing)
    return [
        intro,
        contract(
            services=[r.id for r in outcome.results],
            cards=[r.card() for r in outcome.results],
            gap=bool(place) and not outcome.local_found,
        ),
    ]


# The questions about Cradle whose answer is one line of its own, nothing after it.
ANSWERED_ALONE = {
    "replaces_professionals": "about_not_a_replacement",
    "crisis_decisions": "about_crisis_decisions",
    "counts_and_feedback": "about_counts_and_feedback",
    "by_text": "about_by_text",
    "partners_section": "about_partners_section",
    "for_family": "about_for_family",
    "for_dads": "about_for_dads",
}


def about_cradle_messages(
    schemes: Schemes,
    operator: Operator,
    reviewed: tuple[int, int] | None = None,
    asks: str | None = None,
) -> list[Message]:
    """Who runs Cradle, how its services are checked, who reviewed what it says, and where to
    say something was wrong.

    The quality line follows content/kitemark.yml: each real scheme is named with its owner;
    while none exists, the reply says no service has been checked by one. Who runs it and
    where to complain follow content/operator.yml; while no one is named, the reply says so.
    `reviewed`: (topics approved by the panel, topics), or None to leave that line out (SMS).
    `asks`: the one thing the question asked (`RequestReader.about_cradle_asks`): its answer
    comes first, with only the line that goes with it, not the whole answer again."""
    real = [s for s in schemes.by_id.values() if s.real]
    quality = [say("about_quality_real", label=s.card_label, owner=s.owner) for s in real]
    quality = quality or [say("about_quality_sample")]
    name, website, complaints = operator.name, operator.website, operator.complaints_url
    if name and website and complaints:  # load_operator fills in all three or none
        who = say("about_operator", name=name, website=website, complaints=complaints)
    else:
        who = say("about_no_operator")
    if asks == "listing":
        months = str(round(DEFAULT_MAX_AGE_DAYS / 365 * 12))
        return [say("about_listing", months=months), *quality]
    if asks == "data_controller":
        responsible = who if operator.named else say("about_no_data_controller")
        return [responsible, say("about_feedback")]
    if asks in ANSWERED_ALONE:
        return [say(ANSWERED_ALONE[asks])]
    return [
        say("about_cradle"),
        who,
        *quality,
        *([content_review_message(*reviewed)] if reviewed is not None else []),
        say("about_feedback"),
    ]


def content_review_message(approved: int, total: int) -> Message:
    """How many topics the panel has reviewed: none, some, or all of them."""
    if approved <= 0:
        return say("about_content_draft")
    if approved >= total:
        return say("about_content_all")
    return say("about_content_reviewed", reviewed=str(approved), total=str(total))
