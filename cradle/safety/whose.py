"""Whose crisis is it? The reply speaks to the writer, or about someone else they are worried about.

A partner telling Cradle that his wife says the baby is not theirs must not be told "You matter,
and you need help right now": she needs urgent care, and he needs to know how to get it. The
tier never changes here, only which reply of that tier is sent. Medical and abuse replies are
written for anyone and are kept.

`make bench-safety` reads the frozen whose set (tests/safety/whose/) with `whose_report`: counts
per group, never a message.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

from cradle.frozen import read_frozen
from cradle.paths import PROJECT_ROOT
from cradle.safety.result import SafetyResult
from cradle.yamlio import ContentError, load_yaml

WHOSE_SETS = PROJECT_ROOT / "tests" / "safety" / "whose"
# Each personal reply, by whose crisis it is and how strong it is (999 now, or call someone soon).
_REPLIES = {
    ("writer", "emergency"): "emergency",
    ("writer", "urgent"): "urgent",
    ("someone_else", "emergency"): "emergency_for_other",
    ("someone_else", "urgent"): "concern_for_other",
}
_STRONG = {"emergency", "emergency_for_other"}
# The replies written for someone else's crisis. abuse_for_other is never chosen here (the whose
# model reads who is named, not who is hurt: the thirty-second session); who is hurt chooses it
# (cradle/safety/who_is_hurt.py), and so does "it's not me, it's my friend" (cradle/turn.py).
FOR_SOMEONE_ELSE = frozenset({"emergency_for_other", "concern_for_other", "abuse_for_other"})
_PERSONAL = set(_REPLIES.values())
# The crisis replies written to the writer as the one at risk (or the one who might hurt): the
# benches count replies by these and FOR_SOMEONE_ELSE.
FOR_THE_WRITER = frozenset({"urgent", "emergency", "overdose", "losing_control", "abuse"})
# The writer's own replies that say more than the general one they stand for ("tablets can harm
# you hours later"): kept for the writer, and someone else's emergency reply for anyone else.
_WRITERS_OWN = {"overdose": "emergency"}


def reply_for_someone_else(tier: str) -> str:
    """Someone else's personal reply at `tier` ("urgent" or "emergency")."""
    return _REPLIES[("someone_else", tier)]


def reply_for_whom(
    tier: str, response: str | None, someone_else: float | None, threshold: float
) -> str | None:
    """The reply for the person at risk, never weaker than the one chosen.

    `someone_else` is the probability that the crisis is someone else's (None: not known). At or
    above `threshold` the reply is for someone else, at or below 1 - threshold for the writer;
    in between, the layers' own choice of reply says whose it is. The emergency replies are
    kept for an emergency tier and wherever a layer chose one.
    """
    general = _WRITERS_OWN.get(response or "", response)
    if general not in _PERSONAL or tier not in ("emergency", "urgent"):
        return response
    if someone_else is not None and someone_else >= threshold:
        whose = "someone_else"
    elif someone_else is not None and someone_else <= 1 - threshold:
        whose = "writer"
    else:
        whose = "someone_else" if general in FOR_SOMEONE_ELSE else "writer"
    strength = "emergency" if tier == "emergency" or general in _STRONG else "urgent"
    chosen = _REPLIES[(whose, strength)]
    return response if chosen == general else chosen


def is_for_someone_else(response: str | None) -> bool:
    return response in FOR_SOMEONE_ELSE


def load_whose(folder: Path = WHOSE_SETS) -> list[dict[str, str]]:
    """Every frozen whose part: messages with `who` (self or other), `group` and `part`."""
    messages: list[dict[str, str]] = []
    for path in sorted(folder.glob("*.yml")):
        read_frozen(path)
        for entry in load_yaml(path).get("messages") or []:
            if not isinstance(entry, dict) or entry.get("who") not in ("self", "other"):
                raise ContentError(path, f"each message needs text, who and group: {entry!r}")
            message = {k: str(entry.get(k, "")) for k in ("text", "who", "group")}
            messages.append({**message, "part": path.stem})
    if not messages:
        raise ContentError(folder, "no frozen whose parts found")
    return messages


def whose_report(
    classify: Callable[[str], SafetyResult], messages: list[dict[str, str]]
) -> list[str]:
    """Per part and group: crises caught, and crisis replies for the right person (counts
    only). Each part is its own check: a part read once after a change stays the clean one."""
    caught: Counter[tuple[str, str]] = Counter()
    right: Counter[tuple[str, str]] = Counter()
    total: Counter[tuple[str, str]] = Counter()
    # The costly mistake: the writer at risk told "thank you for looking out for them".
    wrong: Counter[str] = Counter()
    writers: Counter[str] = Counter()
    for message in messages:
        result = classify(message["text"])
        part = message.get("part", "all")
        key = (part, message["group"])
        total[key] += 1
        writers[part] += message["who"] == "self"
        if result.is_crisis:
            caught[key] += 1
            for_other = is_for_someone_else(result.response)
            right[key] += for_other == (message["who"] == "other")
            wrong[part] += for_other and message["who"] == "self"
    lines = ["whose crisis (frozen whose sets): crisis caught, reply for the right person"]
    for part in sorted(writers):
        lines.append(f"  {part}")
        for key in sorted(k for k in total if k[0] == part):
            lines.append(
                f"    {key[1]:18s} {caught[key]:3d}/{total[key]:<3d}  {right[key]:3d}/{total[key]}"
            )
        lines.append(
            f"    the writer's own crisis answered as someone else's: {wrong[part]}/{writers[part]}"
        )
    return lines
