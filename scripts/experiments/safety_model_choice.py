"""Experiment (2026-11-30, seventh session): how strongly should the second opinion be regularised?

Run: PYTHONPATH=. .venv/bin/python scripts/experiments/safety_model_choice.py [--with-long]
[--with-indirect] [--with-short] [--with-pairs] [--save FILE | --load FILE] (about an hour; the
--with flags are those of safety_sentence_reading.py)

The model's logistic regression has used C=20 (weak regularisation) since the first session,
chosen on random folds. Random folds share each writer's habits between training and test;
held-out writers (the frozen parts, and the parents) do not, and the net's false alarms on them
have run at 1.5-2 times the random folds' figure. A stronger regularisation may generalise
better across writers. On the bank only (the frozen parts are never read), in the same folds
that hold out whole bank files, this fits the features once per fold and each candidate C on
them, reads each held-out message whole, combines it with the lexicon and the situation rules
as the net does, and prints crisis caught, emergencies answered support/none and false alarms.

The rule, registered before the first run (it generalises the threshold rule of
safety_sentence_reading.py to the choice of C): among every (C, crisis threshold) pair that
catches no fewer held-out crises and dismisses no more held-out emergencies than the served
model (C=20 at 0.65, trained on the same folds), the one with the fewest false alarms wins
(ties: the larger C, then the lower threshold). The served model is one of the pairs, so the
pick is never worse on any of the three counts. The readings are saved (--save FILE, JSON) so
the figures can be printed again without retraining (--load FILE).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from cradle.paths import content_dir
from cradle.safety.crossval import _crisis_probability
from cradle.safety.lexicon import SafetyDetector
from cradle.safety.second_opinion import (
    REGULARISATION,
    augment,
    build_classifier,
    build_features,
    load_config,
    model_text,
)
from cradle.safety.situations import SituationRules
from cradle.tiers import tier_rank

sys.path.insert(0, str(Path(__file__).parent))
from safety_sentence_reading import (  # noqa: E402
    add_save_load,
    at_budgets,
    chosen_folds,
    experiment_parser,
    fold_banks,
    lexical_tier,
    emergency_threshold,
    writer_folds,
)

CANDIDATES = (REGULARISATION, 8.0, 4.0, 2.0)
Row = tuple[str, str, float, float]  # label, lexical tier, P(emergency), P(crisis)


def tier(row: Row, crisis: float) -> str:
    label, lexical, e, c = row
    model = "emergency" if e >= emergency_threshold() else "urgent" if c >= crisis else "none"
    return max(lexical, model, key=tier_rank)


def score(rows: list[Row], crisis: float) -> tuple[float, int, float]:
    calm = [r for r in rows if r[0] in ("support", "none")]
    risk = [r for r in rows if r[0] not in ("support", "none")]
    caught = sum(tier_rank(tier(r, crisis)) >= 2 for r in risk) / len(risk)
    dismissed = sum(r[0].startswith("emergency") and tier_rank(tier(r, crisis)) < 2 for r in risk)
    alarms = sum(tier_rank(tier(r, crisis)) >= 2 for r in calm) / len(calm)
    return caught, dismissed, alarms


def main() -> None:
    parser = experiment_parser(__doc__)
    add_save_load(parser)
    args = parser.parse_args()
    if args.load:
        report(json.loads(args.load.read_text()))
        return
    held_out, always = fold_banks(writer_folds(chosen_folds(args)))
    safety = content_dir() / "safety"
    lexicon = SafetyDetector.from_dir(safety)
    situations = SituationRules.from_file(safety / "situations.yml")
    rows: dict[float, list[Row]] = {c: [] for c in CANDIDATES}
    for k, held in enumerate(held_out):
        train = always + [e for j, fold in enumerate(held_out) if j != k for e in fold]
        copies = augment(train, seed=k)
        features = build_features()
        x_train = features.fit_transform([model_text(lexicon.normalise, e.text) for e in copies])
        x_held = features.transform([model_text(lexicon.normalise, e.text) for e in held])
        lexical = [lexical_tier(lexicon, situations, e.text) for e in held]
        short = [len(model_text(lexicon.normalise, e.text).split()) < 3 for e in held]
        for c in CANDIDATES:
            model = build_classifier(c).fit(x_train, [e.label for e in copies])
            read = _crisis_probability(model, model.predict_proba(x_held))
            for e, lex, few, (pe, pc) in zip(held, lexical, short, read, strict=True):
                rows[c].append((e.label, lex, 0.0 if few else pe, 0.0 if few else pc))
        print(f"fold {k}: {len(held)} held out", flush=True)
    if args.save:
        args.save.write_text(json.dumps({str(c): r for c, r in rows.items()}))
    report({str(c): r for c, r in rows.items()})


def report(rows: dict[str, list[Row]]) -> None:
    thresholds = [t / 100 for t in range(20, 99)]
    for c, found in rows.items():
        cells = []
        for crisis in (0.4, 0.5, 0.6, 0.65, 0.7, 0.8):
            caught, dismissed, alarms = score(found, crisis)
            cells.append(f"{crisis}: {caught:.1%}, {dismissed} dismissed, {alarms:.1%} FA")
        print(f"C={c:<5} " + " | ".join(cells))
    for c, found in rows.items():
        curve = [(t, *score(found, t)) for t in thresholds]
        print(f"C={c:<5} " + at_budgets(curve, (0.05, 0.06, 0.07, 0.08)))
    # The served model: the code's C at the crisis threshold in content/safety/second_opinion.yml.
    served = (REGULARISATION, float(load_config(content_dir() / "safety")["thresholds"]["crisis"]))
    served_caught, served_dismissed, served_alarms = score(rows[str(served[0])], served[1])
    print(
        f"served C={served[0]} at {served[1]}: {served_caught:.1%} caught,"
        f" {served_dismissed} dismissed, {served_alarms:.1%} FA"
    )
    keeping = [
        (alarms, -float(c), t, c, caught, dismissed)
        for c, found in rows.items()
        for t in thresholds
        for caught, dismissed, alarms in [score(found, t)]
        if caught >= served_caught and dismissed <= served_dismissed
    ]
    alarms, _, t, c, caught, dismissed = min(keeping)
    print(f"rule: C={c} at {t}: {caught:.1%} caught, {dismissed} dismissed, {alarms:.1%} FA")
    check_band(rows[c], t)


def check_band(rows: list[Row], crisis: float) -> None:
    """What a wider "are you or your baby in danger?" band would cost and win, for the panel.

    Below the crisis threshold and at or above the check threshold, the net asks instead of
    answering: the held-out emergencies answered below urgent that would at least be asked,
    against the everyday messages that would be asked a question they did not need.
    """
    calm = [r for r in rows if r[0] in ("support", "none")]
    below = [r for r in rows if tier_rank(tier(r, crisis)) < 2]
    dismissed = [r for r in below if r[0].startswith("emergency")]
    for check in (0.5, 0.4, 0.3, 0.2):
        asked = sum(r[3] >= check for r in dismissed)
        bothered = sum(r[3] >= check for r in below if r[0] in ("support", "none"))
        print(
            f"check band from {check}: {asked} of {len(dismissed)} dismissed emergencies asked;"
            f" {bothered}/{len(calm)} = {bothered / len(calm):.1%} everyday messages asked"
        )


if __name__ == "__main__":
    main()
