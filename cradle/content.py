"""Topic content: load content/topics/<id>.md (YAML front matter + sections) and render it."""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from cradle.paths import content_dir
from cradle.yamlio import ContentError, parse_yaml

logger = logging.getLogger(__name__)

DADS_AUDIENCE = "dad-or-partner"
MUM_AUDIENCE = "mum"
# Not who the parent is, but who a question is about: another adult's wellbeing, asked by a
# partner, friend or relative (cradle/helping.py). Never stored in the audience slot.
HELPING_AUDIENCE = "family-or-friend"
# The reviewed first answers, one SMS segment each: for everyone, and by who is asking.
SHORT_TEXT_KEYS = {"sms": None, "sms_dads": DADS_AUDIENCE, "sms_helping": HELPING_AUDIENCE}
DADS_HEADING = "For dads and partners"
# The part written for a partner, friend or relative asking about someone else (the tenth user
# test: a sister's "Tell me more" got parts written to the parent).
HELPING_HEADING = "For family and friends"
# The parts of a topic a parent can ask for, one at a time, after the short first answer.
SECTION_KEYS = {
    "about": "What this is",
    "not_alone": "You're not alone",
    "help_today": "What can help today",
    "when_to_get_help": "When to get help",
    "how_to_get_help": "How to get help",
    "dads": DADS_HEADING,
    "helping": HELPING_HEADING,
}
SOURCES_KEY = "sources"
# How a focus's answer is remembered among a topic's parts shown (slot topic_seen).
FOCUS_MARKER = "focus:"
_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n(.*)\Z", re.S)


def topic_ids(folder: Path | None = None) -> tuple[str, ...]:
    """Every topic's id, from the front matter of content/topics/*.md, by their `order:`.

    The files are the only list of topics: intents and rules are generated from it by
    `cradle sync`. The order numbers the SMS menu, so a new topic takes the next free number
    and existing topics keep theirs. Re-read only when a file is added, removed or changed.
    """
    folder = folder or content_dir() / "topics"
    files = tuple((str(p), p.stat().st_mtime) for p in sorted(folder.glob("*.md")))
    return _ordered_ids(files)


@lru_cache(maxsize=8)
def _ordered_ids(files: tuple[tuple[str, float], ...]) -> tuple[str, ...]:
    topics = [_topic_cached(path, mtime) for path, mtime in files]
    # A topic without an order goes last (`cradle content check` fails on it anyway).
    ordered = sorted(topics, key=lambda t: (t.order is None, t.order or 0, t.id))
    return tuple(t.id for t in ordered)


def intent_for_topic(topic_id: str) -> str:
    """ask_low_mood for low-mood."""
    return "ask_" + topic_id.replace("-", "_")


# The slot the channels fill, with the question "Are you or your baby in danger right now?",
# with the topic the NLU read in the message the safety net was unsure about (a topic id, never
# the words), so that "No" is followed by the answer the parent asked for.
PENDING_TOPIC = "pending_topic"
# What "No" to the danger question asked about the services just listed answers, carried as its
# pending topic (an id, never the words; docs/safety.md, fifty-seventh session): the list's
# opening lines, its cost lines, or where each card says to get in touch.
LIST_QUESTIONS = ("the-list:opening", "the-list:cost", "the-list:reaching")
# What "No" answers when the message asked about was a request for services (README, sixty-first
# session: "is there anyone i can talk to in the evenings?" had to be asked again): its list.
HELD_REQUEST = "the-request"


def topic_for_intent(intent: str | None) -> str | None:
    """low-mood for ask_low_mood; None when the intent is not a topic intent."""
    if not intent or not intent.startswith("ask_"):
        return None
    topic_id = intent[4:].replace("_", "-")
    return topic_id if topic_id in topic_ids() else None


@dataclass(frozen=True)
class Section:
    heading: str
    text: str
    line: int  # line number of the heading in the file, for error messages


@dataclass(frozen=True)
class Focus:
    """A worry within a topic that has a first answer of its own (front matter `focuses:`):
    "scared of giving birth" within looking after yourself in pregnancy. Found by its patterns
    in the parent's own words, whichever topic the NLU read; the topic's sections follow."""

    id: str
    title: str
    sms: str
    patterns: tuple[re.Pattern[str], ...]
    # Words that mean it is not this worry after all ("since the birth": a birth behind them).
    unless: tuple[re.Pattern[str], ...] = ()
    # A worry about reaching a service ("can I refer myself?"): asked with a request for
    # services, its answer comes first and the list follows, instead of the list alone. By
    # SMS this shorter line comes instead, so three service lines still fit three segments.
    sms_before_services: str = ""
    # Written for a partner, friend or relative ("how do I bring it up with her?"): what comes
    # after it is theirs too (the topic's "For family and friends" part, "It's about me").
    for_helpers: bool = False
    # The topic's part that carries this worry on (a SECTION_KEYS key): "Tell me more" after
    # "Referring yourself" shows "How to get help", not "What this is" (the fourteenth user test).
    more_first: str = ""
    # Read after every other topic's focuses: a broad answer for helpers ("Supporting your
    # partner") must not take a worry that has its own ("Referring yourself", "No GP
    # appointment"), whichever topic comes first.
    checked_last: bool = False
    # No listed service meets this worry ("bleeding at 12 weeks, who do i call": the catalogue
    # has no maternity unit): asked with a request for services, its answer comes instead of
    # the list and the area question.
    instead_of_services: bool = False

    @property
    def marker(self) -> str:
        """How its answer is remembered among the parts shown (slot topic_seen)."""
        return f"{FOCUS_MARKER}{self.id}"

    @property
    def answer(self) -> str:
        """Its first answer as sent: the title on a line of its own, then the short text."""
        return f"{self.title}\n{self.sms}"

    def matches(self, text: str) -> bool:
        words = " ".join(text.lower().split())
        return any(p.search(words) for p in self.patterns) and not any(
            p.search(words) for p in self.unless
        )


