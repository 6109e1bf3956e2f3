"""Is a topic question about the writer, or about someone else they are worried about?

A friend asking how to help a new mum who cries every day should not be told "...is not your
fault. If it lasts 2 weeks, see your GP". A model beside the safety net's whose model, trained
on the same crises and the bank's everyday questions, reads the question at the whose threshold
(content/safety/second_opinion.yml, `whose_questions`). `python -m cradle.helping` prints how it
reads the frozen sets `tests/topics/for_someone_else*.yml` (counts only, never a message).
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from cradle.frozen import read_frozen
from cradle.paths import PROJECT_ROOT
from cradle.yamlio import ContentError, parse_yaml

FROZEN_SETS = PROJECT_ROOT / "tests" / "topics"
FROZEN_SET = FROZEN_SETS / "for_someone_else.yml"
LABELS = ("writer", "someone_else")
# The NLU's reading of a topic question about someone else, in the parsed message the action
# server receives (bot/components/safety_check.py sets it, actions read it).
ABOUT_KEY = "cradle_about"
SOMEONE_ELSE = "someone_else"


def about_someone_else(someone_else: float | None, threshold: float) -> bool:
    """True when the whose model is sure enough that the question is about someone else."""
    return someone_else is not None and someone_else >= threshold


def load_set(path: Path = FROZEN_SET) -> dict[str, list[str]]:
    data = parse_yaml(read_frozen(path), path)
    if not isinstance(data, dict) or set(data) != set(LABELS):
        raise ContentError(path, f"expected exactly the labels {', '.join(LABELS)}")
    return {label: [str(m) for m in data[label]] for label in LABELS}


def report(
    messages: dict[str, list[str]], reads_as_someone_else: Callable[[str], bool]
) -> list[str]:
    """Per label, how many messages are read as about someone else."""
    counts = Counter(
        (label, reads_as_someone_else(text)) for label, texts in messages.items() for text in texts
    )
    lines = []
    for label in LABELS:
        total = len(messages[label])
        lines.append(f"  {label:13} read as about someone else {counts[(label, True)]}/{total}")
    return lines


def main() -> int:
    from cradle.safety import get_net

    net = get_net()
    print(f"Topic questions about someone else (frozen), threshold {net.whose_threshold}:")
    for path in sorted(FROZEN_SETS.glob("for_someone_else*.yml")):
        print(f"  {path.relative_to(PROJECT_ROOT)}")
        print("\n".join(report(load_set(path), net.asks_about_someone_else)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
