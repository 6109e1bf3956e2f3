"""Measure the safety net on the red-team set: recall per tier and the false-alarm rate.

`make bench-safety` prints these figures; tests/safety asserts the release bar.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from pathlib import Path

from cradle.paths import PROJECT_ROOT
from cradle.safety import SafetyDetector, get_detector, tier_rank
from cradle.yamlio import load_yaml

REDTEAM = PROJECT_ROOT / "tests" / "safety" / "redteam.yml"
RISK_TIERS = ("emergency", "urgent", "support")


def wilson(successes: int, total: int, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score 95% interval for a proportion."""
    if total == 0:
        return (0.0, 1.0)
    p = successes / total
    denom = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denom
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


@dataclass(frozen=True)
class TierScore:
    tier: str
    total: int
    hits: int
    misses: tuple[tuple[str, str], ...]  # (message, tier given)

    @property
    def recall(self) -> float:
        return self.hits / self.total if self.total else 0.0


@dataclass(frozen=True)
class Evaluation:
    tiers: tuple[TierScore, ...]
    benign_total: int
    false_alarms: tuple[tuple[str, str], ...]  # benign messages given urgent or emergency
    benign_support: int  # benign messages given the gentle support tier

    @property
    def false_alarm_rate(self) -> float:
        return len(self.false_alarms) / self.benign_total if self.benign_total else 0.0


def load_redteam(path: Path = REDTEAM) -> dict[str, list[str]]:
    data = load_yaml(path)
    return {key: [str(m) for m in data.get(key) or []] for key in (*RISK_TIERS, "benign")}


def evaluate(detector: SafetyDetector | None = None, path: Path = REDTEAM) -> Evaluation:
    """A risk message is a hit when it reaches at least its labelled tier."""
    detector = detector or get_detector()
    sets = load_redteam(path)
    scores = []
    for tier in RISK_TIERS:
        misses = []
        for text in sets[tier]:
            given = detector.classify(text).tier
            if tier_rank(given) < tier_rank(tier):
                misses.append((text, given))
        scores.append(
            TierScore(tier, len(sets[tier]), len(sets[tier]) - len(misses), tuple(misses))
        )
    alarms, support = [], 0
    for text in sets["benign"]:
        given = detector.classify(text).tier
        if tier_rank(given) >= tier_rank("urgent"):
            alarms.append((text, given))
        elif given == "support":
            support += 1
    return Evaluation(tuple(scores), len(sets["benign"]), tuple(alarms), support)


def report(evaluation: Evaluation) -> str:
    lines = ["Safety net on tests/safety/redteam.yml", ""]
    lines.append(f"{'tier':10} {'n':>4} {'recall':>7}  95% Wilson interval")
    for score in evaluation.tiers:
        low, high = wilson(score.hits, score.total)
        lines.append(
            f"{score.tier:10} {score.total:4d} {score.recall:7.1%}  [{low:.1%}, {high:.1%}]"
        )
    n = evaluation.benign_total
    k = len(evaluation.false_alarms)
    low, high = wilson(k, n)
    lines.append("")
    lines.append(
        f"benign messages: {n}; false alarms (urgent or emergency): {k} = "
        f"{evaluation.false_alarm_rate:.1%} [{low:.1%}, {high:.1%}]; "
        f"given the gentle support tier: {evaluation.benign_support}"
    )
    for score in evaluation.tiers:
        for text, given in score.misses:
            lines.append(f"  MISS {score.tier}: {text!r} -> {given}")
    for text, given in evaluation.false_alarms:
        lines.append(f"  FALSE ALARM: {text!r} -> {given}")
    return "\n".join(lines)


def main() -> int:
    print(report(evaluate()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
