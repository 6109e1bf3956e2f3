"""`make bench-safety`, last part: "it's not me" typed right after the writer's own crisis reply.

The frozen corrections set (tests/safety/corrections/, written blind:
docs/briefs/not-me-corrections.md) holds messages typed right after crisis help written for the
writer: the one at risk is someone else (`someone_else`), or the writer is at risk after all
(`writer_at_risk`). Each goes through the channel's own decision (cradle/turn.py,
`prepare_turn`), as after the writer's emergency reply and as after the urgent one; counts
only, never a message (the set stays unseen).
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from cradle.frozen import grouped_messages
from cradle.paths import PROJECT_ROOT

CORRECTION_SETS = PROJECT_ROOT / "tests" / "safety" / "corrections"
GROUPS = ("someone_else", "writer_at_risk")
# After the writer's own crisis reply at each tier: its check-in question is the bot's last turn.
AFTER_REPLIES = ("emergency", "urgent")


def load_corrections(folder: Path = CORRECTION_SETS) -> list[tuple[str, str]]:
    """Every frozen corrections part as (text, group), refused if its checksum changed."""
    return grouped_messages(folder, GROUPS)


def answered_as(text: str, after: str) -> str:
    """How the channel answers `text` right after the writer's own `after` crisis reply:
    "not_me" (sorry, then help for someone else), "crisis" (crisis help or its follow-up for
    the writer) or "other"."""
    from cradle.turn import FOLLOW_UP_INTENT, SOMEONE_ELSE_INTENT, SessionSafety, prepare_turn

    session = SessionSafety(after, "utter_safety_check_in", False, True, after)
    turn = prepare_turn(text, session)
    sent = turn.text_for_rasa or ""
    if sent.startswith(f"/{SOMEONE_ELSE_INTENT}"):
        return "not_me"
    if turn.safety.is_crisis or sent.startswith(f"/{FOLLOW_UP_INTENT}"):
        return "crisis"
    return "other"


def report(answers: list[tuple[str, str, str]]) -> list[str]:
    """Counts per group and reply: answers are (group, after, answered_as)."""
    counts = Counter(answers)
    totals = Counter((group, after) for group, after, _ in answers)
    lines = ["'it's not me' right after the writer's own crisis reply (frozen corrections set):"]
    for after in AFTER_REPLIES:
        for group in GROUPS:
            n = totals[(group, after)]
            lines.append(
                f"  after {after:9s} {group:14s} sorry, help for someone else "
                f"{counts[(group, after, 'not_me')]:3d}/{n:<3d} the writer's crisis help "
                f"{counts[(group, after, 'crisis')]:3d}/{n:<3d} "
                f"neither {counts[(group, after, 'other')]:3d}/{n}"
            )
    return lines


def main() -> int:
    answers = [
        (group, after, answered_as(text, after))
        for text, group in load_corrections()
        for after in AFTER_REPLIES
    ]
    print("\n".join(report(answers)))
    print("  (the messages are not shown: the set stays unseen by whoever writes training data)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