_FOCUS_FLAGS = ("for_helpers", "checked_last", "instead_of_services")


def parse_focuses(meta: dict[str, Any], path: Path) -> tuple[Focus, ...]:
    """The topic's focuses; a malformed one is a content error naming the file."""
    raw = meta.get("focuses") or []
    if not isinstance(raw, list):
        raise ContentError(path, "focuses must be a list")
    focuses = []
    for entry in raw:
        if not isinstance(entry, dict) or not all(
            isinstance(entry.get(k), str) and entry[k].strip() for k in ("id", "title", "sms")
        ):
            raise ContentError(path, f"each focus needs id, title and sms text: {entry!r}")
        patterns, unless = entry.get("patterns"), entry.get("unless") or []
        if not isinstance(patterns, list) or not patterns or not isinstance(unless, list):
            raise ContentError(path, f"focus {entry['id']}: patterns must be a non-empty list")
        try:
            compiled = tuple(re.compile(str(p)) for p in patterns)
            vetoes = tuple(re.compile(str(p)) for p in unless)
        except re.error as err:
            raise ContentError(path, f"focus {entry['id']}: a pattern is not valid: {err}") from err
        before = entry.get("sms_before_services", "")
        if not isinstance(before, str):
            raise ContentError(path, f"focus {entry['id']}: sms_before_services must be text")
        flags = {k: entry.get(k, False) for k in _FOCUS_FLAGS}
        for key, flag in flags.items():
            if not isinstance(flag, bool):
                raise ContentError(path, f"focus {entry['id']}: {key} must be true or false")
        if flags["instead_of_services"] and before:
            raise ContentError(
                path,
                f"focus {entry['id']}: instead_of_services comes instead of a list, so it has "
                "no sms_before_services line to come before one",
            )
        more_first = entry.get("more_first", "")
        if more_first and (not isinstance(more_first, str) or more_first not in SECTION_KEYS):
            raise ContentError(
                path,
                f"focus {entry['id']}: more_first must be one of {', '.join(SECTION_KEYS)}",
            )
        sms, before = " ".join(entry["sms"].split()), " ".join(before.split())
        focuses.append(
            Focus(
                entry["id"],
                entry["title"].strip(),
                sms,
                compiled,
                vetoes,
                before,
                flags["for_helpers"],
                more_first,
                flags["checked_last"],
                flags["instead_of_services"],
            )
        )
    return tuple(focuses)


