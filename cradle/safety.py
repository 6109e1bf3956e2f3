"""Deterministic crisis detection: classify a message into a safety tier from a reviewed lexicon.

Runs on the raw text of every message, in the channels and again inside the NLU pipeline. It
uses spaCy's Matcher and PhraseMatcher on a blank English tokenizer (no statistical model), so
the same text always gives the same tier. When in doubt it keeps the safer (higher) tier.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import spacy
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc

from cradle.paths import content_dir
from cradle.tiers import TIERS, tier_rank
from cradle.yamlio import load_yaml

RESPONSES = ("emergency", "urgent", "abuse", "concern_for_other", "support")

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201b": "'",
        "\u2032": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
    }
)
# A word, or an apostrophe-joined word, or any other single non-space character.
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[^\sa-z0-9]")
_SKIPPABLE_BEFORE_NEGATION = {"really", "actually", "ever", "feeling", "feel", "be", "at", "all"}
_SOFTENER_WINDOW = 6
_RESPONSE_PREFERENCE = {
    "emergency": 0,
    "abuse": 1,
    "concern_for_other": 2,
    "urgent": 3,
    "support": 4,
}


@dataclass(frozen=True)
class SafetyResult:
    """The tier of one message, the response to send, and which lexicon rules fired."""

    tier: str = "none"
    response: str | None = None
    rules: tuple[str, ...] = ()

    @property
    def is_crisis(self) -> bool:
        """Urgent or emergency: crisis help must be sent this turn."""
        return tier_rank(self.tier) >= tier_rank("urgent")


@dataclass(frozen=True)
class Rule:
    id: str
    tier: str
    response: str
    negation_tier: str | None = None
    softened_tier: str | None = None
    softeners: frozenset[str] = field(default_factory=frozenset)


class LexiconError(ValueError):
    """The lexicon file is malformed; the message names the rule and the problem."""


def _compile_pattern(pattern: str, rule_id: str) -> list[dict[str, Any]]:
    """Turn the lexicon's compact pattern syntax into spaCy Matcher token dicts."""
    tokens: list[dict[str, Any]] = []
    for part in pattern.split():
        if part == "~":
            tokens.extend({"OP": "?"} for _ in range(3))
            continue
        if part == "?":  # "word ?" makes the word before it optional
            if not tokens or "OP" in tokens[-1]:
                raise LexiconError(f"rule {rule_id!r}: '?' must follow a word in {pattern!r}")
            tokens[-1]["OP"] = "?"
            continue
        optional = part.endswith("?") and len(part) > 1
        words = part.rstrip("?").split("|") if optional else part.split("|")
        if not all(words):
            raise LexiconError(f"rule {rule_id!r}: empty alternative in pattern {pattern!r}")
        # Words with an apostrophe are split into two tokens by the tokenizer; keep them simple.
        token: dict[str, Any] = {"LOWER": {"IN": words}}
        if optional:
            token["OP"] = "?"
        tokens.append(token)
    if not tokens or all(t.get("OP") == "?" for t in tokens):
        raise LexiconError(f"rule {rule_id!r}: pattern {pattern!r} matches nothing fixed")
    return tokens


