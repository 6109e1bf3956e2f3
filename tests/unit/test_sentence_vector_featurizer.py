"""The NLU featurizer adds each message's sentence vector, scaled, for the intent classifier."""

from __future__ import annotations

import numpy as np
import pytest
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.sentence_vectors import SentenceVectors
from cradle.sentence_vectors import encoder


def featurizer(scale: float = 10.0) -> SentenceVectors:
    return SentenceVectors(
        "sentence_vectors", {**SentenceVectors.get_default_config(), "scale": scale}
    )


@pytest.mark.parametrize("scale", [1.0, 10.0])
def test_a_message_gets_its_scaled_sentence_vector_and_no_sequence_feature(scale):
    message = Message({TEXT: "can dads get postnatal depression"})
    featurizer(scale).process([message])
    sequence, sentence = message.get_dense_features(TEXT)
    assert sequence is None
    expected = encoder().encode(["can dads get postnatal depression"])[0] * scale
    assert sentence.features.shape == (1, 384)
    assert np.allclose(sentence.features[0], expected, atol=1e-5)


def test_training_examples_get_the_same_vectors_as_messages_at_run_time():
    texts = ["pnd", "is there a group for dads in rugby"]
    data = TrainingData([Message({TEXT: t, "intent": "x"}) for t in texts])
    featurizer().process_training_data(data)
    live = [Message({TEXT: t}) for t in texts]
    featurizer().process(live)
    for trained, served in zip(data.training_examples, live, strict=True):
        assert np.allclose(
            trained.get_dense_features(TEXT)[1].features,
            served.get_dense_features(TEXT)[1].features,
            atol=1e-5,
        )


def test_a_message_without_text_is_left_alone():
    message = Message({"action_name": "utter_greet"})
    featurizer().process([message])
    assert message.get_dense_features(TEXT) == (None, None)


@pytest.mark.parametrize("scale", [0, -1, "10", None, 5000])
def test_a_bad_scale_is_refused_with_its_value(scale):
    with pytest.raises(ValueError, match="scale"):
        featurizer(scale)  # type: ignore[arg-type]
