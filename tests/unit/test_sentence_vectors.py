"""The NumPy sentence encoder gives sentence-transformers' own tokens and vectors.

tests/fixtures/minilm_reference.json was made once with the reference implementation
(sentence-transformers on PyTorch, in a separate Python 3.11 venv, since PyTorch has no build
for this project's Python here): its "made_with" field names the versions. The cases cover
punctuation and contractions, accents, full-width and Chinese characters, tabs, emoji, an
empty message and one longer than the model's 256 tokens.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from cradle.sentence_vectors import WEIGHTS_SHA256, encoder, model_dir

REFERENCE = json.loads(
    (Path(__file__).parents[1] / "fixtures" / "minilm_reference.json").read_text("utf-8")
)
CASES = REFERENCE["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:30] or "empty" for c in CASES])
def test_the_tokenizer_gives_the_reference_ids(case):
    assert encoder().tokenizer.encode(case["text"]) == case["ids"]


def test_the_vectors_are_the_reference_vectors():
    mine = encoder().encode([c["text"] for c in CASES])
    reference = np.array([c["vector"] for c in CASES], dtype=np.float32)
    assert np.abs(mine - reference).max() < 1e-5
    assert np.allclose(np.linalg.norm(mine, axis=1), 1.0, atol=1e-5)


def test_a_batch_gives_the_same_vectors_as_one_at_a_time():
    texts = [c["text"] for c in CASES]
    batch = encoder().encode(texts)
    single = np.vstack([encoder().encode([t]) for t in texts])
    assert np.abs(batch - single).max() < 1e-5


def test_meaning_not_spelling_brings_messages_together():
    took, swallowed, nappies = encoder().encode(
        [
            "i took all my tablets",
            "swallowed the whole packet of pills",
            "these nappies are killing me",
        ]
    )
    assert float(took @ swallowed) > float(took @ nappies)


def test_the_installed_weights_are_the_published_ones():
    digest = hashlib.sha256((model_dir() / "model.safetensors").read_bytes()).hexdigest()
    assert digest == WEIGHTS_SHA256


def test_one_message_is_encoded_on_one_blas_thread_and_the_setting_is_restored(monkeypatch):
    from threadpoolctl import threadpool_info

    before = [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]
    seen = []
    real = encoder()._encode

    def spy(texts):
        seen.append([lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"])
        return real(texts)

    monkeypatch.setattr(encoder(), "_encode", spy)
    encoder().encode(["just the one"])
    assert seen and all(n == 1 for n in seen[0])
    assert [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"] == before
