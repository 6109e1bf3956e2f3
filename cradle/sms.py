"""SMS text rules: GSM-7 folding and segment counting, and how a reply is shown as a text.

A GSM-7 message fits 160 characters in one segment, or 153 per segment when split; any
character outside GSM-7 makes the whole message UCS-2 (70, or 67 per segment).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from typing import Any

from cradle.content import get_topic, topic_ids
from cradle.yamlio import ContentError

GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = set("^{}\\[~]|€\f")  # each costs two characters
_FOLD = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2033": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u2026": "...",
        "\u00a0": " ",
        "\u2022": "-",
        "\t": " ",
    }
)


def fold_to_gsm(text: str) -> str:
    """Replace curly quotes, dashes and similar with their GSM-7 equivalents."""
    return text.translate(_FOLD)


def is_gsm7(text: str) -> bool:
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENDED for ch in text)


def segments(text: str) -> int:
    """How many SMS segments the text needs, GSM-7 aware (emoji force UCS-2)."""
    if not text:
        return 1
    if is_gsm7(text):
        length = sum(2 if ch in GSM7_EXTENDED else 1 for ch in text)
        return 1 if length <= 160 else math.ceil(length / 153)
    # UCS-2 counts UTF-16 code units: an emoji outside the BMP counts as two.
    units = len(text.encode("utf-16-le")) // 2
    return 1 if units <= 70 else math.ceil(units / 67)


MAX_REPLY_SEGMENTS = 3
_LINK = re.compile(r"https?://(www\.)?([^\s]+?)/?(?=[.,;)]?(?:\s|$))")


def short_links(text: str) -> str:
    """https://www.nhs.uk/start-for-life/ -> nhs.uk/start-for-life: short and plain."""
    return _LINK.sub(lambda m: m.group(2), text)


def _fit(text: str, budget_segments: int) -> str:
    """Make text fit the given number of segments: whole service lines ("- ...") go first, from
    the end, keeping one that can be reached now; only then is it cut at a word boundary (half a
    service line is a name without its number)."""
    if segments(text) <= budget_segments:
        return text
    lines = text.split("\n")
    while segments("\n".join(lines)) > budget_segments:
        listed = [i for i, line in enumerate(lines) if line.startswith("- ")]
        if len(listed) <= 1:
            break
        closed = [i for i in listed if not _reachable_now(lines[i])]
        del lines[(closed or listed)[-1]]
    text = "\n".join(lines)
    if segments(text) <= budget_segments:
        return text
    words = text.split(" ")
    while words and segments(" ".join(words) + "...") > budget_segments:
        words.pop()
    return " ".join(words) + "..."


@dataclass(frozen=True)
class SmsReply:
    text: str
    payloads: tuple[str, ...]  # what "1", "2"... mean in the next text
    options: str = ""  # the "Reply 1=... 2=..." line, offered again after a wrong number
    noticed: bool = False  # whether the notice asked for is in the text (it fitted)


def format_reply(
    messages: list[dict[str, Any]],
    keep_first: bool = False,
    max_segments: int = MAX_REPLY_SEGMENTS,
    notice: str = "",
) -> SmsReply:
    """Plain GSM-7 text in at most `max_segments` segments, buttons as numbered options.

    With keep_first, the first message (crisis help) is never shortened. `notice`, a fixed line
    (sms_first_notice), goes after the reply's text and before its options only when the whole
    reply still fits uncut beside it: it never costs the reply a word (`noticed` says if it went).
    """
    if notice:
        plain = format_reply(messages, keep_first, max_segments)
        told = _with_notice(plain.text, notice, plain.options)
        if segments(told) <= max_segments:
            return replace(plain, text=told, noticed=True)
        return plain
    with_text = [m for m in messages if m.get("text")]
    asking = next((m for m in reversed(messages) if m.get("buttons")), None)
    buttons: list[dict[str, Any]] = asking["buttons"] if asking else []
    # A closing question (the last line, asking what the options answer) stays whole, like the
    # options: a list of services is what gets shortened, never "Which town or area?".
    closing = asking is not None and with_text[-1:] == [asking] and len(with_text) > 1
    question = fold_to_gsm(short_links(str(asking["text"]).strip())) if closing and asking else ""
    texts = [
        fold_to_gsm(short_links(str(m["text"]).strip()))
        for m in with_text
        if not (closing and m is asking)
    ]
    # "Call 999" buttons are not replies: they are named as numbers to call after the options.
    calls = [b for b in buttons if str(b.get("payload", "")).startswith("tel:")]
    buttons = [b for b in buttons if b not in calls]
    payloads = tuple(str(b["payload"]) for b in buttons)
    options = " ".join(f"{i}={fold_to_gsm(b['title'])}" for i, b in enumerate(buttons, start=1))
    options = f"Reply {options}" if options else ""
    if calls:
        numbers = " or ".join(str(b["payload"]).removeprefix("tel:") for b in calls)
        options = f"{options}. Or call {numbers}" if options else f"Call {numbers}"
    first = texts[0] if (keep_first and texts) else ""
    rest = "\n".join(texts[1:] if first else texts)
    ending = "\n".join(p for p in (question, options) if p)
    fixed = "\n".join(p for p in (first, ending) if p)
    if segments("\n".join(p for p in (first, rest, ending) if p)) <= max_segments:
        return SmsReply("\n".join(p for p in (first, rest, ending) if p), payloads, options)
    # Shorten the middle; the crisis text, the question and its options always stay whole.
    budget = max(1, max_segments - segments(fixed)) if fixed else max_segments
    rest = _fit(rest, budget) if rest else ""
    text = "\n".join(p for p in (first, rest, ending) if p)
    while segments(text) > max_segments and rest:
        rest = _fit(rest[: max(0, len(rest) - 20)], budget)
        text = "\n".join(p for p in (first, rest, ending) if p)
    return SmsReply(text, payloads, options)


