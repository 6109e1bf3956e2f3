"""The second opinion's fast scorer gives scikit-learn's own probabilities, to the last digits."""

from __future__ import annotations

import numpy as np
import pytest

from cradle.safety.linear_scorer import LinearScorer
from cradle.safety.second_opinion import build_model

CALM = ["my baby will not settle at night", "is it normal to feel tired", "where is a group"]
URGENT = ["i keep thinking everyone would be better off", "i cannot see a way forward anymore"]
EMERGENCY = ["i have taken all my tablets", "i am standing on the bridge now"]
SUPPORT = ["how do i help my friend who feels low", "i used to feel like that years ago"]


@pytest.fixture(scope="module")
def toy_model():
    texts = CALM * 3 + URGENT * 3 + EMERGENCY * 3 + SUPPORT * 3
    labels = ["none"] * 9 + ["urgent/urgent"] * 6 + ["emergency/emergency"] * 6 + ["support"] * 6
    return build_model(texts, labels)


@pytest.mark.parametrize(
    "text",
    [
        "i have taken all my tablets",  # seen in training
        "took all my tablets an hour ago",  # some words seen, some not
        "tabletz brige nw",  # typos: only character n-grams match
        "qqqq zzzz",  # nothing in the vocabulary at all
        "",  # empty: the intercepts alone
        "my baby will not settle " * 40,  # long, repeated n-grams (sublinear tf)
    ],
)
def test_the_scorer_gives_the_pipelines_probabilities(toy_model, text):
    expected = toy_model.predict_proba([text])[0]
    assert LinearScorer.supports(toy_model)
    np.testing.assert_allclose(LinearScorer(toy_model).probabilities(text), expected, atol=1e-12)


@pytest.mark.parametrize("text", ["i have taken all my tablets", "tabletz brige nw", ""])
def test_two_classes_are_scored_with_scikit_learns_sigmoid(text):
    # The whose model (cradle/safety/whose.py) has two labels: one score and a sigmoid.
    two_classes = build_model(CALM + EMERGENCY, ["writer"] * 3 + ["someone_else"] * 2)
    assert LinearScorer.supports(two_classes)
    np.testing.assert_allclose(
        LinearScorer(two_classes).probabilities(text),
        two_classes.predict_proba([text])[0],
        atol=1e-12,
    )


def test_a_model_of_another_shape_is_left_to_scikit_learn():
    from sklearn.linear_model import SGDClassifier
    from sklearn.pipeline import Pipeline

    from cradle.safety.second_opinion import Opinion, SecondOpinion, Thresholds, build_features

    other = Pipeline(
        [("features", build_features()), ("classifier", SGDClassifier(loss="log_loss"))]
    )
    other.fit(CALM * 2 + EMERGENCY * 2, ["none"] * 6 + ["emergency/emergency"] * 4)
    assert not LinearScorer.supports(other)
    opinion = SecondOpinion(other, str.lower, Thresholds(0.8, 0.6, 0.4), min_words=1)
    row = other.predict_proba(["i have taken all my tablets"])[0]
    emergency = float(row[list(other.classes_).index("emergency/emergency")])
    assert opinion.opinion("i have taken all my tablets") == Opinion(
        emergency, emergency, "emergency"
    )


def test_the_served_second_opinion_reads_the_bank_as_scikit_learn_does():
    # The real model (216,903 features, nine labels) on every 40th bank message.
    from cradle.paths import content_dir
    from cradle.safety import get_net
    from cradle.safety.second_opinion import load_bank, load_config, model_text

    net = get_net()
    opinion = net.second_opinion
    model = opinion._model
    assert LinearScorer.supports(model)
    scorer = LinearScorer(model)
    folder = content_dir() / "safety"
    examples = load_bank(folder, load_config(folder))[::40]
    assert len(examples) > 200
    for example in examples:
        words = model_text(net.lexicon.normalise, example.text)
        np.testing.assert_allclose(
            scorer.probabilities(words), model.predict_proba([words])[0], atol=1e-12
        )