@dataclass(frozen=True)
class Topic:
    id: str
    title: str
    meta: dict[str, Any]
    sections: tuple[Section, ...]
    path: Path
    body_line: int = 1

    @property
    def order(self) -> int | None:
        """Where the topic comes in lists such as the SMS menu (front matter `order:`)."""
        value = self.meta.get("order")
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    @property
    def status(self) -> str:
        return str(self.meta.get("status", "draft"))

    @property
    def approved(self) -> bool:
        """Reviewed and approved by the panel (only `cradle content approve` sets it)."""
        return self.status == "approved"

    @property
    def may_be_shown(self) -> bool:
        """Approved, or a draft while drafts may be served (CRADLE_SERVE_DRAFTS)."""
        return self.approved or serve_drafts()

    @property
    def sources(self) -> list[dict[str, str]]:
        return list(self.meta.get("sources") or [])

    @property
    def needs(self) -> list[str]:
        return [str(n) for n in self.meta.get("needs") or [self.id]]

    @cached_property
    def focuses(self) -> tuple[Focus, ...]:
        # Parsed once per loaded file (get_topic reloads a changed one): every topic answer
        # looks through every topic's focuses.
        return parse_focuses(self.meta, self.path)

    def focus_for(self, text: str, checked_last: bool = False) -> Focus | None:
        """The first focus that matches, among those read first or (checked_last) last."""
        return next(
            (f for f in self.focuses if f.checked_last == checked_last and f.matches(text)), None
        )

    def focus_by_id(self, focus_id: str) -> Focus | None:
        return next((f for f in self.focuses if f.id == focus_id), None)

    def section(self, heading: str) -> Section | None:
        return next((s for s in self.sections if s.heading.lower() == heading.lower()), None)

    def sms_text(self, audience: str | None = None) -> str:
        for key, for_whom in SHORT_TEXT_KEYS.items():
            if for_whom is not None and audience == for_whom and self.meta.get(key):
                return str(self.meta[key]).strip()
        return str(self.meta.get("sms", "")).strip()

    def short_text(self, audience: str | None = None) -> str:
        """The first answer on every channel: the reviewed one-segment text (sms, or sms_dads /
        sms_helping for those who ask, when the topic has one)."""
        return self.sms_text(audience)

    def continued_by(self, shown: list[str]) -> str | None:
        """The part named to carry on the worry of the focus answered among `shown` (its marker
        there), if any; whether it is unseen is for the caller (section_key) to check."""
        for key in reversed(shown):
            if key.startswith(FOCUS_MARKER):
                focus = self.focus_by_id(key[len(FOCUS_MARKER) :])
                return (focus.more_first or None) if focus is not None else None
        return None

    def more_order(self, audience: str | None = None) -> list[str]:
        """Section keys in the order "Tell me more" shows them; dads' section first for dads
        and partners, last (on request) for everyone else. The part for family and friends
        comes first for them and is not offered to the parent."""
        keys = [k for k, heading in SECTION_KEYS.items() if self.section(heading) is not None]
        first = {DADS_AUDIENCE: "dads", HELPING_AUDIENCE: "helping"}.get(audience or "")
        rest = [k for k in keys if k not in (first, "helping")]
        return [first, *rest] if first is not None and first in keys else rest


def parse_topic(text: str, path: Path) -> Topic:
    """Parse one topic file; errors name the file and line."""
    match = _FRONT_MATTER.match(text.replace("\r\n", "\n"))
    if not match:
        raise ContentError(path, "a topic file starts with YAML front matter between --- lines", 1)
    meta = parse_yaml(match.group(1), path, first_line=2)
    if not isinstance(meta, dict):
        raise ContentError(path, "the front matter must be a mapping", 2)
    body_line = match.group(1).count("\n") + 4  # "---", the front matter lines, "---"
    sections: list[Section] = []
    heading: str | None = None
    heading_line = 0
    lines: list[str] = []
    for offset, line in enumerate(match.group(2).split("\n")):
        if line.startswith("## "):
            if heading is not None:
                sections.append(Section(heading, "\n".join(lines).strip(), heading_line))
            heading, heading_line, lines = line[3:].strip(), body_line + offset, []
        elif heading is not None:
            lines.append(line)
        elif line.strip():
            raise ContentError(path, "text before the first '## ' heading", body_line + offset)
    if heading is not None:
        sections.append(Section(heading, "\n".join(lines).strip(), heading_line))
    topic_id = str(meta.get("id", ""))
    return Topic(topic_id, str(meta.get("title", "")), meta, tuple(sections), path, body_line)


def load_topic(path: Path) -> Topic:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as err:
        raise ContentError(path, "file not found") from err
    return parse_topic(text, path)


def find_focus(text: str) -> tuple[str, Focus] | None:
    """The topic and focus whose patterns match the parent's words, if any. A topic whose
    focuses cannot be read is skipped and logged (`cradle content check` names the line), so
    one bad pattern does not stop every other topic's answer. Focuses marked `checked_last`
    are read after all the others, in the same order."""
    for last in (False, True):
        for topic_id in topic_ids():
            try:
                focus = get_topic(topic_id).focus_for(text, checked_last=last)
            except ContentError:
                if not last:  # logged once, on the first pass
                    logger.exception("focuses of topic %s could not be read; skipped", topic_id)
                continue
            if focus is not None:
                return topic_id, focus
    return None


def topics_reviewed() -> tuple[int, int]:
    """(topics the panel has approved, all topics). One that cannot be read counts as not
    reviewed: the answer must never claim more review than there was."""
    approved = 0
    for topic_id in topic_ids():
        try:
            approved += get_topic(topic_id).approved
        except ContentError:
            logger.exception("topic %s could not be read; counted as not reviewed", topic_id)
    return approved, len(topic_ids())


def serve_drafts() -> bool:
    """Whether draft content may be shown to parents (CRADLE_SERVE_DRAFTS, default on for demo)."""
    return os.environ.get("CRADLE_SERVE_DRAFTS", "1").strip().lower() not in {"0", "false", "no"}


@lru_cache(maxsize=64)
def _topic_cached(path: str, mtime: float) -> Topic:
    return load_topic(Path(path))


def get_topic(topic_id: str, folder: Path | None = None) -> Topic:
    """Load a topic by id, re-reading the file only when it changed."""
    folder = folder or content_dir() / "topics"
    if topic_id not in topic_ids(folder):
        raise KeyError(topic_id)
    path = folder / f"{topic_id}.md"
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError as err:
        raise ContentError(path, "file not found") from err
    return _topic_cached(str(path), mtime)
