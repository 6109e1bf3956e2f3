"""Choose the second opinion's model and thresholds by cross-validation on the bank alone.

`make bench-safety-cv` prints, for each candidate model, 5-fold figures on the bank (messages
held out by fold; the augmented copies of a message stay in its fold): crisis recall,
emergency recall and false alarms at each threshold, with and without the lexicon layers. The
frozen evaluation set is never read here, so thresholds cannot be tuned on it.

`python -m cradle.safety.crossval --only chosen convolution` runs only the named candidates
(all of them take about 45 minutes on two cores); `--list` names them. Each table also gives
crisis caught at fixed false-alarm rates, the fair comparison between models whose
probabilities are calibrated differently.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
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
EQUAL_FALSE_ALARMS = (0.03, 0.05, 0.08)


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


def _features(words: Any) -> Any:
    """The chosen model's character 2-5 grams beside the given word features."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)
    return FeatureUnion([("words", words), ("chars", chars)])


def _logistic(features: Any, texts: list[str], labels: list[str]) -> Any:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    model = Pipeline(
        [
            ("features", features),
            ("classifier", LogisticRegression(C=20, max_iter=3000, class_weight="balanced")),
        ]
    )
    return model.fit(texts, labels)


def _trigrams(texts: list[str], labels: list[str]) -> Any:
    """The chosen model with word 1-3 grams: "did not take", "not breathing now"."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    words = TfidfVectorizer(ngram_range=(1, 3), sublinear_tf=True)
    return _logistic(_features(words), texts, labels)


class OrderedPairs:
    """Word 1-2 grams plus ordered word pairs up to `window` words apart ("not ... breathing").

    Bigrams only see neighbours; a pair "a>b" keeps which word came first across a gap, so
    "not really breathing" and "breathing not really" differ, without a neural model.
    A class rather than a closure so the fitted vectoriser could be pickled like the others.
    """

    def __init__(self, window: int = 4):
        self.window = window

    def __call__(self, text: str) -> list[str]:
        words = text.split()
        out = list(words)
        out.extend(f"{a} {b}" for a, b in zip(words, words[1:], strict=False))
        for gap in range(2, self.window + 1):
            out.extend(f"{a}>{b}" for a, b in zip(words, words[gap:], strict=False))
        return out


def _pairs(texts: list[str], labels: list[str]) -> Any:
    """The chosen model with ordered word pairs up to four words apart."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    # min_df=2: a pair seen once is mostly noise, and there are several per word.
    words = TfidfVectorizer(analyzer=OrderedPairs(4), sublinear_tf=True, min_df=2)
    return _logistic(_features(words), texts, labels)


def _convolution(texts: list[str], labels: list[str]) -> Any:
    from cradle.safety.sequence_model import SequenceClassifier

    # Three epochs: on the first fold six gave more false alarms at every recall (overfitting
    # the augmented copies), and halved the training time.
    return SequenceClassifier("cnn", epochs=3).fit(texts, labels)


def _gru(texts: list[str], labels: list[str]) -> Any:
    from cradle.safety.sequence_model import SequenceClassifier

    return SequenceClassifier("gru", epochs=4).fit(texts, labels)


def _chosen_and_convolution(texts: list[str], labels: list[str]) -> Any:
    from cradle.safety.sequence_model import AverageEnsemble

    return AverageEnsemble([build_model, _convolution]).fit(texts, labels)


