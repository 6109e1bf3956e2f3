"""Print the held-out NLU scores from `rasa test nlu`, and fail below the agreed floor.

python -m cradle.nlu_report var/results/nlu/intent_report.json [--part2 REPORT] [--part3 REPORT]
    [--part4 REPORT] [--part5 REPORT] [--part6 REPORT] [--part7 REPORT] [--part8 REPORT]
    [--part9 REPORT] [--older REPORT]

The first report is the frozen set (tests/nlu/frozen.yml), written blind: the figure that
counts for issue 12. `--part2` to `--part9` add frozen parts 2 to 9 (tests/nlu/frozen_2.yml to
frozen_9.yml), written blind later and measured far less often, so they are the fresher checks;
each has its own floor.
`--older` adds the older held-out file, written by the same hands as the training data,
printed beside it so nobody mistakes its flattering score for the real one.

Macro-F1 is averaged here over each set's own intents: the ones its writer labelled messages
with. A message read as an intent the set has none of (`ask_feeling_alone`, added after parts
1-10 were frozen, or the safety net's `safety_check`) counts as a miss of its own intent and
adds no F1 of 0 for the other. Rasa 3.6's report already lists only the set's own intents
(checked on 2026-12-02: the two averages agree on every part), so this changes no figure; it is
computed here so the figure keeps that meaning if the report's labels ever change, and Rasa's
own average is printed beside it whenever they differ.

Besides macro-F1 over every intent (where an intent with one or two held-out messages weighs as
much as a topic with twenty-five), each set prints the share of topic and service requests
that got the right intent: what a parent feels.
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
# Part 2 measured 0.799 on its first run, before any training change (README, "How the
# assistant understands messages").
PART2_FLOOR = 0.78
# Part 3 measured 0.874 (topic and service requests right 83.7%) on its first run, before any
# change of the fourth session (README, "How the assistant understands messages"). 0.85 until
# the seventh session widened the safety net's "are you or your baby in danger?" band (a safety
# decision taken on the bank's held-out writers, docs/safety.md): 4 more of part 3's 295 topic
# and service requests are now asked that question first (88.5% -> 87.1% right), and the same
# model reads 0.878 -> 0.849. The floor follows that trade, not a weaker NLU. (The reason first
# written here, a `safety_check` label entering the average with F1 0, was wrong: Rasa 3.6
# averages over a set's own labels only, `rasa/model_testing.py` get_evaluation_metrics.)
PART3_FLOOR = 0.83
# Part 4 measured 0.836 (topic and service requests right 78.3%) on its first run, before any
# change of the fifth session (README, "How the assistant understands messages").
PART4_FLOOR = 0.81
# Part 5 measured 0.889 (topic and service requests right 88.5%) on its first run, before any
# change of the seventh session (README, "How the assistant understands messages").
PART5_FLOOR = 0.86
# Part 6 measured 0.835 (topic and service requests right 80.3%) on its first run, on the model
# of the seventh session (the eighth changed nothing the NLU reads; README, "How the assistant
# understands messages").
PART6_FLOOR = 0.81
# Part 7 measured 0.837 (topic and service requests right 83.3%) on its first run, on the model
# before the ninth session's training round, and 0.859 (84.5%) after it (README, "How the
# assistant understands messages").
PART7_FLOOR = 0.81
# Part 8 (ordinary phrasing rather than the hardest) measured 0.827 (accuracy 0.861; topic and
# service requests right 86.4% of 279) on its first run, on the model the ninth session left
# (README, "How the assistant understands messages").
PART8_FLOOR = 0.80
# Part 9 (everyday voices: dads and partners, grandparents, second-time parents, twins and
# prematurity, going back to work, same-sex couples, night feeds) measured 0.874 (accuracy
# 0.857; topic and service requests right 85.3% of 286) on its first run, on the model the
# tenth session left (README, "How the assistant understands messages").
PART9_FLOOR = 0.85
# Part 10 (what parents most often send: single parents, parents aged 16-22, toddlers, English
# as a second language, villages, late-night SMS) measured 0.890 (accuracy 0.844; topic and
# service requests right 83.9% of 336) on its first run, on the model the thirteenth session
# left.
PART10_FLOOR = 0.86
# Part 11 (written with `ask_feeling_alone` in its intent table; leaning towards parents who
# moved for work or the forces, older parents, twins and neonatal care, disability, English as
# a second language) measured 0.863 (accuracy 0.778; topic and service requests right 86.3% of
# 292) on its first run, on the model the nineteenth session left, which had no such intent;
# 0.914 with the intent and its training (README, "How the assistant understands messages").
PART11_FLOOR = 0.88
# The later parts: how each is printed, and its floor.
PARTS = {
    "part2": ("frozen part 2 (written blind, measured less often)", PART2_FLOOR),
    "part3": ("frozen part 3 (written blind, measured less often)", PART3_FLOOR),
    "part4": ("frozen part 4 (written blind, measured less often)", PART4_FLOOR),
    "part5": ("frozen part 5 (written blind, measured less often)", PART5_FLOOR),
    "part6": ("frozen part 6 (written blind, measured less often)", PART6_FLOOR),
    "part7": ("frozen part 7 (written blind, measured less often)", PART7_FLOOR),
    "part8": ("frozen part 8 (written blind, measured less often)", PART8_FLOOR),
    "part9": ("frozen part 9 (written blind, measured less often)", PART9_FLOOR),
    "part10": ("frozen part 10 (written blind, measured less often)", PART10_FLOOR),
    "part11": ("frozen part 11 (written blind, the freshest)", PART11_FLOOR),
}
_AVERAGES = ("macro avg", "weighted avg", "micro avg")


def intent_scores(report: dict[str, Any]) -> dict[str, float]:
    """Each intent's F1 in a `rasa test nlu` intent report."""
    return {
        name: float(scores["f1-score"])
        for name, scores in report.items()
        if isinstance(scores, dict) and "support" in scores and name not in _AVERAGES
    }


