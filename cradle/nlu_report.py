"""Print the held-out NLU scores from `rasa test nlu`, and fail below the agreed floor.

python -m cradle.nlu_report var/results/nlu/intent_report.json [--floor 0.90]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

# The goal is 0.92 (README). The floor stops a change that makes understanding clearly worse.
DEFAULT_FLOOR = 0.90


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("report", type=Path)
    parser.add_argument("--floor", type=float, default=DEFAULT_FLOOR)
    args = parser.parse_args(argv)
    report = json.loads(args.report.read_text(encoding="utf-8"))
    macro = report["macro avg"]["f1-score"]
    weak = sorted(
        (name, scores["f1-score"])
        for name, scores in report.items()
        if isinstance(scores, dict)
        and "support" in scores
        and name not in ("macro avg", "weighted avg", "micro avg")
        and scores["f1-score"] < 0.9
    )
    print(
        f"held-out intent macro-F1: {macro:.3f} (accuracy {report.get('accuracy', 0):.3f}, "
        f"floor {args.floor:.2f}, goal 0.92)"
    )
    for name, f1 in weak:
        print(f"  below 0.90: {name} {f1:.2f}")
    if macro < args.floor:
        print(f"FAILED: macro-F1 {macro:.3f} is below the floor {args.floor:.2f}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
