"""Experiment (2026-11-30): should the second opinion read a long message sentence by sentence?

Run: PYTHONPATH=. .venv/bin/python scripts/experiments/safety_sentence_reading.py [--with-long]
[--with-indirect] [--with-short] [--with-pairs] [--dismissed] (~20 minutes; each --with flag
holds out later bank rounds as more writers; --dismissed also lists the bank emergencies the
rule's threshold answers below urgent, by reply kind: bank messages are training data, never a
frozen part)

On the bank only (the frozen evaluation parts are never read), in folds that each hold out
whole bank files (one writer's words, like a frozen part), compares ways of turning the model's
probabilities into the message's reading, each combined with the lexicon and the situation rules
as the net does:
- `sentences`: the most worrying of the whole message and each of its sentences (as served
  until 2026-11-30);
- `whole`: the whole message only (what `cradle.safety.crossval` measures);
- `sentences>=N words`: sentences count only when they have at least N words;
- `average`: each sentence's probability averaged with the whole message's.
Prints crisis caught, emergencies answered support/none and false alarms at several crisis
thresholds, and crisis caught at fixed false-alarm rates. Figures and the decision:
docs/safety.md.
"""

from __future__ import annotations

import argparse
import functools

import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from cradle.paths import content_dir
from cradle.safety.crossval import _crisis_probability
from cradle.safety.lexicon import SafetyDetector
from cradle.safety.second_opinion import (
    augment,
    build_model,
    load_bank,
    load_config,
    model_text,
    nlu_examples,
)
from cradle.safety.situations import SituationRules
from cradle.tiers import tier_rank

sys.path.insert(0, str(Path(__file__).parent))  # the writer folds of the vectors experiment
from safety_sentence_vectors import WRITER_FOLDS  # noqa: E402

SENTENCES = r"(?<=[.!?])\s+|\s*\n\s*"  # the split the net used
# Each holds out a later bank round as more writers (see writer_folds).
FOLD_FLAGS = ("--with-long", "--with-indirect", "--with-short", "--with-pairs")
Reading = tuple[int, float, float]  # words, P(emergency), P(crisis)


def readings(parts: list[Reading], variant: str) -> list[Reading]:
    whole, sentences = parts[0], parts[1:]
    kept = [whole] if whole[0] >= 3 else []
    if variant == "whole":
        return kept
    if variant == "sentences":
        return kept + [p for p in sentences if p[0] >= 3]
    if variant.startswith("sentences>="):
        least = int(variant.split(">=")[1].split()[0])
        return kept + [p for p in sentences if p[0] >= least]
    if variant == "average":
        return kept + [(p[0], (p[1] + whole[1]) / 2, (p[2] + whole[2]) / 2) for p in sentences]
    raise ValueError(variant)


def tier(row: tuple[str, str, list[Reading]], variant: str, crisis: float) -> str:
    label, lexical, parts = row
    found = readings(parts, variant)
    e, c = max(((p[1], p[2]) for p in found), key=lambda p: p[1], default=(0.0, 0.0))
    model = "emergency" if e >= emergency_threshold() else "urgent" if c >= crisis else "none"
    return max(lexical, model, key=tier_rank)


def score(rows: list[Any], variant: str, crisis: float) -> tuple[float, float, int]:
    calm = [r for r in rows if r[0] in ("support", "none")]
    risk = [r for r in rows if r[0] not in ("support", "none")]
    alarms = sum(tier_rank(tier(r, variant, crisis)) >= 2 for r in calm) / len(calm)
    caught = sum(tier_rank(tier(r, variant, crisis)) >= 2 for r in risk) / len(risk)
    dismissed = sum(
        r[0].startswith("emergency") and tier_rank(tier(r, variant, crisis)) < 2 for r in risk
    )
    return caught, alarms, dismissed


@functools.cache
def emergency_threshold() -> float:
    """The served P(emergency) threshold, from content/safety/second_opinion.yml."""
    return float(load_config(content_dir() / "safety")["thresholds"]["emergency"])


