"""A small neural second opinion that reads word order, for comparison by cross-validation.

The production model (second_opinion.build_model) sees a bag of word 1-2 grams and character
2-5 grams, so "I did not take the tablets" and "I took the tablets, did not I" look alike and a
negation three words away from "breathing" is lost. This model reads the words in order:

- each word is the sum of a learnt word vector (words seen at least twice in training) and the
  mean of hashed character 3-5 gram vectors (fastText style), so typos and text-speak still land
  near the right word, as character n-grams do for the linear model;
- a convolution over windows of 2-4 words (or a bidirectional GRU over the whole message) then
  a max over positions, and a softmax over the bank's labels.

There are no pretrained embeddings on this machine, so everything is learnt from the bank.
It only exists to be measured in `python -m cradle.safety.crossval`; production does not use it.
"""

from __future__ import annotations

import random
import zlib
from collections import Counter
from collections.abc import Callable
from typing import Any

import numpy as np

MAX_WORDS = 96  # longer than any bank message (augmented ones reach 95 words)
GRAMS_PER_WORD = 16  # character n-grams kept per word (long words lose their longest grams)
HASH_BUCKETS = 1 << 16
_PAD, _UNKNOWN = 0, 1


def _grams(word: str) -> list[int]:
    """Hashed character 3-5 grams of "<word>", ids from 1 (0 is padding).

    crc32 rather than hash(): Python salts str hashes per process, and the ids must repeat.
    """
    marked = f"<{word}>"
    out = [
        1 + zlib.crc32(marked[i : i + n].encode()) % (HASH_BUCKETS - 1)
        for n in (3, 4, 5)
        for i in range(len(marked) - n + 1)
    ]
    return out[:GRAMS_PER_WORD]


