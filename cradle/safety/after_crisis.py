"""`make bench-after-crisis`: the message typed after crisis help, end to end on the real servers.

The net reads one message at a time, but "what do I do", "she won't go" or "can it wait till
morning?" after crisis help are still the crisis. The frozen after-crisis set
(tests/safety/after/, written blind: docs/briefs/after-crisis.md) holds two-message
conversations; each is sent as a new conversation to Cradle's REST channel on a throwaway
stack, and the second reply is counted (counts only, never a message: the set stays unseen).
The frozen "who does the hurting" set (tests/safety/hurting/) is sent the same way: a worry
about someone else's crisis, then a message about hurting, by who does it; its second replies
are counted by whom their crisis text is written for; the frozen calling set
(cradle/safety/calling_set.py) by whether the reply hears that she is calling or help is coming;
the frozen scary-thoughts set (cradle/safety/scary_thoughts_set.py) by whether the message after
the intrusive-thoughts answer gets crisis help, the danger question, or neither.
"""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cradle.frozen import frozen_entries
from cradle.paths import PROJECT_ROOT
from cradle.responses import get_responses
from cradle.safety.whose import FOR_SOMEONE_ELSE, FOR_THE_WRITER
from cradle.tiers import tier_rank
from cradle.yamlio import ContentError

AFTER_SETS = PROJECT_ROOT / "tests" / "safety" / "after"
WHOSE = ("self", "other", "baby")
LABELS = ("still_in_crisis", "safe_now", "moving_on")
# The frozen "who does the hurting" set (docs/briefs/who-hurts-after-help.md): a worry about
# someone else's crisis, then a message about hurting, by who does it.
HURTING_SETS = PROJECT_ROOT / "tests" / "safety" / "hurting"
HURTING_GROUPS = ("own_urge", "other_hurts_adult", "other_hurts_baby")
# The replies that carry crisis text, by the safety_response they are written for.
_CRISIS_RESPONSES = ("utter_safety", "utter_safety_follow_up")


@dataclass(frozen=True)
class Conversation:
    first: str
    second: str
    whose: str
    label: str


@dataclass(frozen=True)
class Replies:
    """What Cradle sent back to each of the two messages (REST output, contract last)."""

    first: list[dict[str, Any]]
    second: list[dict[str, Any]]


def load_after(folder: Path = AFTER_SETS) -> list[Conversation]:
    """Every frozen after-crisis part, refused if its checksum no longer matches."""
    return load_conversations(folder, WHOSE, LABELS)


def load_conversations(
    folder: Path, whose: tuple[str, ...], labels: tuple[str, ...]
) -> list[Conversation]:
    """Every frozen part of two-message conversations in `folder`, each with a known kind
    (`whose`) and label; refused if a checksum no longer matches or an entry is malformed."""
    conversations: list[Conversation] = []
    for path, entry in frozen_entries(folder, "conversations"):
        if (
            not isinstance(entry, dict)
            or entry.get("whose") not in whose
            or entry.get("label") not in labels
            or not all(isinstance(entry.get(k), str) for k in ("first", "second"))
        ):
            raise ContentError(path, f"each needs first, second, whose and label: {entry!r}")
        conversations.append(
            Conversation(**{k: entry[k] for k in ("first", "second", "whose", "label")})
        )
    return conversations


@dataclass(frozen=True)
class Hurting:
    first: str
    second: str
    group: str


def load_hurting(folder: Path = HURTING_SETS) -> list[Hurting]:
    """Every frozen "who does the hurting" part, refused if its checksum no longer matches."""
    conversations: list[Hurting] = []
    for path, entry in frozen_entries(folder, "conversations"):
        if (
            not isinstance(entry, dict)
            or entry.get("group") not in HURTING_GROUPS
            or not all(isinstance(entry.get(k), str) for k in ("first", "second"))
        ):
            raise ContentError(path, f"each needs first, second and group: {entry!r}")
        conversations.append(Hurting(entry["first"], entry["second"], entry["group"]))
    return conversations


def reply_texts(messages: list[dict[str, Any]]) -> list[str]:
    return [str(m["text"]) for m in messages if m.get("text")]


def is_crisis_help(messages: list[dict[str, Any]]) -> bool:
    return tier_rank(str(messages[-1]["custom"].get("safety"))) >= tier_rank("urgent")


def not_understood_texts() -> frozenset[str]:
    responses = get_responses()
    return frozenset(
        " ".join(str(v["text"]).split())
        for name in ("utter_please_rephrase", "utter_out_of_scope")
        for v in responses.get(name, [])
        if v.get("text")
    )


def _written_for() -> dict[str, str]:
    """Each crisis text (spaces collapsed) and the safety_response it is written for; a text
    with no condition is the general reply, `urgent`."""
    written: dict[str, str] = {}
    for name in _CRISIS_RESPONSES:
        for variation in get_responses().get(name, []):
            conditions = variation.get("condition") or []
            value = next(
                (c["value"] for c in conditions if c.get("name") == "safety_response"), "urgent"
            )
            written[" ".join(str(variation["text"]).split())] = str(value)
    return written