def experiment_parser(doc: str | None) -> argparse.ArgumentParser:
    """The flags every safety experiment takes: which later bank rounds to hold out."""
    parser = argparse.ArgumentParser(
        description=(doc or "").split("\n\n", 1)[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    for flag in FOLD_FLAGS:
        parser.add_argument(flag, action="store_true", help="hold out that round as a writer")
    return parser


def chosen_folds(args: argparse.Namespace) -> list[str]:
    """The fold flags given, as writer_folds reads them."""
    return [flag for flag in FOLD_FLAGS if getattr(args, flag[2:].replace("-", "_"))]


def add_save_load(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--save", type=Path, metavar="FILE", help="keep the readings (JSON)")
    group.add_argument("--load", type=Path, metavar="FILE", help="print saved readings again")


def writer_folds(argv: list[str]) -> list[list[str]]:
    """Bank files grouped by writer: each fold is held out whole, like a frozen part."""
    folds = [list(f) for f in WRITER_FOLDS]
    folds[-1].append("bank/calm_7.yml")  # written after the vectors experiment
    if "--with-long" in argv:  # the long-message round written after this experiment
        folds.append(["bank/risk_8.yml", "bank/calm_8.yml"])
    if "--with-indirect" in argv:  # the round of emergencies said indirectly, later still
        folds.append(["bank/risk_9.yml", "bank/calm_9.yml"])
    if "--with-short" in argv:  # sixth session: short messages, then near misses
        folds.append(["bank/risk_10.yml", "bank/calm_10.yml"])
        folds.append(["bank/calm_11.yml"])
    if "--with-pairs" in argv:  # seventh session: contrast pairs, then near misses on words
        folds.append(["bank/risk_11.yml", "bank/calm_12.yml"])
        folds.append(["bank/calm_13.yml"])
    return folds


def fold_banks(folds: list[list[str]]) -> tuple[list[list[Any]], list[Any]]:
    """Each fold's held-out messages, and the messages every fold trains on."""
    safety = content_dir() / "safety"
    config = load_config(safety)

    def bank_of(files: list[str]) -> list[Any]:
        return load_bank(safety, {**config, "bank": files, "nlu_examples": None})

    grouped = {f for fold in folds for f in fold}
    always = bank_of([f for f in config["bank"] if f not in grouped]) + nlu_examples(config)
    return [bank_of(files) for files in folds], always


def lexical_tier(lexicon: SafetyDetector, situations: SituationRules, text: str) -> str:
    """The lexicon's and the situation rules' tier: the net without its second opinion."""
    found = lexicon.classify(text)
    return max(found.tier, situations.evaluate(found.signals).tier, key=tier_rank)


def main() -> None:
    split = re.compile(SENTENCES)
    safety = content_dir() / "safety"
    lexicon = SafetyDetector.from_dir(safety)
    situations = SituationRules.from_file(safety / "situations.yml")
    parser = experiment_parser(__doc__)
    parser.add_argument("--dismissed", action="store_true", help="list dismissed emergencies")
    args = parser.parse_args()
    held_out, always = fold_banks(writer_folds(chosen_folds(args)))
    rows = []
    texts_read: list[str] = []  # the bank text of each row, for --dismissed
    for k, held in enumerate(held_out):
        train = always + [e for j, fold in enumerate(held_out) if j != k for e in fold]
        copies = augment(train, seed=k)
        model = build_model(
            [model_text(lexicon.normalise, e.text) for e in copies], [e.label for e in copies]
        )
        for e in held:
            lexical = lexical_tier(lexicon, situations, e.text)
            parts = [e.text, *split.split(e.text)] if len(e.text) > 80 else [e.text]
            texts = [model_text(lexicon.normalise, p) for p in parts]
            probabilities = _crisis_probability(model, model.predict_proba(texts))
            parts_read = [
                (len(t.split()), pe, pc) for t, (pe, pc) in zip(texts, probabilities, strict=True)
            ]
            rows.append((e.label, lexical, parts_read))
            texts_read.append(e.text)
        print(f"fold {k}: {len(held)} held out", flush=True)
    variants = ["sentences", "whole", "sentences>=7 words", "sentences>=10 words", "average"]
    for variant in variants:
        cells = []
        for crisis in (0.6, 0.66, 0.7, 0.8):
            caught, alarms, dismissed = score(rows, variant, crisis)
            cells.append(f"{crisis}: {caught:.1%} caught, {dismissed} dismissed, {alarms:.1%} FA")
        print(f"{variant:20} " + " | ".join(cells))
    for variant in variants:
        curve = [(t / 100, *score(rows, variant, t / 100)) for t in range(50, 99)]
        by_budget = [(t, caught, dismissed, alarms) for t, caught, alarms, dismissed in curve]
        print(f"{variant:20} " + at_budgets(by_budget, (0.06, 0.07, 0.08, 0.09)))
    # The threshold rule for a new reading: no fewer crises caught and no more emergencies
    # dismissed than the old reading at its threshold (0.70), then the fewest false alarms.
    old_caught, _, old_dismissed = score(rows, "sentences", 0.70)
    keeping = [
        (alarms, -t, t, caught, dismissed)
        for t in (x / 100 for x in range(50, 99))
        for caught, alarms, dismissed in [score(rows, "whole", t)]
        if caught >= old_caught and dismissed <= old_dismissed
    ]
    if keeping:
        alarms, _, t, caught, dismissed = min(keeping)
        print(
            f"rule: whole message at {t}: {caught:.1%} caught, {dismissed} dismissed,"
            f" {alarms:.1%} FA"
        )
        if args.dismissed:
            print_dismissed(rows, texts_read, t)


def at_budgets(curve: list[tuple[float, float, int, float]], budgets: tuple[float, ...]) -> str:
    """Crises caught at the lowest threshold within each false-alarm budget.

    `curve` holds (threshold, crisis caught, emergencies dismissed, false alarms) rows.
    """
    cells = []
    for budget in budgets:
        within = [row for row in curve if row[3] <= budget]
        if within:
            t, caught, dismissed, _ = min(within)
            cells.append(f"FA<={budget:.0%}: {caught:.1%}, {dismissed} dismissed (t {t})")
    return " | ".join(cells)


def print_dismissed(rows: list[Any], texts: list[str], crisis: float) -> None:
    """The bank emergencies answered below urgent at this threshold, counted by reply kind."""
    totals: Counter[str] = Counter()
    missed: list[tuple[str, str]] = []
    for row, text in zip(rows, texts, strict=True):
        if row[0].startswith("emergency"):
            totals[row[0]] += 1
            if tier_rank(tier(row, "whole", crisis)) < 2:
                missed.append((row[0], text))
    kinds = Counter(label for label, _ in missed)
    for label in sorted(totals):
        print(f"dismissed {label}: {kinds[label]} of {totals[label]}")
    for label, text in sorted(missed):
        print(f"  {label}: {text}")


if __name__ == "__main__":
    main()