class SafetyDetector:
    """Classifies text into none/support/urgent/emergency using the lexicon in content/safety."""

    def __init__(self, lexicon: dict[str, Any]) -> None:
        self._nlp = spacy.blank("en")
        # The default tokenizer splits "don't" into "do" + "n't"; our own tokenisation keeps
        # contractions whole so lexicon phrases read naturally.
        self._nlp.tokenizer = self._tokenize
        self.version = lexicon.get("version")
        self._shorthand = {str(k): str(v) for k, v in (lexicon.get("shorthand") or {}).items()}
        self._spellings = {str(k): str(v) for k, v in (lexicon.get("spellings") or {}).items()}
        self._negators = {str(n) for n in lexicon.get("negators") or []}
        self._rules: dict[str, Rule] = {}
        self._phrases = PhraseMatcher(self._nlp.vocab, attr="LOWER")
        self._patterns = Matcher(self._nlp.vocab)
        self._idioms = PhraseMatcher(self._nlp.vocab, attr="LOWER")
        self._idioms.add("idiom", [self._nlp.make_doc(p) for p in lexicon.get("idioms") or []])
        for raw in lexicon.get("rules") or []:
            self._add_rule(raw)
        if not self._rules:
            raise LexiconError("the lexicon has no rules")

    def _tokenize(self, text: str) -> Doc:
        return Doc(self._nlp.vocab, words=_WORD.findall(text) or [""])

    def _add_rule(self, raw: dict[str, Any]) -> None:
        rule_id = raw.get("id")
        if not rule_id or rule_id in self._rules:
            raise LexiconError(f"rule id missing or repeated: {rule_id!r}")
        tier, response = raw.get("tier"), raw.get("response")
        if tier not in TIERS[1:]:
            raise LexiconError(f"rule {rule_id!r}: tier must be one of {TIERS[1:]}, not {tier!r}")
        if response not in RESPONSES:
            raise LexiconError(f"rule {rule_id!r}: unknown response {response!r}")
        for key in ("negation_tier", "softened_tier"):
            if raw.get(key) is not None and raw[key] not in TIERS:
                raise LexiconError(f"rule {rule_id!r}: {key} must be one of {TIERS}")
        phrases = [self.normalise(p) for p in raw.get("phrases") or []]
        patterns = [_compile_pattern(p.lower(), rule_id) for p in raw.get("patterns") or []]
        if not phrases and not patterns:
            raise LexiconError(f"rule {rule_id!r} has no phrases or patterns")
        self._rules[rule_id] = Rule(
            id=rule_id,
            tier=tier,
            response=response,
            negation_tier=raw.get("negation_tier"),
            softened_tier=raw.get("softened_tier"),
            softeners=frozenset(self.normalise(s) for s in raw.get("softeners") or []),
        )
        if phrases:
            self._phrases.add(rule_id, [self._nlp.make_doc(p) for p in phrases])
        if patterns:
            self._patterns.add(rule_id, patterns)

    @classmethod
    def from_dir(cls, path: Path) -> SafetyDetector:
        """Load content/safety/lexicon.yml."""
        return cls(load_yaml(path / "lexicon.yml"))

    def normalise(self, text: str, long_runs_to: int = 2) -> str:
        """Fold Unicode, quotes, case, repeated letters, SMS shorthand and common misspellings."""
        text = unicodedata.normalize("NFKC", text).translate(_ZERO_WIDTH).translate(_QUOTES)
        text = text.lower()
        # Runs of 3+ letters: "sooooo" -> "soo" (keeps "kill"), or -> "so" for "diiiie" -> "die".
        text = re.sub(r"(.)\1{2,}", lambda m: m.group(1) * long_runs_to, text)
        # "s u i c i d a l" -> "suicidal": single letters spaced out to dodge filters
        text = re.sub(r"\b(?:[a-z] ){3,}[a-z]\b", lambda m: m.group(0).replace(" ", ""), text)
        words = []
        for word in _WORD.findall(text):
            word = self._spellings.get(word, word)
            words.append(self._shorthand.get(word, word))
        return " ".join(words)

    def _variants(self, text: str) -> Iterable[str]:
        base = self.normalise(text)
        yield base
        single = self.normalise(text, long_runs_to=1)
        if single != base:
            yield single

    def classify(self, text: str) -> SafetyResult:
        """Return the most serious tier found in any reading of the text."""
        best = SafetyResult()
        for variant in self._variants(text):
            result = self._classify_normalised(variant)
            if tier_rank(result.tier) > tier_rank(best.tier):
                best = result
            elif result.tier == best.tier and result.rules:
                best = SafetyResult(
                    best.tier,
                    best.response or result.response,
                    tuple(sorted(set(best.rules) | set(result.rules))),
                )
        return best

    def _classify_normalised(self, text: str) -> SafetyResult:
        doc = self._nlp(text)
        idiom_tokens = {i for _, s, e in self._idioms(doc) for i in range(s, e)}
        found: list[tuple[str, str, str]] = []  # (tier, response, rule id)
        for match_id, start, end in list(self._phrases(doc)) + list(self._patterns(doc)):
            rule = self._rules[self._nlp.vocab.strings[match_id]]
            if idiom_tokens.intersection(range(start, end)):
                continue  # part of an everyday idiom: "killing me", "die my hair"
            tier = self._effective_tier(rule, doc, start)
            # A softened or negated match no longer calls for the rule's own crisis response.
            response = rule.response if tier == rule.tier else tier
            found.append((tier, response, rule.id))
        top = max((tier_rank(tier) for tier, _, _ in found), default=0)
        if top == 0:
            return SafetyResult()
        winners = [
            (response, rule_id) for tier, response, rule_id in found if tier_rank(tier) == top
        ]
        # Prefer the most specific response when several rules agree on the tier.
        response = min((r for r, _ in winners), key=_RESPONSE_PREFERENCE.__getitem__)
        return SafetyResult(
            TIERS[top], response, tuple(sorted({rule_id for _, rule_id in winners}))
        )

    def _effective_tier(self, rule: Rule, doc: Doc, start: int) -> str:
        before = [t.lower_ for t in doc[max(0, start - _SOFTENER_WINDOW) : start]]
        if rule.softened_tier is not None and self._has_softener(rule, before):
            return rule.softened_tier
        if rule.negation_tier is not None and self._is_negated(doc, start):
            return rule.negation_tier
        return rule.tier

    @staticmethod
    def _has_softener(rule: Rule, before: list[str]) -> bool:
        joined = " ".join(before)
        return any(s in before or (" " in s and s in joined) for s in rule.softeners)

    def _is_negated(self, doc: Doc, start: int) -> bool:
        """A negator directly before the match, allowing a filler word such as "really"."""
        i = start - 1
        while i >= 0 and doc[i].lower_ in _SKIPPABLE_BEFORE_NEGATION and start - i <= 2:
            i -= 1
        if i < 0:
            return False
        word = doc[i].lower_
        return word in self._negators or word.endswith("n't")


@lru_cache(maxsize=4)
def _detector_for(path: str) -> SafetyDetector:
    return SafetyDetector.from_dir(Path(path))


def get_detector(path: Path | None = None) -> SafetyDetector:
    """The shared detector for a content folder, built once per process on first use."""
    return _detector_for(str(path or content_dir() / "safety"))


def classify(text: str) -> SafetyResult:
    """Classify one message with the project's lexicon."""
    return get_detector().classify(text)
