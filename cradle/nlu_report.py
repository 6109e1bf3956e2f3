"""Print the held-out NLU scores from `rasa test nlu`, and fail below the agreed floor.

python -m cradle.nlu_report var/results/nlu/intent_report.json [--older REPORT] [--floor F]

The first report is the frozen set (tests/nlu/frozen.yml), written blind: the figure that
counts. `--older` adds the older held-out file, written by the same hands as the training data,
printed beside it so nobody mistakes its flattering score for the real one.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

GOAL = 0.92  # issue 12
# The floor stops a change that makes understanding clearly worse than last measured
# (README, "How the assistant understands messages"). It is not the goal.
DEFAULT_FLOOR = 0.89
_AVERAGES = ("macro avg", "weighted avg", "micro avg")


def intent_scores(report: dict[str, Any]) -> dict[str, float]:
    """Each intent's F1 in a `rasa test nlu` intent report."""
    return {
        name: float(scores["f1-score"])
        for name, scores in report.items()
        if isinstance(scores, dict) and "support" in scores and name not in _AVERAGES
    }


def summary(label: str, report: dict[str, Any]) -> str:
    macro = report["macro avg"]["f1-score"]
    accuracy = report.get("accuracy", report.get("micro avg", {}).get("f1-score", 0))
    return f"{label}: intent macro-F1 {macro:.3f} (accuracy {accuracy:.3f})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("report", type=Path)
    parser.add_argument("--older", type=Path, help="the older, self-written held-out report")
    parser.add_argument("--floor", type=float, default=DEFAULT_FLOOR)
    args = parser.parse_args(argv)
    report = json.loads(args.report.read_text(encoding="utf-8"))
    macro = report["macro avg"]["f1-score"]
    print(summary("frozen held-out set (written blind)", report))
    print(f"  goal {GOAL:.2f}, floor {args.floor:.2f}: {'met' if macro >= GOAL else 'NOT met'}")
    for name, f1 in sorted(intent_scores(report).items()):
        if f1 < 0.9:
            print(f"  below 0.90: {name} {f1:.2f}")
    if args.older:
        older = json.loads(args.older.read_text(encoding="utf-8"))
        print(summary("older held-out file (same writers as the training data; flatters)", older))
    if macro < args.floor:
        print(f"FAILED: macro-F1 {macro:.3f} is below the floor {args.floor:.2f}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
