"""Measure the safety net: recall per tier, crisis caught, false alarms, every miss, time.

Two sets, reported side by side (`make bench-safety`):
- the frozen evaluation set (tests/safety/evaluation/*.yml), written blind by people who never saw
  the lexicon or the bank, never used to pick a phrase, a rule or a threshold;
- the red-team set (content/safety/bank/redteam.yml), which the lexicon was written against and
  the second opinion trains on: a regression check, not a measure of generalisation.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cradle.frozen import read_frozen
from cradle.paths import PROJECT_ROOT
from cradle.tiers import tier_rank
from cradle.yamlio import ContentError, load_yaml

EVALUATION = PROJECT_ROOT / "tests" / "safety" / "evaluation"  # one file per frozen part
REDTEAM = PROJECT_ROOT / "content" / "safety" / "bank" / "redteam.yml"
RISK_TIERS = ("emergency", "urgent")
CALM_TIERS = ("support", "none")


@dataclass(frozen=True)
class Item:
    text: str
    tier: str  # the tier a careful reviewer gave it: emergency, urgent, support or none
    situation: str = ""


@dataclass(frozen=True)
class Reading:
    tier: str
    response: str | None


Classifier = Callable[[str], Reading]


def wilson(successes: int, total: int, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score 95% interval for a proportion."""
    if total == 0:
        return (0.0, 1.0)
    p = successes / total
    denom = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denom
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def load_frozen_part(path: Path) -> list[Item]:
    """One frozen part; refuses a file whose body no longer matches its checksum."""
    read_frozen(path)
    return _items(path, load_yaml(path).get("messages"))


def load_frozen(folder: Path = EVALUATION) -> list[Item]:
    """Every frozen part, in name order. Parts are only ever added, never edited."""
    parts = sorted(folder.glob("*.yml"))
    if not parts:
        raise ContentError(folder, "no frozen evaluation parts found")
    return [item for part in parts for item in load_frozen_part(part)]


def _items(path: Path, raw: Any) -> list[Item]:
    if not isinstance(raw, list) or not raw:
        raise ContentError(path, "expected a non-empty list under 'messages'")
    items = []
    for entry in raw:
        if not isinstance(entry, dict) or entry.get("tier") not in (*RISK_TIERS, *CALM_TIERS):
            raise ContentError(path, f"each message needs text and a tier: {entry!r}")
        items.append(Item(str(entry["text"]), entry["tier"], str(entry.get("situation", ""))))
    return items


def load_redteam(path: Path = REDTEAM) -> list[Item]:
    """The red-team file: tier -> messages; its `benign` messages are everyday ones."""
    data = load_yaml(path)
    items = [Item(str(m), tier) for tier in (*RISK_TIERS, "support") for m in data.get(tier) or []]
    items += [Item(str(m), "none") for m in data.get("benign") or []]
    return items


@dataclass(frozen=True)
class Result:
    name: str
    items: tuple[Item, ...]
    readings: tuple[Reading, ...]
    millis: tuple[float, ...]

    def _pairs(self, tiers: tuple[str, ...]) -> list[tuple[Item, Reading]]:
        return [(i, r) for i, r in zip(self.items, self.readings, strict=True) if i.tier in tiers]

    def recall(self, tier: str) -> tuple[int, int]:
        """Messages of this tier given at least this tier (support counts as caught for support)."""
        pairs = self._pairs((tier,))
        return sum(tier_rank(r.tier) >= tier_rank(tier) for _, r in pairs), len(pairs)

    def crisis_caught(self) -> tuple[int, int]:
        pairs = self._pairs(RISK_TIERS)
        return sum(tier_rank(r.tier) >= tier_rank("urgent") for _, r in pairs), len(pairs)

    def emergencies_dismissed(self) -> list[tuple[Item, Reading]]:
        """Emergencies answered as support or none: the failures that matter most."""
        return [(i, r) for i, r in self._pairs(("emergency",)) if tier_rank(r.tier) < 2]

    def overcalled(self) -> tuple[int, int]:
        """Urgent messages read as emergencies: told to call 999 when 111 or Samaritans fit."""
        pairs = self._pairs(("urgent",))
        return sum(r.tier == "emergency" for _, r in pairs), len(pairs)

    def false_alarms(self) -> tuple[list[tuple[Item, Reading]], int]:
        pairs = self._pairs(CALM_TIERS)
        return [(i, r) for i, r in pairs if tier_rank(r.tier) >= tier_rank("urgent")], len(pairs)

    def asked_first(self) -> int:
        """Everyday messages answered with "are you or your baby in danger?" (not an alarm)."""
        return sum(r.response == "check" for _, r in self._pairs(CALM_TIERS))

    def misses(self) -> list[tuple[Item, Reading]]:
        return [(i, r) for i, r in self._pairs(RISK_TIERS) if tier_rank(r.tier) < tier_rank(i.tier)]

    def percentile(self, q: float) -> float:
        ordered = sorted(self.millis)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def run(name: str, items: list[Item], classify: Classifier) -> Result:
    readings, millis = [], []
    for item in items:
        start = time.perf_counter()
        readings.append(classify(item.text))
        millis.append((time.perf_counter() - start) * 1000)
    return Result(name, tuple(items), tuple(readings), tuple(millis))