def hurting_report(pairs: list[tuple[Hurting, Replies]]) -> list[str]:
    """Per group, of the conversations whose first message got crisis help: second replies that
    are crisis help, and whether their crisis text is written to the writer, for someone else,
    or for anyone (the medical reply)."""
    written = _written_for()
    counts: Counter[tuple[str, str]] = Counter()
    for conversation, replies in pairs:
        group = conversation.group
        counts[(group, "total")] += 1
        if not is_crisis_help(replies.first):
            continue
        counts[(group, "first")] += 1
        counts[(group, "again")] += is_crisis_help(replies.second)
        whom = {written.get(" ".join(t.split())) for t in reply_texts(replies.second)} - {None}
        counts[(group, "writer")] += bool(whom & FOR_THE_WRITER)
        counts[(group, "other")] += bool(whom & FOR_SOMEONE_ELSE)
        counts[(group, "anyone")] += "medical" in whom
    lines = [
        "who does the hurting, right after crisis help (frozen hurting set), of the conversations",
        "whose first message got crisis help: second reply is crisis help / has crisis text",
        " written to the writer / for someone else / for anyone (medical)",
    ]
    for group in HURTING_GROUPS:
        n = counts[(group, "first")]
        lines.append(
            f"  {group:17s} first {n:3d}/{counts[(group, 'total')]:<3d} "
            + " ".join(
                f"{label} {counts[(group, key)]:3d}/{n:<3d}"
                for label, key in (
                    ("again", "again"),
                    ("writer", "writer"),
                    ("other", "other"),
                    ("anyone", "anyone"),
                )
            )
        )
    return lines


def after_report(pairs: list[tuple[Conversation, Replies]]) -> list[str]:
    """Per kind and label: first messages given crisis help; second replies showing 999,
    giving crisis help again, or saying "Sorry, I didn't understand"."""
    unclear = not_understood_texts()
    total: Counter[tuple[str, str]] = Counter()
    first: Counter[tuple[str, str]] = Counter()
    shows_999: Counter[tuple[str, str]] = Counter()
    again: Counter[tuple[str, str]] = Counter()
    lost: Counter[tuple[str, str]] = Counter()
    for conversation, replies in pairs:
        key = (conversation.whose, conversation.label)
        total[key] += 1
        if not is_crisis_help(replies.first):
            continue  # a missed first message is the frozen safety parts' business, not this one's
        first[key] += 1
        texts = reply_texts(replies.second)
        shows_999[key] += any("999" in t for t in texts)
        again[key] += is_crisis_help(replies.second)
        lost[key] += any(" ".join(t.split()) in unclear for t in texts)
    lines = [
        "the message after crisis help (frozen after-crisis set), of the conversations whose",
        "first message got crisis help: second reply shows 999 / is crisis help again /"
        " says it didn't understand",
    ]
    for whose in WHOSE:
        for label in LABELS:
            key = (whose, label)
            if total[key]:
                n = first[key]
                lines.append(
                    f"  {whose:5s} {label:15s} first {n:3d}/{total[key]:<3d} "
                    f"999 {shows_999[key]:3d}/{n:<3d} again {again[key]:3d}/{n:<3d} "
                    f"not understood {lost[key]:3d}/{n}"
                )
    for label in LABELS:
        n = sum(first[(w, label)] for w in WHOSE)
        lines.append(
            f"  all   {label:15s} 999 {sum(shows_999[(w, label)] for w in WHOSE):3d}/{n:<3d} "
            f"again {sum(again[(w, label)] for w in WHOSE):3d}/{n:<3d} "
            f"not understood {sum(lost[(w, label)] for w in WHOSE):3d}/{n}"
        )
    return lines


def main() -> int:
    from cradle.launcher import bench_stack, post_message
    from cradle.safety.calling_set import calling_report, load_calling
    from cradle.safety.scary_thoughts_set import (
        FIRST,
        load_scary_thoughts,
        scary_thoughts_report,
    )

    conversations = load_after()
    hurting = load_hurting()
    calling = load_calling()
    scary = load_scary_thoughts()
    with bench_stack() as url:

        def send(sender: str, first: str, second: str) -> Replies:
            replies = post_message(url, sender, first)
            return Replies(replies, post_message(url, sender, second))

        pairs = [
            (c, send(f"after-crisis-{i}", c.first, c.second)) for i, c in enumerate(conversations)
        ]
        hurts = [(c, send(f"hurting-{i}", c.first, c.second)) for i, c in enumerate(hurting)]
        calls = [(c, send(f"calling-{i}", c.first, c.second)) for i, c in enumerate(calling)]
        thoughts = [(g, send(f"scary-{i}", FIRST, text)) for i, (text, g) in enumerate(scary)]
    print("\n".join(after_report(pairs)))
    print("\n".join(hurting_report(hurts)))
    print("\n".join(calling_report(calls)))
    print("\n".join(scary_thoughts_report(thoughts)))
    print("  (the messages are not shown: the set stays unseen by whoever writes training data)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
