"""The frozen "after scary unwanted thoughts" set, read by `make bench-after-crisis`.

After Cradle's answer about scary, unwanted thoughts of harm coming to the baby, parents avoid
the stairs or the bath, ask "is that mad?" and say "I would never": a clinician expects that,
and a 999 reply confirms the fear that stops them telling anyone (the seventeenth user test).
Real danger still comes in the same conversations. Each message of the set (tests/safety/
scary_thoughts/, written blind: docs/briefs/after-scary-thoughts.md) is sent as a new
conversation after the topic's own button, and its reply counted as crisis help, the question
"Are you or your baby in danger right now?", or neither; counted, never shown: it stays unseen.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from cradle.content import intent_for_topic
from cradle.frozen import grouped_messages
from cradle.paths import PROJECT_ROOT
from cradle.responses import get_responses
from cradle.safety.after_crisis import Replies, is_crisis_help, reply_texts

SCARY_THOUGHTS_SETS = PROJECT_ROOT / "tests" / "safety" / "scary_thoughts"
GROUPS = ("everyday", "danger")
# Pressing the topic's button first: the answer the set's messages follow.
FIRST = f"/{intent_for_topic('intrusive-thoughts')}"


def load_scary_thoughts(folder: Path = SCARY_THOUGHTS_SETS) -> list[tuple[str, str]]:
    """Every frozen part as (text, group), refused if a checksum no longer matches."""
    return grouped_messages(folder, GROUPS)


def _asks_in_danger(messages: list[dict[str, Any]]) -> bool:
    question = {" ".join(str(v["text"]).split()) for v in get_responses()["utter_safety_check"]}
    return any(" ".join(t.split()) in question for t in reply_texts(messages))


def scary_thoughts_report(pairs: list[tuple[str, Replies]]) -> list[str]:
    """Per group, of the conversations whose first reply was the topic's answer (not crisis
    help): second replies that are crisis help, ask "in danger?", or neither."""
    counts: Counter[tuple[str, str]] = Counter()
    for group, replies in pairs:
        counts[(group, "total")] += 1
        if is_crisis_help(replies.first):
            continue  # the button itself never is: a fault, shown as a shortfall
        counts[(group, "first")] += 1
        crisis = is_crisis_help(replies.second)
        asked = not crisis and _asks_in_danger(replies.second)
        counts[(group, "crisis")] += crisis
        counts[(group, "asked")] += asked
        counts[(group, "neither")] += not (crisis or asked)
    lines = [
        "after an answer about scary unwanted thoughts (frozen scary-thoughts set), of the",
        "conversations whose first reply was that answer: second reply is crisis help / asks",
        " 'Are you or your baby in danger right now?' / neither",
    ]
    for group in GROUPS:
        n = counts[(group, "first")]
        lines.append(
            f"  {group:8s} first {n:3d}/{counts[(group, 'total')]:<3d} "
            + " ".join(
                f"{key} {counts[(group, key)]:3d}/{n:<3d}" for key in ("crisis", "asked", "neither")
            )
        )
    return lines
