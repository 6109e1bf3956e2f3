"""`make bench-safety`, a part: who does the hurting, in a first message.

The frozen set (tests/safety/hurting_first/, written blind:
docs/briefs/who-hurts-first-message.md) holds first messages about hurting, by who does it: the
writer (`own_urge`), someone else hurting an adult or a baby. A second frozen set
(tests/safety/others_hurting/) holds someone else's hurting of a baby or an adult and everyday
messages with the same words, where any crisis reply is a false alarm. Each message is read by
the safety net alone, and its reply counted by whom it is written for; counts only, never a
message (the sets stay unseen).
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable

from cradle.frozen import grouped_parts
from cradle.paths import PROJECT_ROOT
from cradle.safety.result import SafetyResult
from cradle.safety.whose import FOR_SOMEONE_ELSE, FOR_THE_WRITER

FIRST_HURTING_SETS = PROJECT_ROOT / "tests" / "safety" / "hurting_first"
GROUPS = ("own_urge", "other_hurts_adult", "other_hurts_baby")
# Is someone else's hurting caught at all, and everyday words about hurting left alone?
# (tests/safety/others_hurting/, written blind: docs/briefs/others-hurting-first-message.md)
OTHERS_HURTING_SETS = PROJECT_ROOT / "tests" / "safety" / "others_hurting"
OTHERS_GROUPS = ("baby_hurt_by_other", "adult_hurt_by_other", "everyday")
# Each set with its groups and what its counts say.
_SETS = (
    (FIRST_HURTING_SETS, GROUPS, "who does the hurting, in a first message"),
    (OTHERS_HURTING_SETS, OTHERS_GROUPS, "someone else's hurting, caught at all"),
)


def written_for(result: SafetyResult) -> str:
    """ "writer", "other", "anyone" (the medical reply) or "none" (no crisis reply)."""
    if not result.is_crisis:
        return "none"
    if result.response in FOR_SOMEONE_ELSE:
        return "other"
    if result.response in FOR_THE_WRITER:
        return "writer"
    return "anyone"


def report(
    messages: list[tuple[str, str]],
    classify: Callable[[str], SafetyResult],
    part: str = "",
    groups: tuple[str, ...] = GROUPS,
    title: str = _SETS[0][2],
) -> list[str]:
    counts = Counter((group, written_for(classify(text))) for text, group in messages)
    totals = Counter(group for _, group in messages)
    lines = [
        f"{title} (frozen set{part}): crisis reply",
        " written to the writer / for someone else / for anyone (medical) / no crisis reply",
    ]
    for group in groups:
        n = totals[group]
        lines.append(
            f"  {group:19s} "
            + " ".join(
                f"{kind} {counts[(group, kind)]:3d}/{n:<3d}"
                for kind in ("writer", "other", "anyone", "none")
            )
        )
    return lines


def main() -> int:
    from cradle.safety import get_net

    classify = get_net().classify
    # Each part on its own: a change is judged on the part written blind for it.
    for folder, groups, title in _SETS:
        for name, messages in grouped_parts(folder, groups).items():
            lines = report(messages, classify, f" {folder.name}/{name}", groups, title)
            print("\n".join(lines))
    print("  (the messages are not shown: the set stays unseen by whoever writes training data)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
