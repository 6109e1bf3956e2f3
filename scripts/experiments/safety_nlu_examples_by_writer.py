"""Experiment (2026-11-30, tenth session): should the NLU's examples teach the second opinion?

Run: PYTHONPATH=. .venv/bin/python scripts/experiments/safety_nlu_examples_by_writer.py
--reading NAME --save FILE (one reading per process, about 20-30 minutes each on one core; run
the three side by side), then `--load FILE [FILE ...]` to print the comparison.

Since the first sessions the second opinion has learnt what everyday messages look like partly
from the NLU's own training examples (content/safety/second_opinion.yml, `nlu_examples`): the
bank then held a few hundred everyday messages. It now holds about 9,000, written blind for the
purpose, and the ninth session found the coupling's cost: an NLU training round (round 12, held
back in docs/held-back/nlu-round-12.yml) moved the safety net's frozen figures. Three readings,
each trained on the bank's other writers as the net trains (augmented copies, the served
features and C), each combined with the lexicon and the situation rules as the net does:
- `with`: the NLU's examples as served (bot/data/nlu.yml, the same intents excluded);
- `without`: the bank alone;
- `with-12`: `with` plus the held-back round 12;
- `with-12-13`: `with-12` plus round 13 (written blind in the same session, after the first
  two readings had run; docs/held-back/nlu-round-13.yml until it is kept).
Held out: (1) the bank's writers, file groups as in the earlier experiments plus the ninth
session's round (risk_12, calm_14); (2) the NLU's own writers, for false alarms on the topic
questions parents send: each blind-written NLU round (one commit, `git blame`) and round 12 are
dealt into three groups, each held out from the readings that train on them. The frozen
evaluation parts are never read.

The rule, registered before the first run (all at the served thresholds, crisis 0.65 and
emergency 0.8; D = held-out bank emergencies answered below urgent, C = held-out bank crises
caught, Fb = false alarms on held-out bank everyday messages, Fn = on held-out NLU rounds):
1. `without` replaces `with` (the NLU's examples stop teaching the second opinion) if
   D(without) <= D(with), C(without) >= C(with) - 0.3 points, Fb(without) <= Fb(with) + 0.5
   points and Fn(without) <= Fn(with) + 1 point: no less safe, and false alarms near equal.
2. Otherwise round 12 may return to the NLU only if `with-12` meets the same four conditions
   against `with`. (If rule 1 holds, round 12 no longer reaches the second opinion at all.)
   Added after rule 1 had been read (no), before round 13 was: rounds 12 and 13 together may
   join only if `with-12-13` meets them too. Round 13 is never held out from `with-12-13`
   (the held-out NLU groups stay those the first readings were scored on).
Either way the frozen parts' floors in tests/safety/test_frozen_evaluation.py still gate it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from cradle.paths import PROJECT_ROOT, content_dir
from cradle.safety.crossval import _crisis_probability
from cradle.safety.lexicon import SafetyDetector
from cradle.safety.second_opinion import (
    REGULARISATION,
    Example,
    augment,
    build_classifier,
    build_features,
    everyday_label,
    example_text,
    load_config,
    load_yaml,
    model_text,
    nlu_examples,
)
from cradle.safety.situations import SituationRules
from cradle.tiers import tier_rank

sys.path.insert(0, str(Path(__file__).parent))
from nlu_regularisation_by_writer import MIN_ROUND, examples_by_commit  # noqa: E402
from safety_model_choice import Row, score, tier  # noqa: E402
from safety_sentence_reading import FOLD_FLAGS, fold_banks, lexical_tier, writer_folds  # noqa: E402

READINGS = ("with", "without", "with-12", "with-12-13")
HELD_BACK = "bot/data/nlu_round_12.yml"  # held back until the fourteenth session
ROUND_13 = "bot/data/nlu_round_13.yml"
NLU_GROUPS = 3


def nlu_rounds() -> tuple[list[list[Example]], list[Example], list[Example], list[Example]]:
    """The NLU's everyday examples: held-out groups of whole rounds, small edits, rounds 12, 13."""
    exclude = set(load_config(content_dir() / "safety")["nlu_examples"]["exclude"])

    def everyday(pairs: list[tuple[str, str]]) -> list[Example]:
        return [
            Example(text, everyday_label(intent)) for text, intent in pairs if intent not in exclude
        ]

    rounds = sorted(examples_by_commit().items())
    edits = everyday([p for _, ps in rounds if len(ps) < MIN_ROUND for p in ps])

    def held_back(path: str) -> list[Example]:
        return everyday(
            [
                (example_text(line), str(block["intent"]))
                for block in load_yaml(PROJECT_ROOT / path)["nlu"]
                for line in str(block["examples"]).splitlines()
                if example_text(line)
            ]
        )

    round_12 = held_back(HELD_BACK)
    whole = [everyday(ps) for _, ps in rounds if len(ps) >= MIN_ROUND] + [round_12]
    groups = [[e for r in whole[g::NLU_GROUPS] for e in r] for g in range(NLU_GROUPS)]
    return groups, edits, round_12, held_back(ROUND_13)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n", 1)[0])
    parser.add_argument("--reading", choices=READINGS)
    parser.add_argument("--save", type=Path, metavar="FILE")
    parser.add_argument("--load", type=Path, nargs="+", metavar="FILE")
    args = parser.parse_args()
    if args.load:
        found: dict[str, dict[str, list[Row]]] = {}
        for path in args.load:
            found.update(json.loads(path.read_text()))
        report(found)
        return
    if not (args.reading and args.save):
        parser.error("give --reading and --save, or --load")
    folds = writer_folds(list(FOLD_FLAGS)) + [["bank/risk_12.yml", "bank/calm_14.yml"]]
    held_out, always = fold_banks(folds)
    groups, edits, round_12, round_13 = nlu_rounds()
    nlu_all = [e for g in groups for e in g] + edits
    served = set(nlu_examples(load_config(content_dir() / "safety")))
    always = [e for e in always if e not in served]  # fold_banks adds the NLU's examples
    twelve = set(round_12)
    served_nlu = [e for e in nlu_all if e not in twelve]
    print(f"NLU examples: {len(served)} served, {len(served_nlu)} by round, {len(twelve)} in 12")
    nlu_of = {
        "with": served_nlu,
        "without": [],
        "with-12": nlu_all,
        "with-12-13": nlu_all + round_13,
    }[args.reading]
    safety = content_dir() / "safety"
    lexicon = SafetyDetector.from_dir(safety)
    situations = SituationRules.from_file(safety / "situations.yml")

    def read(train: list[Example], held: list[Example]) -> list[Row]:
        copies = augment(train, seed=len(held))
        features = build_features()
        x = features.fit_transform([model_text(lexicon.normalise, e.text) for e in copies])
        model = build_classifier(REGULARISATION).fit(x, [e.label for e in copies])
        texts = [model_text(lexicon.normalise, e.text) for e in held]
        probabilities = _crisis_probability(model, model.predict_proba(features.transform(texts)))
        rows = []
        for e, text, (pe, pc) in zip(held, texts, probabilities, strict=True):
            few = len(text.split()) < 3  # left to the lexicon, as the net does (min_words)
            lexical = lexical_tier(lexicon, situations, e.text)
            rows.append((e.label, lexical, 0.0 if few else pe, 0.0 if few else pc))
        return rows

    bank_rows: list[Row] = []
    for k, held in enumerate(held_out):
        others = [e for j, fold in enumerate(held_out) if j != k for e in fold]
        bank_rows += read(always + others + nlu_of, held)
        print(f"{args.reading}: bank fold {k}, {len(held)} held out", flush=True)
    bank = always + [e for fold in held_out for e in fold]
    nlu_rows: list[Row] = []
    for g, held in enumerate(groups):
        out = set(held)
        trained = [e for e in nlu_of if e not in out]
        nlu_rows += read(bank + trained, held)
        print(f"{args.reading}: NLU group {g}, {len(held)} held out", flush=True)
    args.save.write_text(json.dumps({args.reading: {"bank": bank_rows, "nlu": nlu_rows}}))


