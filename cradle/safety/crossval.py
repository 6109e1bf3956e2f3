"""Choose the second opinion's model and thresholds by cross-validation on the bank alone.

`make bench-safety-cv` prints, for each candidate model, 5-fold figures on the bank (messages
held out by fold; the augmented copies of a message stay in its fold): crisis recall,
emergency recall and false alarms at each threshold, with and without the lexicon layers. The
frozen evaluation set is never read here, so thresholds cannot be tuned on it.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Callable
from typing import Any

from cradle.paths import content_dir
from cradle.safety.lexicon import SafetyDetector
from cradle.safety.second_opinion import (
    Example,
    augment,
    build_model,
    load_bank,
    load_config,
    model_text,
)
from cradle.safety.situations import SituationRules
from cradle.tiers import tier_rank

FOLDS = 5
THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9)


def _words(texts: list[str], labels: list[str]) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    model = Pipeline(
        [
            ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)),
            ("classifier", LogisticRegression(C=20, max_iter=3000, class_weight="balanced")),
        ]
    )
    return model.fit(texts, labels)


def _chars(texts: list[str], labels: list[str]) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    model = Pipeline(
        [
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)),
            ("classifier", LogisticRegression(C=20, max_iter=3000, class_weight="balanced")),
        ]
    )
    return model.fit(texts, labels)


CANDIDATES: dict[str, Callable[[list[str], list[str]], Any]] = {
    "words+chars, logistic regression (chosen)": build_model,
    "words only, logistic regression": _words,
    "characters only, logistic regression": _chars,
}


def _crisis_probability(model: Any, rows: Any) -> list[tuple[float, float]]:
    classes = list(model.classes_)
    emergency = [i for i, c in enumerate(classes) if c.startswith("emergency/")]
    urgent = [i for i, c in enumerate(classes) if c.startswith("urgent/")]
    out = []
    for row in rows:
        e = float(sum(row[i] for i in emergency))
        out.append((e, e + float(sum(row[i] for i in urgent))))
    return out


def cross_validate(seed: int = 7) -> None:
    """Print each candidate's table as soon as it is measured (each takes about a minute)."""
    safety = content_dir() / "safety"
    config = load_config(safety)
    bank = load_bank(safety, config)
    lexicon = SafetyDetector.from_dir(safety)
    situations = SituationRules.from_file(safety / "situations.yml")

    def lexical_tier(text: str) -> str:
        found = lexicon.classify(text)
        return max(found.tier, situations.evaluate(found.signals).tier, key=tier_rank)

    order = list(range(len(bank)))
    random.Random(seed).shuffle(order)
    folds = [order[i::FOLDS] for i in range(FOLDS)]
    lexical = {i: lexical_tier(bank[i].text) for i in order}
    lines = [f"5-fold cross-validation on the bank: {len(bank)} messages before augmentation", ""]
    for name, fit in CANDIDATES.items():
        scored: list[tuple[Example, float, float, str]] = []
        for k, held in enumerate(folds):
            held_set = set(held)
            train = augment([bank[i] for i in order if i not in held_set], seed=k)
            model = fit(
                [model_text(lexicon.normalise, e.text) for e in train], [e.label for e in train]
            )
            texts = [model_text(lexicon.normalise, bank[i].text) for i in held]
            probabilities = _crisis_probability(model, model.predict_proba(texts))
            for i, (e, c) in zip(held, probabilities, strict=True):
                scored.append((bank[i], e, c, lexical[i]))
        lines.append(f"{name}:")
        lines.extend(_table(scored))
        lines.append("")
        print("\n".join(lines), flush=True)
        lines = []


def _table(scored: list[tuple[Example, float, float, str]]) -> list[str]:
    crisis = [s for s in scored if s[0].label.startswith(("emergency/", "urgent/"))]
    emergencies = [s for s in scored if s[0].label.startswith("emergency/")]
    calm = [s for s in scored if s[0].label in ("support", "none")]
    lexicon_only = sum(tier_rank(s[3]) >= 2 for s in crisis) / len(crisis)
    lexicon_alarms = sum(tier_rank(s[3]) >= 2 for s in calm) / len(calm)
    rows = [
        f"  lexicon + situations alone: crisis caught {lexicon_only:.1%}, "
        f"false alarms {lexicon_alarms:.1%}",
        "  threshold  model: crisis  emergency  false alarms | with lexicon: crisis  false alarms",
    ]
    for t in THRESHOLDS:
        caught = sum(c >= t for _, _, c, _ in crisis) / len(crisis)
        emergency_ok = sum(e >= t for _, e, _, _ in emergencies) / len(emergencies)
        alarms = sum(c >= t for _, _, c, _ in calm) / len(calm)
        both = sum(c >= t or tier_rank(lx) >= 2 for _, _, c, lx in crisis) / len(crisis)
        both_alarms = sum(c >= t or tier_rank(lx) >= 2 for _, _, c, lx in calm) / len(calm)
        rows.append(
            f"  {t:9.2f}  {caught:13.1%}  {emergency_ok:9.1%}  {alarms:12.1%} |"
            f" {both:19.1%}  {both_alarms:12.1%}"
        )
    return rows


def main() -> int:
    cross_validate()
    return 0


if __name__ == "__main__":
    sys.exit(main())