def own_macro(report: dict[str, Any]) -> float:
    """Mean F1 over the intents the set has messages of (support above 0)."""
    scores = [
        float(scores["f1-score"])
        for name, scores in report.items()
        if isinstance(scores, dict) and int(scores.get("support", 0)) > 0 and name not in _AVERAGES
    ]
    return sum(scores) / len(scores) if scores else 0.0


def topic_recall(report: dict[str, Any]) -> tuple[float, int]:
    """Share of topic (`ask_<topic>`) and `find_services` messages given their own intent."""
    from cradle.content import topic_for_intent

    rows = [
        scores
        for name, scores in report.items()
        if isinstance(scores, dict)
        and "support" in scores
        and (topic_for_intent(name) or name == "find_services")
    ]
    total = sum(int(row["support"]) for row in rows)
    right = sum(float(row["recall"]) * int(row["support"]) for row in rows)
    return (right / total if total else 0.0), total


def summary(label: str, report: dict[str, Any]) -> str:
    macro, rasa_macro = own_macro(report), report["macro avg"]["f1-score"]
    accuracy = report.get("accuracy", report.get("micro avg", {}).get("f1-score", 0))
    line = f"{label}: intent macro-F1 {macro:.3f} (accuracy {accuracy:.3f}"
    if round(rasa_macro, 3) != round(macro, 3):
        line += f"; Rasa's average, with labels the set has no message of, {rasa_macro:.3f}"
    line += ")"
    recall, total = topic_recall(report)
    return line + (f"; topic and service requests right {recall:.1%} of {total}" if total else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("report", type=Path)
    for part, (_, floor) in PARTS.items():
        parser.add_argument(f"--{part}", type=Path, help=f"the report on frozen {part}")
        parser.add_argument(f"--{part}-floor", type=float, default=floor)
    parser.add_argument("--older", type=Path, help="the older, self-written held-out report")
    parser.add_argument("--floor", type=float, default=DEFAULT_FLOOR)
    args = parser.parse_args(argv)
    report = json.loads(args.report.read_text(encoding="utf-8"))
    macro = own_macro(report)
    print(summary("frozen held-out set (written blind)", report))
    print(f"  goal {GOAL:.2f}, floor {args.floor:.2f}: {'met' if macro >= GOAL else 'NOT met'}")
    for name, f1 in sorted(intent_scores(report).items()):
        if f1 < 0.9:
            print(f"  below 0.90: {name} {f1:.2f}")
    failed = macro < args.floor
    if failed:
        print(f"FAILED: macro-F1 {macro:.3f} is below the floor {args.floor:.2f}", file=sys.stderr)
    for part, (label, _) in PARTS.items():
        path, floor = getattr(args, part), getattr(args, f"{part}_floor")
        if not path:
            continue
        scores = json.loads(path.read_text(encoding="utf-8"))
        print(summary(label, scores))
        macro_part = own_macro(scores)
        if macro_part < floor:
            failed = True
            name = part.replace("part", "part ")
            print(
                f"FAILED: {name} macro-F1 {macro_part:.3f} is below its floor {floor:.2f}",
                file=sys.stderr,
            )
    if args.older:
        older = json.loads(args.older.read_text(encoding="utf-8"))
        print(summary("older held-out file (same writers as the training data; flatters)", older))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