def alarms(rows: list[Row], crisis: float) -> float:
    """False alarms on everyday messages (score() wants a crisis too, so lend it none)."""
    return score(rows + [("urgent", "urgent", 1.0, 1.0)], crisis)[2]


def report(found: dict[str, dict[str, list[Row]]]) -> None:
    crisis = float(load_config(content_dir() / "safety")["thresholds"]["crisis"])
    figures = {}
    for name, rows in found.items():
        bank = [tuple(r) for r in rows["bank"]]
        nlu = [tuple(r) for r in rows["nlu"]]
        for t in (0.5, 0.6, crisis, 0.7, 0.8):
            caught, dismissed, fa = score(bank, t)
            print(
                f"{name:<8} at {t}: bank {caught:.1%} caught, {dismissed} dismissed,"
                f" {fa:.1%} FA; NLU rounds {alarms(nlu, t):.2%} FA of {len(nlu)}"
            )
        caught, dismissed, fa = score(bank, crisis)
        figures[name] = (dismissed, caught, fa, alarms(nlu, crisis))
        for kind, rows_ in (("bank", bank), ("NLU rounds", nlu)):
            calm = [r for r in rows_ if r[0] in ("support", "none")]
            lexical = sum(tier_rank(r[1]) >= 2 for r in calm)
            model = sum(tier_rank(r[1]) < 2 and tier_rank(tier(r, crisis)) >= 2 for r in calm)
            print(
                f"{name:<8} {kind} false alarms at {crisis} by layer: lexicon or rules {lexical},"
                f" second opinion alone {model}, of {len(calm)}"
            )
    base = figures["with"]

    def holds(name: str) -> bool:
        d, c, fb, fn = figures[name]
        return (
            d <= base[0] and c >= base[1] - 0.003 and fb <= base[2] + 0.005 and fn <= base[3] + 0.01
        )

    if "without" in figures:
        print("rule 1: without replaces with:", "yes" if holds("without") else "no")
    for name in ("with-12", "with-12-13"):
        if name in figures:
            print(
                f"rule 2: {name} meets the conditions against with:", "yes" if holds(name) else "no"
            )


if __name__ == "__main__":
    main()