def _rate(k: int, n: int) -> str:
    low, high = wilson(k, n)
    return f"{k}/{n} = {k / n if n else 0:.1%} [{low:.1%}, {high:.1%}]"


HIDDEN_NOTE = (
    "  (the messages themselves are not shown: whoever reads them can no longer write training"
    " data blind; --show-misses shows them, for a clinical review)"
)


def report(result: Result, show_items: bool = True) -> str:
    """The figures, then each miss and false alarm (only with show_items: never for a frozen
    set in everyday use)."""
    lines = [f"Safety net on {result.name} ({len(result.items)} messages)", ""]
    for tier in (*RISK_TIERS, "support"):
        k, n = result.recall(tier)
        if n:
            lines.append(f"  recall {tier:9} (at least {tier}): {_rate(k, n)}")
    k, n = result.crisis_caught()
    lines.append(f"  crisis caught (urgent or emergency):  {_rate(k, n)}")
    dismissed = result.emergencies_dismissed()
    unasked = sum(r.response != "check" for _, r in dismissed)
    lines.append(
        f"  emergencies answered support/none:     {len(dismissed)} "
        f"({len(dismissed) - unasked} of them asked 'are you or your baby in danger?', "
        f"{unasked} not)"
    )
    k, n = result.overcalled()
    if n:
        lines.append(f"  urgent messages read as emergencies:  {_rate(k, n)}")
    alarms, calm = result.false_alarms()
    lines.append(f"  false alarms on everyday messages:     {_rate(len(alarms), calm)}")
    lines.append(f"  everyday messages asked 'in danger?':  {result.asked_first()}/{calm}")
    lines.append(
        f"  time per message: p50 {result.percentile(0.5):.2f} ms, "
        f"p95 {result.percentile(0.95):.2f} ms, max {max(result.millis, default=0):.2f} ms"
    )
    if not show_items:
        lines.append(HIDDEN_NOTE)
        return "\n".join(lines)
    for item, reading in result.misses():
        lines.append(f"  MISS {item.tier}/{item.situation or '-'}: {item.text!r} -> {reading.tier}")
    for item, reading in alarms:
        lines.append(f"  FALSE ALARM {item.situation or '-'}: {item.text!r} -> {reading.tier}")
    return "\n".join(lines)


def net_classifier() -> Classifier:
    from cradle.safety import get_net

    net = get_net()
    net.classify("warm up")  # load spaCy and the model before timing
    return lambda text: Reading(*_tier_response(net.classify(text)))


def _tier_response(result: Any) -> tuple[str, str | None]:
    return result.tier, result.response


CHECK_QUESTION = "Are you or your baby in danger right now?"


def webhook_classifier(url: str) -> Classifier:
    """Each message as a new conversation through Cradle's REST channel: NLU, rules and all."""
    import itertools

    from cradle.launcher import post_message

    counter = itertools.count()

    def ask(text: str) -> Reading:
        messages = post_message(url, f"bench-{next(counter)}", text)
        texts = [m.get("text") or "" for m in messages]
        asked = any(t.startswith(CHECK_QUESTION) for t in texts)
        return Reading(messages[-1]["custom"]["safety"], "check" if asked else None)

    return ask


def main_end_to_end() -> int:
    """`make bench-safety-live`: the frozen set through the real servers (the issue's method)."""
    from cradle.launcher import bench_stack

    with bench_stack() as url:
        name = "the frozen evaluation set, end to end through /webhooks/rest/webhook"
        print(
            report(
                run(name, load_frozen(), webhook_classifier(url)),
                show_items=SHOW_MISSES in sys.argv,
            )
        )
    return 0


def summary(result: Result) -> str:
    """One line: crisis caught, emergencies dismissed, false alarms."""
    k, n = result.crisis_caught()
    alarms, calm = result.false_alarms()
    return (
        f"{result.name}: crisis caught {_rate(k, n)}; emergencies answered support/none "
        f"{len(result.emergencies_dismissed())}; false alarms {_rate(len(alarms), calm)}"
    )


SHOW_MISSES = "--show-misses"


def main() -> int:
    if "--end-to-end" in sys.argv[1:]:
        return main_end_to_end()
    classify = net_classifier()
    for name, items, show in (
        (
            "the frozen evaluation set (tests/safety/evaluation/)",
            load_frozen(),
            SHOW_MISSES in sys.argv,
        ),
        # The red-team set is training data: its misses are there to be fixed.
        ("the red-team set (content/safety/bank/redteam.yml)", load_redteam(), True),
    ):
        print(report(run(name, items, classify), show_items=show))
        print()
    # Each frozen part on its own (the everyday messages are all in part 1).
    for path in sorted(EVALUATION.glob("part*.yml")):
        print(summary(run(path.stem, load_frozen_part(path), classify)))
    print()
    from cradle.safety import get_net
    from cradle.safety.whose import load_whose, whose_report

    print("\n".join(whose_report(get_net().classify, load_whose())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
