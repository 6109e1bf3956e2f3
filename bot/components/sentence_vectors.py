"""NLU featurizer: each message's sentence vector from a pretrained model, beside the n-grams.

The word and character counts only know the words of the training examples; a parent who
writes "my head won't switch off at night" shares few of them with "anxiety". The vector
(cradle/sentence_vectors.py: all-MiniLM-L6-v2, run with NumPy) puts messages with the same
meaning close together whatever their words. Only the sentence-level feature is added, which
is what the LogisticRegressionClassifier reads. `scale` sets how much the 384 small numbers of
a unit vector weigh against the counts; it was chosen by 5-fold cross-validation on the
training data alone (README, "How the assistant understands messages").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from cradle.encode_ahead import get_encode_ahead
from cradle.sentence_vectors import encoder


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class SentenceVectors(DenseFeaturizer, GraphComponent):
    """Adds the message's sentence vector, times `scale`, as a dense sentence feature."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**DenseFeaturizer.get_default_config(), "scale": 10.0}

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        scale = config.get("scale")
        if not isinstance(scale, int | float) or not 0 < scale <= 1000:
            raise ValueError(f"SentenceVectors: scale must be a number above 0, got {scale!r}")

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        # Load the weights with the model, not on the first parent's message (about half a
        # second); a missing model fails here, where the operator sees it.
        encoder()
        return cls(execution_context.node_name, {**cls.get_default_config(), **config})

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self._add(training_data.training_examples, encoder().encode)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        # A message the channel has already handed to the encoder-ahead is not encoded again.
        self._add(messages, get_encode_ahead().vectors)
        return messages

    def _add(self, messages: list[Message], encode: Callable[[list[str]], np.ndarray]) -> None:
        # Examples without text (responses, stories' actions) have nothing to encode.
        texts = [m for m in messages if m.get(TEXT)]
        if texts:
            vectors = encode([m.get(TEXT) for m in texts]) * self._config["scale"]
            for message, vector in zip(texts, vectors, strict=True):
                self.add_features_to_message(None, vector[None, :], TEXT, message)
