"""How often a worry with a first answer of its own (a topic's `focuses:`) is found, on words
nobody here wrote: the frozen sets tests/topics/focus_*.yml, written blind (brief
docs/briefs/focus-worries.md) after the patterns and never used to change them. Printed by
`make test-nlu`, counts only: the messages stay unseen by whoever writes patterns."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from cradle.frozen import read_frozen
from cradle.paths import PROJECT_ROOT
from cradle.yamlio import ContentError, parse_yaml

FOCUS_SETS = PROJECT_ROOT / "tests" / "topics"
KINDS = ("is", "is_not")


def load_focus_set(path: Path) -> dict[str, dict[str, list[str]]]:
    """{focus id: {"is": [...], "is_not": [...]}}; a worry is written with underscores."""
    data = parse_yaml(read_frozen(path), path)
    if not isinstance(data, dict) or not data:
        raise ContentError(path, "expected worries, each with 'is' and 'is_not' lists")
    worries: dict[str, dict[str, list[str]]] = {}
    for worry, lists in data.items():
        if not isinstance(lists, dict) or set(lists) != set(KINDS):
            raise ContentError(path, f"{worry}: expected exactly 'is' and 'is_not'")
        worries[str(worry).replace("_", "-")] = {k: [str(m) for m in lists[k]] for k in KINDS}
    return worries


def focus_report(
    worries: dict[str, dict[str, list[str]]], found: Callable[[str], str | None]
) -> list[str]:
    """Per worry: its messages answered with its focus, and near misses answered with it."""
    lines = []
    for worry, lists in worries.items():
        hits = sum(found(text) == worry for text in lists["is"])
        false = sum(found(text) == worry for text in lists["is_not"])
        lines.append(
            f"  {worry:20} found {hits}/{len(lists['is'])}; "
            f"near misses answered with it {false}/{len(lists['is_not'])}"
        )
    return lines


def main() -> int:
    from cradle.content import find_focus

    def found(text: str) -> str | None:
        match = find_focus(text)
        return match[1].id if match else None

    for path in sorted(FOCUS_SETS.glob("focus_*.yml")):
        print(f"A worry's own first answer (frozen, {path.relative_to(PROJECT_ROOT)}):")
        print("\n".join(focus_report(load_focus_set(path), found)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
