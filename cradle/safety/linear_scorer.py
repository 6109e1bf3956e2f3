"""The second opinion's arithmetic for one message, without scikit-learn's per-call overhead.

`Pipeline.predict_proba` on one message spent most of its 5-8 ms on work that does not depend on
the message: re-validating the fitted vectorizers (each call re-summed the 150,000-entry IDF
matrix) and copying the 216,903 x 9 weight matrix into the layout sparse products want. The
classifier is linear, so one message's scores are the weights of the n-grams it contains,
summed. This module keeps the trained model's own analyzers, vocabularies, IDF weights and
coefficients and does exactly the steps TfidfVectorizer (sublinear tf, l2 norm), FeatureUnion
(blocks side by side) and a multinomial LogisticRegression (softmax) do: on all 22,792 bank
messages it differed from `predict_proba` by at most 1.9e-15 (docs/safety.md), and
tests/unit/test_linear_scorer.py checks every 40th. A model of another shape is scored by
scikit-learn as before (`LinearScorer.supports`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class _Block:
    """One TfidfVectorizer of the FeatureUnion and where its columns start."""

    analyze: Callable[[str], list[str]]
    vocabulary: dict[str, int]
    idf: np.ndarray
    offset: int

    def weights(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Column numbers and l2-normalised sublinear tf-idf weights of the text's n-grams."""
        counts = Counter(
            self.vocabulary[gram] for gram in self.analyze(text) if gram in self.vocabulary
        )
        if not counts:
            return np.empty(0, dtype=np.intp), np.empty(0)
        columns = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        values = (np.log(tf) + 1.0) * self.idf[columns]
        return columns + self.offset, values / np.sqrt(np.dot(values, values))


class LinearScorer:
    """Class probabilities of TfidfVectorizers side by side and a LogisticRegression: multinomial
    (a softmax) or of two classes (a sigmoid)."""

    def __init__(self, model: Any) -> None:
        features, classifier = model.named_steps["features"], model.named_steps["classifier"]
        blocks, offset = [], 0
        for _, vectorizer in features.transformer_list:
            blocks.append(
                _Block(
                    vectorizer.build_analyzer(),
                    vectorizer.vocabulary_,
                    np.asarray(vectorizer.idf_, dtype=np.float64),
                    offset,
                )
            )
            offset += len(vectorizer.vocabulary_)
        self._blocks = tuple(blocks)
        # One row per feature, so a message's rows are read in one gather.
        self._weights = np.ascontiguousarray(classifier.coef_.T)
        self._intercept = np.asarray(classifier.intercept_, dtype=np.float64)

    @staticmethod
    def supports(model: Any) -> bool:
        """Whether the model has exactly the shape this scorer reproduces."""
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import FeatureUnion, Pipeline

        if not isinstance(model, Pipeline) or list(model.named_steps) != ["features", "classifier"]:
            return False
        features, classifier = model.named_steps["features"], model.named_steps["classifier"]
        if not isinstance(features, FeatureUnion) or features.transformer_weights:
            return False
        if not isinstance(classifier, LogisticRegression):
            return False
        if len(classifier.classes_) > 2 and classifier.multi_class not in ("auto", "multinomial"):
            return False
        if len(classifier.classes_) > 2 and classifier.solver == "liblinear":  # one-vs-rest
            return False
        return all(
            isinstance(v, TfidfVectorizer)
            and v.sublinear_tf
            and v.use_idf
            and v.norm == "l2"
            and not v.binary
            for _, v in features.transformer_list
        )

    def probabilities(self, text: str) -> np.ndarray:
        """The same row as `model.predict_proba([text])[0]`."""
        scores = self._intercept.copy()
        for block in self._blocks:
            columns, values = block.weights(text)
            if len(columns):
                scores += values @ self._weights[columns]
        if len(scores) == 1:  # two classes: one score and a sigmoid, as scikit-learn does
            positive = 1.0 / (1.0 + np.exp(-scores[0]))
            return np.array([1.0 - positive, positive])
        scores -= scores.max()
        exp = np.exp(scores)
        return exp / exp.sum()
