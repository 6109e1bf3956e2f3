"""Experiment (2026-11-30, eighth session): sentence vectors beside the n-gram model, across writers.

Run: PYTHONPATH=. .venv/bin/python scripts/experiments/safety_vectors_by_writer.py
[--save FILE | --load FILE] (about 20 minutes on two cores)

The fourth session tried the NLU's sentence vectors (all-MiniLM-L6-v2) as the safety net's
second opinion in 5 writer folds (safety_sentence_vectors.py): averaged with the n-gram model
they added 1-2 points of crises caught at equal false alarms, and were not adopted, partly for
their 5-10 ms per message. Since then the channel works each message's vector out ahead for the
NLU (cradle/encode_ahead.py), the bank has grown by eight writers, and the gap that remains is
words new writers use, which is what a pretrained vector is for. So, again, on the bank only
(the frozen parts are never read), in the 11 folds that hold out whole bank files: the served
n-gram model, and its mean with a logistic regression and with a small MLP on the vectors (both
trained on the fold's un-augmented messages), each combined with the lexicon and the situation
rules as the net does.

The rule, registered before the first run (the model-choice rule of safety_model_choice.py):
among every (reading, crisis threshold) pair that catches no fewer held-out crises and dismisses
no more held-out emergencies than the served reading (the n-gram model at the served threshold),
the one with the fewest false alarms wins; ties go to the served reading, then the lower
threshold. A vector reading is worth building into the net only if it wins by at least one
point of false alarms (about 50 of the bank's held-out everyday messages); less is noise for
the cost of a second model in the safety path.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier

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
from cradle.sentence_vectors import encoder

sys.path.insert(0, str(Path(__file__).parent))
from safety_model_choice import Row, score  # noqa: E402
from safety_sentence_reading import (  # noqa: E402
    FOLD_FLAGS,
    add_save_load,
    at_budgets,
    fold_banks,
    lexical_tier,
    writer_folds,
)

READINGS = ("served", "mean-lr", "mean-mlp")


def vector_models() -> dict[str, object]:
    return {
        "mean-lr": LogisticRegression(C=10, max_iter=2000),
        "mean-mlp": MLPClassifier(hidden_layer_sizes=(128,), max_iter=200, random_state=0),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n", 1)[0])
    add_save_load(parser)
    args = parser.parse_args()
    if args.load:
        report(json.loads(args.load.read_text()))
        return
    held_out, always = fold_banks(writer_folds(list(FOLD_FLAGS)))  # every writer held out
    safety = content_dir() / "safety"
    lexicon = SafetyDetector.from_dir(safety)
    situations = SituationRules.from_file(safety / "situations.yml")
    everything = always + [e for fold in held_out for e in fold]
    texts = sorted({model_text(lexicon.normalise, e.text) for e in everything})
    print(f"encoding {len(texts)} messages", flush=True)
    vectors = dict(zip(texts, encoder().encode(texts), strict=True))
    rows: dict[str, list[Row]] = {name: [] for name in READINGS}
    for k, held in enumerate(held_out):
        train = always + [e for j, fold in enumerate(held_out) if j != k for e in fold]
        copies = augment(train, seed=k)
        features = build_features()
        x_train = features.fit_transform([model_text(lexicon.normalise, e.text) for e in copies])
        held_texts = [model_text(lexicon.normalise, e.text) for e in held]
        ngram = build_classifier(REGULARISATION).fit(x_train, [e.label for e in copies])
        served = _crisis_probability(ngram, ngram.predict_proba(features.transform(held_texts)))
        readings = {"served": served}
        v_train = np.array([vectors[model_text(lexicon.normalise, e.text)] for e in train])
        v_held = np.array([vectors[t] for t in held_texts])
        for name, model in vector_models().items():
            model.fit(v_train, [e.label for e in train])
            vec = _crisis_probability(model, model.predict_proba(v_held))
            readings[name] = [
                ((a + b) / 2, (c + d) / 2) for (a, c), (b, d) in zip(served, vec, strict=True)
            ]
        lexical = [lexical_tier(lexicon, situations, e.text) for e in held]
        short = [len(t.split()) < 3 for t in held_texts]
        for name, read in readings.items():
            for e, lex, few, (pe, pc) in zip(held, lexical, short, read, strict=True):
                rows[name].append((e.label, lex, 0.0 if few else pe, 0.0 if few else pc))
        print(f"fold {k}: {len(held)} held out", flush=True)
    if args.save:
        args.save.write_text(json.dumps(rows))
    report(rows)


def report(rows: dict[str, list[Row]]) -> None:
    thresholds = [t / 100 for t in range(20, 99)]
    served_t = float(load_config(content_dir() / "safety")["thresholds"]["crisis"])
    for name, found in rows.items():
        cells = []
        for crisis in (0.5, 0.6, 0.65, 0.7, 0.8):
            caught, dismissed, alarms = score(found, crisis)
            cells.append(f"{crisis}: {caught:.1%}, {dismissed} dismissed, {alarms:.1%} FA")
        print(f"{name:<9} " + " | ".join(cells))
    for name, found in rows.items():
        curve = [(t, *score(found, t)) for t in thresholds]
        print(f"{name:<9} " + at_budgets(curve, (0.05, 0.06, 0.07, 0.08)))
    served_caught, served_dismissed, served_alarms = score(rows["served"], served_t)
    print(
        f"served at {served_t}: {served_caught:.1%} caught, {served_dismissed} dismissed,"
        f" {served_alarms:.1%} FA"
    )
    keeping = [
        (alarms, name != "served", t, name, caught, dismissed)
        for name, found in rows.items()
        for t in thresholds
        for caught, dismissed, alarms in [score(found, t)]
        if caught >= served_caught and dismissed <= served_dismissed
    ]
    alarms, _, t, name, caught, dismissed = min(keeping)
    print(f"rule: {name} at {t}: {caught:.1%} caught, {dismissed} dismissed, {alarms:.1%} FA")
    worth = name != "served" and served_alarms - alarms >= 0.01
    print("worth building into the net:", "yes" if worth else "no")


if __name__ == "__main__":
    main()