def _with_notice(text: str, notice: str, options: str) -> str:
    """The reply with the notice after its text and before its closing question and options."""
    lines = text.split("\n")
    at = len(lines)
    if options and lines[-1] == options:
        at -= 1
        # The closing question stays with its options ("Are you safe right now?").
        if at > 1 and lines[at - 1].endswith("?"):
            at -= 1
    return "\n".join([*lines[:at], fold_to_gsm(notice), *lines[at:]])


# What a text message offers after a topic answer: "Find support near me" and "Tell me more".
# The part buttons by name, the sources and the dads' part would need a longer options line.
_SMS_PARTS = frozenset({"more"})
SMS_SERVICES = 3  # three lines fit a text


def for_sms(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The channel-neutral reply (ending with its contract) as a text message shows it: no
    topic or focus heading (the answer itself must fit one segment), only the choices a text
    offers, and the services as three lines of text, one of them a number that is open now.

    The contract's services and cards become the ones listed, so the insight log records what
    the parent was shown."""
    *shown, last = messages
    contract = dict(last.get("custom") or {})
    heading = _topic_heading(contract.get("topic"))
    focus_texts = _focus_short_texts()
    out = []
    for item in shown:
        item = dict(item)
        text = item.get("text")
        if isinstance(text, str) and text in focus_texts:
            item["text"] = focus_texts[text]  # README, fifty-first session
        elif heading and isinstance(text, str) and text.startswith(heading):
            item["text"] = text[len(heading) :]
        if item.get("buttons"):
            item["buttons"] = [b for b in item["buttons"] if _offered_by_sms(b)]
        out.append(item)
    cards = [c for c in contract.get("cards") or [] if isinstance(c, dict)]
    if cards:
        listed = pick_for_sms(cards)
        at = min(int(contract.get("cards_after", len(out))), len(out))
        out.insert(at, {"text": "\n".join(sms_service_line(c) for c in listed)})
        contract.update(services=[c.get("id") for c in listed], cards=listed)
        contract.pop("cards_after", None)
    return [*out, {**last, "custom": contract}]


def _topic_heading(topic: object) -> str | None:
    if not isinstance(topic, str):
        return None
    try:
        return f"{get_topic(topic).title}\n"
    except (ContentError, KeyError):
        return None


def _focus_short_texts() -> dict[str, str]:
    """Each focus's first answer as sent (its title on a line, then its text), mapped to the
    text alone: by SMS the title would make it two segments. Whole answers only, so a message
    that merely starts with a title keeps it. A topic that cannot be read is skipped (`cradle
    content check` names it), and its answers are sent as written."""
    texts = {}
    for topic_id in topic_ids():
        try:
            texts.update({f.answer: f.sms for f in get_topic(topic_id).focuses})
        except (ContentError, KeyError):
            continue
    return texts


def _offered_by_sms(button: dict[str, Any]) -> bool:
    payload = str(button.get("payload", ""))
    if not payload.startswith("/topic_more"):
        return True
    return any(f'"section": "{part}"' in payload for part in _SMS_PARTS)


def pick_for_sms(cards: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The first three services, ranked as found; if none of them can be called or texted now,
    the best one that can takes the third place."""
    picked = cards[:SMS_SERVICES]
    if not any(_open_now(c) and c.get("phones") for c in picked):
        spare = next((c for c in cards[SMS_SERVICES:] if _open_now(c) and c.get("phones")), None)
        if spare is not None:
            picked = [*picked[: SMS_SERVICES - 1], spare]
    return picked


def _open_now(card: dict[str, Any]) -> bool:
    opening = card.get("opening") or {}
    return bool(opening.get("always_open") or opening.get("open_now"))


def _reachable_now(line: str) -> bool:
    """A service line (`sms_service_line`) for a service open now or day and night."""
    contacts = line.partition(": ")[2]
    return "open 24/7" in contacts or "open now" in contacts


def sms_service_line(card: dict[str, Any]) -> str:
    """One service as a line of a text: its name, how to reach it, and whether it is open."""
    contacts = []
    for phone in card.get("phones") or []:
        verb = "text" if phone.get("type") == "text" else "call"
        contacts.append(f"{verb} {phone.get('number')}")
    opening = card.get("opening") or {}
    if opening.get("always_open"):
        contacts.append("open 24/7")
    elif opening.get("open_now"):
        contacts.append("open now")
    elif opening.get("next_open_text"):
        contacts.append(f"opens {opening['next_open_text']}")
    line = str(card.get("name", ""))
    if contacts:
        line += ": " + ", ".join(contacts)
    if card.get("url") and not card.get("phones"):  # a text has room for a number or a website
        line += f" {card['url']}"
    return "- " + line