CANDIDATES: dict[str, Callable[[list[str], list[str]], Any]] = {
    "words+chars, logistic regression (chosen)": build_model,
    "words only, logistic regression": _words,
    "characters only, logistic regression": _chars,
    "word 1-3 grams+chars, logistic regression": _trigrams,
    "ordered word pairs+chars, logistic regression": _pairs,
    "word+character-gram convolution (neural)": _convolution,
    "word+character-gram bidirectional GRU (neural)": _gru,
    # Not "chosen" in this name: `--only chosen` must select the kept model alone.
    "mean of the kept model and convolution": _chosen_and_convolution,
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


def select(names: list[str] | None) -> dict[str, Callable[[list[str], list[str]], Any]]:
    """The candidates whose name contains one of `names` (case-insensitive); all if none."""
    chosen = {
        name: fit
        for name, fit in CANDIDATES.items()
        if not names or any(n.lower() in name.lower() for n in names)
    }
    if not chosen:
        raise SystemExit(f"no candidate matches {names}; candidates: {list(CANDIDATES)}")
    return chosen


def cross_validate(names: list[str] | None = None, seed: int = 7) -> None:
    """Print each candidate's table as soon as it is measured (a few minutes each).

    `names`: run only the candidates whose name contains one of these (case-insensitive).
    """
    chosen = select(names)
    safety = content_dir() / "safety"
    config = load_config(safety)
    bank = load_bank(safety, config)
    lexicon = SafetyDetector.from_dir(safety)
    situations = SituationRules.from_file(safety / "situations.yml")

    def lexical_tier(text: str) -> str:
        found = lexicon.classify(text)
        return max(found.tier, situations.evaluate(found.signals, found.where).tier, key=tier_rank)

    order = list(range(len(bank)))
    random.Random(seed).shuffle(order)
    folds = [order[i::FOLDS] for i in range(FOLDS)]
    lexical = {i: lexical_tier(bank[i].text) for i in order}
    lines = [f"5-fold cross-validation on the bank: {len(bank)} messages before augmentation", ""]
    for name, fit in chosen.items():
        scored: list[tuple[Example, float, float, str]] = []
        seconds = []
        for k, held in enumerate(folds):
            held_set = set(held)
            train = augment([bank[i] for i in order if i not in held_set], seed=k)
            train_texts = [model_text(lexicon.normalise, e.text) for e in train]
            started = time.perf_counter()
            model = fit(train_texts, [e.label for e in train])
            seconds.append(time.perf_counter() - started)
            texts = [model_text(lexicon.normalise, bank[i].text) for i in held]
            probabilities = _crisis_probability(model, model.predict_proba(texts))
            for i, (e, c) in zip(held, probabilities, strict=True):
                scored.append((bank[i], e, c, lexical[i]))
        lines.append(
            f"{name}: training {sum(seconds) / len(seconds):.0f} s per fold"
            f" ({', '.join(f'{t:.0f}' for t in seconds)})"
        )
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
    # Models differ in calibration (a neural model is surer of itself than logistic
    # regression), so equal thresholds are not a fair comparison; equal false alarms are.
    rows.append(
        "  false alarms fixed (threshold set per model)  model: crisis  emergency |"
        " with lexicon: crisis"
    )
    flagged = [c for _, _, c, lx in calm if tier_rank(lx) < 2]  # calm the lexicon let through
    for rate in EQUAL_FALSE_ALARMS:
        budget = int(rate * len(calm))
        alone = _threshold([c for _, _, c, _ in calm], budget)
        caught = sum(c > alone for _, _, c, _ in crisis) / len(crisis)
        emergency_ok = sum(e > alone for _, e, _, _ in emergencies) / len(emergencies)
        lexicon_alarms_n = len(calm) - len(flagged)
        if budget < lexicon_alarms_n:
            both_text = "(lexicon alone more)"
        else:
            combined = _threshold(flagged, budget - lexicon_alarms_n)
            both = sum(c > combined or tier_rank(lx) >= 2 for _, _, c, lx in crisis) / len(crisis)
            both_text = f"{both:.1%}"
        rows.append(f"  {rate:>46.0%}  {caught:13.1%}  {emergency_ok:9.1%} | {both_text:>19}")
    return rows


def _threshold(calm_scores: list[float], budget: int) -> float:
    """The threshold above which at most `budget` of these everyday scores lie."""
    ranked = sorted(calm_scores, reverse=True)
    return ranked[budget] if budget < len(ranked) else -1.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only",
        nargs="+",
        metavar="NAME",
        help="run only the candidates whose name contains one of these words (e.g. chosen gru)",
    )
    parser.add_argument("--list", action="store_true", help="list the candidates and stop")
    args = parser.parse_args(argv)
    if args.list:
        print("\n".join(CANDIDATES))
        return 0
    cross_validate(args.only)
    return 0


if __name__ == "__main__":
    sys.exit(main())