class SequenceClassifier:
    """Keras text classifier with the scikit-learn surface crossval needs.

    `kind` is "cnn" (convolutions over 2, 3 and 4 word windows: fast) or "gru" (a
    bidirectional GRU: reads the whole message in order, slower on CPU).
    """

    def __init__(
        self,
        kind: str = "cnn",
        epochs: int = 6,
        dim: int = 64,
        seed: int = 7,
        batch_size: int = 64,
    ):
        if kind not in ("cnn", "gru"):
            raise ValueError(f"kind must be cnn or gru, not {kind!r}")
        self.kind = kind
        self.epochs = epochs
        self.dim = dim
        self.seed = seed
        self.batch_size = batch_size
        self.classes_: np.ndarray = np.array([])
        self._vocabulary: dict[str, int] = {}
        self._model: Any = None
        self._predict: Any = None
        self._gram_cache: dict[str, list[int]] = {}

    # -- encoding -------------------------------------------------------------------------

    def _encode(self, texts: list[str]) -> list[tuple[list[int], list[list[int]]]]:
        out = []
        for text in texts:
            words = text.split()[:MAX_WORDS] or [""]
            ids = [self._vocabulary.get(w, _UNKNOWN) for w in words]
            grams = []
            for w in words:
                if w not in self._gram_cache:
                    self._gram_cache[w] = _grams(w)
                grams.append(self._gram_cache[w])
            out.append((ids, grams))
        return out

    @staticmethod
    def _pad(encoded: list[tuple[list[int], list[list[int]]]]) -> list[np.ndarray]:
        length = max(len(ids) for ids, _ in encoded)
        words = np.zeros((len(encoded), length), dtype=np.int32)
        grams = np.zeros((len(encoded), length, GRAMS_PER_WORD), dtype=np.int32)
        for row, (ids, word_grams) in enumerate(encoded):
            words[row, : len(ids)] = ids
            for position, g in enumerate(word_grams):
                grams[row, position, : len(g)] = g
        return [words, grams]

    def _batches(self, order: list[int], size: int) -> list[list[int]]:
        return [order[i : i + size] for i in range(0, len(order), size)]

    def _length_batches(
        self, encoded: list[Any], rng: random.Random | None, size: int
    ) -> list[list[int]]:
        """Batches of similar length (less padding, so about three times faster on CPU).

        Training shuffles, then sorts within chunks of 50 batches and shuffles the batches, so
        each epoch's batches differ but stay short; prediction simply sorts by length.
        """
        order = list(range(len(encoded)))
        if rng is None:
            order.sort(key=lambda i: len(encoded[i][0]))
            return self._batches(order, size)
        rng.shuffle(order)
        chunk = size * 50
        batches = []
        for start in range(0, len(order), chunk):
            part = sorted(order[start : start + chunk], key=lambda i: len(encoded[i][0]))
            batches.extend(self._batches(part, size))
        rng.shuffle(batches)
        return batches

    # -- model ----------------------------------------------------------------------------

    def _build(self, vocabulary_size: int, classes: int) -> Any:
        import tensorflow as tf

        words = tf.keras.Input(shape=(None,), dtype="int32", name="words")
        grams = tf.keras.Input(shape=(None, GRAMS_PER_WORD), dtype="int32", name="grams")
        word_vectors = tf.keras.layers.Embedding(vocabulary_size, self.dim)(words)
        gram_vectors = tf.keras.layers.Embedding(HASH_BUCKETS, self.dim)(grams)
        present = tf.cast(tf.not_equal(grams, _PAD), "float32")[..., None]
        gram_mean = tf.reduce_sum(gram_vectors * present, axis=2) / tf.maximum(
            tf.reduce_sum(present, axis=2), 1.0
        )
        real = tf.cast(tf.not_equal(words, _PAD), "float32")[..., None]
        x = (word_vectors + gram_mean) * real
        x = tf.keras.layers.SpatialDropout1D(0.2)(x)
        # Padding must never win the max over positions: push it far below any real value.
        far = (1.0 - real) * -1e4
        if self.kind == "cnn":
            pooled = [
                tf.reduce_max(
                    tf.keras.layers.Conv1D(96, width, padding="same", activation="relu")(x) + far,
                    axis=1,
                )
                for width in (2, 3, 4)
            ]
            h = tf.keras.layers.Concatenate()(pooled)
        else:
            mask = tf.not_equal(words, _PAD)
            seq = tf.keras.layers.Bidirectional(tf.keras.layers.GRU(48, return_sequences=True))(
                x, mask=mask
            )
            h = tf.reduce_max(seq + far, axis=1)
        h = tf.keras.layers.Dropout(0.3)(h)
        out = tf.keras.layers.Dense(classes, activation="softmax")(h)
        return tf.keras.Model([words, grams], out)

    def fit(self, texts: list[str], labels: list[str]) -> SequenceClassifier:
        import tensorflow as tf

        # Same seed, same model: crossval runs must repeat (op determinism costs little here).
        tf.keras.utils.set_random_seed(self.seed)
        tf.config.experimental.enable_op_determinism()
        rng = random.Random(self.seed)

        self.classes_ = np.array(sorted(set(labels)))
        index = {c: i for i, c in enumerate(self.classes_)}
        y = np.array([index[label] for label in labels], dtype=np.int32)
        # Balanced class weights, as the linear model's class_weight="balanced".
        counts = np.bincount(y, minlength=len(self.classes_))
        weights = (len(y) / (len(self.classes_) * counts)).astype(np.float32)

        seen = Counter(w for t in texts for w in t.split())
        kept = sorted(w for w, n in seen.items() if n >= 2)  # sorted: ids repeat across runs
        self._vocabulary = {w: i + 2 for i, w in enumerate(kept)}
        self._gram_cache = {}
        encoded = self._encode(texts)
        self._model = self._build(len(self._vocabulary) + 2, len(self.classes_))

        step = self._train_step()
        self._predict = tf.function(
            lambda words, grams: self._model([words, grams], training=False),
            input_signature=[
                tf.TensorSpec([None, None], tf.int32),
                tf.TensorSpec([None, None, GRAMS_PER_WORD], tf.int32),
            ],
        )
        for _ in range(self.epochs):
            for batch in self._length_batches(encoded, rng, self.batch_size):
                words, grams = self._pad([encoded[i] for i in batch])
                step(words, grams, y[batch], weights[y[batch]])
        return self

    def _train_step(self) -> Any:
        """One compiled step for every batch shape (Keras's train_on_batch retraces per shape
        and floods the log with placeholder warnings from its data adapter)."""
        import tensorflow as tf

        model = self._model
        optimizer = tf.keras.optimizers.Adam(2e-3)
        loss = tf.keras.losses.SparseCategoricalCrossentropy()

        # autograph=False: the step has no Python control flow to convert, and AutoGraph's own
        # zip() does not take strict=.
        @tf.function(
            autograph=False,
            input_signature=[
                tf.TensorSpec([None, None], tf.int32),
                tf.TensorSpec([None, None, GRAMS_PER_WORD], tf.int32),
                tf.TensorSpec([None], tf.int32),
                tf.TensorSpec([None], tf.float32),
            ],
        )
        def step(words: Any, grams: Any, y: Any, weight: Any) -> Any:
            with tf.GradientTape() as tape:
                value = loss(y, model([words, grams], training=True), sample_weight=weight)
            variables = model.trainable_variables
            gradients = tape.gradient(value, variables)
            optimizer.apply_gradients(zip(gradients, variables, strict=True))
            return value

        return step

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        encoded = self._encode(list(texts))
        out = np.zeros((len(encoded), len(self.classes_)), dtype=np.float64)
        for batch in self._length_batches(encoded, None, 256):
            x = self._pad([encoded[i] for i in batch])
            out[batch] = self._predict(*x).numpy()
        return out


class AverageEnsemble:
    """The mean of several models' probabilities, each trained by its own fit function."""

    def __init__(self, fits: list[Callable[[list[str], list[str]], Any]]):
        self.fits = fits
        self.members: list[Any] = []
        self.classes_: np.ndarray = np.array([])

    def fit(self, texts: list[str], labels: list[str]) -> AverageEnsemble:
        self.members = [fit(texts, labels) for fit in self.fits]
        self.classes_ = np.array(sorted(set(labels)))
        return self

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        total = np.zeros((len(texts), len(self.classes_)))
        for member in self.members:
            # Align each member's columns to ours: models may order their classes differently.
            column = {c: i for i, c in enumerate(member.classes_)}
            rows = member.predict_proba(texts)
            total += rows[:, [column[c] for c in self.classes_]]
        return total / len(self.members)
