"""One-off experiment (2026-11-29, fourth session): would sentence vectors help the safety net?

Run: PYTHONPATH=. .venv/bin/python scripts/experiments/safety_sentence_vectors.py [--by-writer]

Compares, on the bank only (the frozen evaluation parts are never read), the kept n-gram model,
logistic regression and a small MLP on all-MiniLM-L6-v2 sentence vectors
(cradle/sentence_vectors.py), and the mean of the n-gram model with each. Default: the 5 random
folds of `cradle.safety.crossval`. `--by-writer`: 5 folds that each hold out whole bank files
(each file was written by one writer), the situation a frozen part is in: new words from a new
hand. The vector models train on the un-augmented messages (embedding the augmented copies
would take ~7 minutes per fold). Figures and the decision: docs/safety.md.
"""

from __future__ import annotations

import random
import sys

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier

from cradle.paths import content_dir
from cradle.safety.crossval import FOLDS, _crisis_probability, _table
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
from cradle.sentence_vectors import encoder
from cradle.tiers import tier_rank

WRITER_FOLDS = [
    ["bank/risk_family.yml", "bank/risk_family_2.yml", "bank/calm.yml"],
    ["bank/risk_self.yml", "bank/risk_self_2.yml", "bank/calm_2.yml"],
    ["bank/risk_voices.yml", "bank/calm_voices.yml", "bank/risk_more.yml"],
    ["bank/risk_5.yml", "bank/risk_6.yml", "bank/calm_3.yml", "bank/calm_4.yml"],
    ["bank/risk_7.yml", "bank/calm_5.yml", "bank/calm_6.yml"],
]


def main(by_writer: bool) -> None:
    safety = content_dir() / "safety"
    config = load_config(safety)
    lexicon = SafetyDetector.from_dir(safety)
    situations = SituationRules.from_file(safety / "situations.yml")

    def lexical_tier(text: str) -> str:
        found = lexicon.classify(text)
        return max(found.tier, situations.evaluate(found.signals).tier, key=tier_rank)

    def bank_of(files: list[str]) -> list:
        return load_bank(safety, {**config, "bank": files, "nlu_examples": None})

    if by_writer:
        held_out = [bank_of(files) for files in WRITER_FOLDS]
        grouped = {f for fold in WRITER_FOLDS for f in fold}
        always = bank_of([f for f in config["bank"] if f not in grouped]) + nlu_examples(config)
    else:
        bank = load_bank(safety, config)
        order = list(range(len(bank)))
        random.Random(7).shuffle(order)
        held_out = [[bank[i] for i in order[k::FOLDS]] for k in range(FOLDS)]
        always = []
    everything = always + [e for fold in held_out for e in fold]
    texts = sorted({model_text(lexicon.normalise, e.text) for e in everything})
    vectors = dict(zip(texts, encoder().encode(texts), strict=True))
    scores: dict[str, list] = {n: [] for n in ("ngram", "vec-lr", "vec-mlp", "mean-lr", "mean-mlp")}
    for k, held in enumerate(held_out):
        train = always + [e for j, fold in enumerate(held_out) if j != k for e in fold]
        copies = augment(train, seed=k)
        ngram = build_model(
            [model_text(lexicon.normalise, e.text) for e in copies], [e.label for e in copies]
        )
        x = np.array([vectors[model_text(lexicon.normalise, e.text)] for e in train])
        y = [e.label for e in train]
        lr = LogisticRegression(C=10, max_iter=3000, class_weight="balanced").fit(x, y)
        mlp = MLPClassifier((256,), early_stopping=True, random_state=1, max_iter=200).fit(x, y)
        held_texts = [model_text(lexicon.normalise, e.text) for e in held]
        held_x = np.array([vectors[t] for t in held_texts])
        a = _crisis_probability(ngram, ngram.predict_proba(held_texts))
        b = _crisis_probability(lr, lr.predict_proba(held_x))
        c = _crisis_probability(mlp, mlp.predict_proba(held_x))
        for e, pa, pb, pc in zip(held, a, b, c, strict=True):
            lx = lexical_tier(e.text)
            scores["ngram"].append((e, *pa, lx))
            scores["vec-lr"].append((e, *pb, lx))
            scores["vec-mlp"].append((e, *pc, lx))
            scores["mean-lr"].append((e, (pa[0] + pb[0]) / 2, (pa[1] + pb[1]) / 2, lx))
            scores["mean-mlp"].append((e, (pa[0] + pc[0]) / 2, (pa[1] + pc[1]) / 2, lx))
        print(f"fold {k}: {len(held)} held out", flush=True)
    for name, scored in scores.items():
        print(name)
        print("\n".join(_table(scored)), flush=True)


if __name__ == "__main__":
    main("--by-writer" in sys.argv[1:])
