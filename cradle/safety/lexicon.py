"""Layer 1 of the safety net: the reviewed lexicon (content/safety/lexicon.yml).

spaCy's Matcher and PhraseMatcher on a blank English tokenizer with lookup lemmas (no
statistical model), so the same text always gives the same reading. Besides tiers, rules emit
named *signals* ("suicidal", "means", "time", ...) that the situation rules combine.
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
from spacy.lookups import Table
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc

from cradle.safety.result import RESPONSES, SafetyResult, pick_response
from cradle.tiers import TIERS, tier_rank
from cradle.yamlio import load_yaml

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
# Letters that Unicode does not split into a plain letter and an accent.
_LETTERS = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe"})
# A word, or an apostrophe-joined word, or any other single non-space character.
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[^\sa-z0-9]")
# Where one sentence ends and the next begins, for context words ("years ago", "how do I help").
_SENTENCE_END = frozenset({".", "!", "?", ";", "\n", "but", "however", "now"})
_SKIPPABLE_BEFORE_NEGATION = {"really", "actually", "ever", "feeling", "feel", "be", "at", "all"}
# For a rule whose negation reaches further, also "going to" ("not going to hurt herself"), and
# a short list joined by these ("not seeing things or hearing voices"): at most three items of
# at most three words, none of them a person, "and", "but" or a sign.
_FURTHER_SKIPPABLE = _SKIPPABLE_BEFORE_NEGATION | {"going", "to", "gonna"}
_LIST_JOINS = frozenset({"or", "nor"})
_LIST_ITEMS = 3
_ITEM_WORDS = 3
_LIST_ITEM_WORD = re.compile(r"[a-z]+")
# ("hes" and "shes" are "he's" and "she's" by now: the shorthand is applied before matching.)
_CLAUSE_WORDS = frozenset(
    {"i", "he", "she", "they", "we", "you", "it", "and", "but", "theyre", "were"}
)
_SOFTENER_WINDOW = 6
CONTEXT_SIGNAL = "context:"  # prefix of the signal a context that lowered a match leaves
# Prefix of the signal a negated match leaves: "she's not hearing voices" rules a sign out
# (`ruled_out:strange_belief`), which the conversation may answer (cradle/turn.py).
RULED_OUT_SIGNAL = "ruled_out:"


@dataclass(frozen=True)
class Rule:
    id: str
    tier: str  # "none" for a rule that only emits signals
    response: str | None
    signals: tuple[str, ...] = ()
    negation_tier: str | None = None
    # over a short "or" list and "going to": "not seeing things or hearing voices", "not going
    # to hurt herself" (docs/safety.md, forty-eighth session)
    negation_reaches_further: bool = False
    softened_tier: str | None = None
    softeners: frozenset[str] = field(default_factory=frozenset)
    # Words that soften a match only right before it: "earlier" in "earlier tonight", a time
    # already past (docs/safety.md, fifty-third session).
    softeners_right_before: tuple[str, ...] = ()
    # ...and right after it: "this afternoon i had the thought", a time said of a thought, not of
    # an act (docs/safety.md, fifty-fourth session).
    softeners_right_after: tuple[str, ...] = ()
    lowered_by: tuple[tuple[str, str], ...] = ()  # (context name, tier) pairs


class LexiconError(ValueError):
    """The lexicon file is malformed; the message names the rule and the problem."""


@lru_cache(maxsize=1)
def lemma_table() -> Table:
    """spaCy's English lookup lemmas (spacy-lookups-data), loaded once. Looked up by the word
    itself: the table's keys are the words' hashes, so its items never hold the words."""
    from spacy.lookups import load_lookups

    return load_lookups("en", ["lemma_lookup"]).get_table("lemma_lookup")


def _lemma(word: str) -> str:
    """The word's lemma ("shook" -> "shake"), or the word itself when it has none."""
    lemma = lemma_table().get(word)
    return lemma if isinstance(lemma, str) and lemma and " " not in lemma else word


# An idiom written in the rules' pattern syntax rather than as a plain phrase.
_IDIOM_PATTERN = re.compile(r"[|~$^]|\?(\s|$)")


def _compile_pattern(
    pattern: str, rule_id: str, classes: dict[str, list[str]]
) -> list[dict[str, Any]]:
    """Turn the lexicon's compact pattern syntax into spaCy Matcher token dicts.

    `a|b` alternatives, `word?` optional, `~` up to three other words, `$class` a word class,
    `^word` any form of the word (its lemma: "^shake" matches shake, shook, shaking, shaken).
    """
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
        alternatives = part.rstrip("?").split("|") if optional else part.split("|")
        if not all(alternatives):
            raise LexiconError(f"rule {rule_id!r}: empty alternative in pattern {pattern!r}")
        words: list[str] = []
        for word in alternatives:
            if word.startswith("$"):
                if word[1:] not in classes:
                    raise LexiconError(f"rule {rule_id!r}: unknown word class {word!r}")
                words.extend(classes[word[1:]])
            else:
                words.append(word)
        by_lemma = any(w.startswith("^") for w in words)
        if by_lemma:
            token: dict[str, Any] = {
                "LEMMA": {"IN": sorted({_lemma(w.lstrip("^")) for w in words})}
            }
        else:
            token = {"LOWER": {"IN": words}}
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
        self._classes = self._load_classes(lexicon.get("classes") or {})
        self._rules: dict[str, Rule] = {}
        self._phrases = PhraseMatcher(self._nlp.vocab, attr="LOWER")
        self._patterns = Matcher(self._nlp.vocab)
        self._idioms = PhraseMatcher(self._nlp.vocab, attr="LOWER")
        self._idiom_patterns = Matcher(self._nlp.vocab)
        self._add_idioms(lexicon.get("idioms") or [])
        self._contexts = PhraseMatcher(self._nlp.vocab, attr="LOWER")
        contexts = lexicon.get("contexts") or {}
        if not isinstance(contexts, dict):
            raise LexiconError("'contexts' must map a name to a list of phrases")
        for name, phrases in contexts.items():
            docs = [self._nlp.make_doc(self.normalise(str(p))) for p in phrases or []]
            if not docs:
                raise LexiconError(f"context {name!r} has no phrases")
            self._contexts.add(str(name), docs)
        self._context_names = {str(n) for n in contexts}
        # A context that cancels others: the risk is back or still going on, so "years ago"
        # no longer lowers the match ("I used to self harm and I've started again this week").
        raw_overriding = lexicon.get("overriding_contexts") or {}
        if not isinstance(raw_overriding, dict):
            raise LexiconError(
                "'overriding_contexts' must map a context to the contexts it cancels"
            )
        if bad := [k for k, v in raw_overriding.items() if not isinstance(v, list)]:
            raise LexiconError(f"overriding_contexts: {bad[0]!r} must list the contexts it cancels")
        self._overriding = {str(k): {str(c) for c in v} for k, v in raw_overriding.items()}
        named = set(self._overriding).union(*self._overriding.values())
        if unknown := named - self._context_names:
            raise LexiconError(f"overriding_contexts names unknown contexts: {sorted(unknown)}")
        for raw in lexicon.get("rules") or []:
            self._add_rule(raw)
        if not self._rules:
            raise LexiconError("the lexicon has no rules")

    def _add_idioms(self, idioms: list[Any]) -> None:
        """Everyday phrases whose words are never read as a signal: plain phrases ("killing
        time"), or patterns in the rules' syntax ("say|talk to him|her tonight|later", the time
        of the writer's talk, not of an act)."""
        phrases = [str(p) for p in idioms if not _IDIOM_PATTERN.search(str(p))]
        patterns = [str(p) for p in idioms if _IDIOM_PATTERN.search(str(p))]
        self._idioms.add("idiom", [self._nlp.make_doc(p) for p in phrases])
        if patterns:
            self._idiom_patterns.add(
                "idiom", [_compile_pattern(p, "idioms", self._classes) for p in patterns]
            )

    @staticmethod
    def _load_classes(raw: Any) -> dict[str, list[str]]:
        if not isinstance(raw, dict):
            raise LexiconError("'classes' must map a name to a list of words")
        classes = {}
        for name, words in raw.items():
            if not isinstance(words, list) or not words:
                raise LexiconError(f"word class {name!r} must be a non-empty list")
            classes[str(name)] = [str(w).lower() for w in words]
        return classes

    def _tokenize(self, text: str) -> Doc:
        words = _WORD.findall(text) or [""]
        return Doc(self._nlp.vocab, words=words, lemmas=[_lemma(w) for w in words])

    def _add_rule(self, raw: dict[str, Any]) -> None:
        rule_id = raw.get("id")
        if not rule_id or rule_id in self._rules:
            raise LexiconError(f"rule id missing or repeated: {rule_id!r}")
        signals = tuple(str(s) for s in raw.get("signals") or [])
        tier, response = raw.get("tier", "none" if signals else None), raw.get("response")
        if tier not in TIERS or (tier == "none" and not signals):
            raise LexiconError(
                f"rule {rule_id!r}: tier must be one of {TIERS[1:]} (or give signals), not {tier!r}"
            )
        if tier != "none" and response not in RESPONSES:
            raise LexiconError(f"rule {rule_id!r}: unknown response {response!r}")
        for key in ("negation_tier", "softened_tier"):
            if raw.get(key) is not None and raw[key] not in TIERS:
                raise LexiconError(f"rule {rule_id!r}: {key} must be one of {TIERS}")
        reaches = raw.get("negation_reaches_further", False)
        if not isinstance(reaches, bool) or (reaches and raw.get("negation_tier") is None):
            raise LexiconError(
                f"rule {rule_id!r}: negation_reaches_further must be true or false, and true "
                "only with a negation_tier"
            )
        for key in ("softeners", "softeners_right_before", "softeners_right_after"):
            # A bare string would be read letter by letter: "i" would soften every match
            # followed by "i ...".
            words = raw.get(key) or []
            if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
                raise LexiconError(f"rule {rule_id!r}: {key} must be a list of words")
            if key != "softeners" and words and raw.get("softened_tier") is None:
                raise LexiconError(f"rule {rule_id!r}: {key} needs a softened_tier")
        right_before = raw.get("softeners_right_before") or []
        right_after = raw.get("softeners_right_after") or []
        lowered = raw.get("lowered_by") or {}
        for context, lowered_tier in lowered.items():
            if context not in self._context_names or lowered_tier not in TIERS:
                raise LexiconError(
                    f"rule {rule_id!r}: lowered_by needs a known context and a tier, "
                    f"not {context!r}: {lowered_tier!r}"
                )
        phrases = [self.normalise(p) for p in raw.get("phrases") or []]
        patterns = [
            _compile_pattern(p.lower(), rule_id, self._classes) for p in raw.get("patterns") or []
        ]
        if not phrases and not patterns:
            raise LexiconError(f"rule {rule_id!r} has no phrases or patterns")
        self._rules[rule_id] = Rule(
            id=rule_id,
            tier=tier,
            response=response,
            signals=signals,
            negation_tier=raw.get("negation_tier"),
            negation_reaches_further=reaches,
            softened_tier=raw.get("softened_tier"),
            softeners=frozenset(self.normalise(s) for s in raw.get("softeners") or []),
            softeners_right_before=tuple(self.normalise(s) for s in right_before),
            softeners_right_after=tuple(self.normalise(s) for s in right_after),
            lowered_by=tuple((str(c), str(t)) for c, t in lowered.items()),
        )
        if phrases:
            self._phrases.add(rule_id, [self._nlp.make_doc(p) for p in phrases])
        if patterns:
            self._patterns.add(rule_id, patterns)

    @property
    def signals(self) -> frozenset[str]:
        """Every signal some rule can emit (the situation rules may only use these)."""
        return frozenset(s for rule in self._rules.values() for s in rule.signals)

    @classmethod
    def from_dir(cls, path: Path) -> SafetyDetector:
        """Load content/safety/lexicon.yml."""
        return cls(load_yaml(path / "lexicon.yml"))

    def normalise(self, text: str, long_runs_to: int = 2) -> str:
        """Fold Unicode, quotes, case, repeated letters, SMS shorthand and common misspellings."""
        text = unicodedata.normalize("NFKC", text).translate(_ZERO_WIDTH).translate(_QUOTES)
        text = text.lower()
        # Accented letters fold to plain ones ("chcę umrzeć" -> "chce umrzec"): a phrase in
        # Polish or Romanian reads the same typed with or without its accents.
        if not text.isascii():  # most messages: nothing to fold
            text = unicodedata.normalize("NFKD", text).translate(_LETTERS)
            text = "".join(c for c in text if not unicodedata.combining(c))
        # Runs of 3+ letters: "sooooo" -> "soo" (keeps "kill"), or -> "so" for "diiiie" -> "die".
        text = re.sub(r"(.)\1{2,}", lambda m: m.group(1) * long_runs_to, text)
        # "s u i c i d a l" -> "suicidal": single letters spaced out to dodge filters
        text = re.sub(r"\b(?:[a-z] ){3,}[a-z]\b", lambda m: m.group(0).replace(" ", ""), text)
        # Line breaks end a sentence: context words must not reach across them.
        text = re.sub(r"\s*\n\s*", " . ", text.strip())
        words = []
        for word in _WORD.findall(text):
            word = self._spellings.get(word, word)
            words.append(self._shorthand.get(word, word))
        return " ".join(words)

    def names(self, word_class: str, text: str) -> bool:
        """Whether `text` has a word of one of the lexicon's word classes, in any of its forms
        ("babies" is a "baby"): read outside the rules, e.g. whether a thought names a baby."""
        if word_class not in self._classes:
            raise LexiconError(f"no word class {word_class!r} in the lexicon")
        words = set(self._classes[word_class])
        return any(w in words or _lemma(w) in words for w in self.normalise(text).split())

    def _variants(self, text: str) -> Iterable[str]:
        base = self.normalise(text)
        yield base
        single = self.normalise(text, long_runs_to=1)
        if single != base:
            yield single

    def classify(self, text: str) -> SafetyResult:
        """Return the most serious tier found in any reading of the text, with its signals."""
        best = SafetyResult()
        signals: set[str] = set()
        where: set[tuple[str, int]] = set()
        for variant in self._variants(text):
            result = self._classify_normalised(variant)
            signals |= result.signals
            where |= result.where
            if tier_rank(result.tier) > tier_rank(best.tier):
                best = result
            elif result.tier == best.tier and result.rules:
                best = SafetyResult(
                    best.tier,
                    pick_response([r for r in (best.response, result.response) if r]),
                    tuple(sorted(set(best.rules) | set(result.rules))),
                )
        return SafetyResult(
            best.tier, best.response, best.rules, frozenset(signals), where=frozenset(where)
        )

    def _classify_normalised(self, text: str) -> SafetyResult:
        doc = self._nlp(text)
        idioms = list(self._idioms(doc)) + list(self._idiom_patterns(doc))
        idiom_tokens = {i for _, s, e in idioms for i in range(s, e)}
        sentence = _sentence_index(doc)
        contexts: dict[int, set[str]] = {}
        for match_id, start, _ in self._contexts(doc):
            contexts.setdefault(sentence[start], set()).add(self._nlp.vocab.strings[match_id])
        found: list[tuple[str, str | None, str]] = []  # (tier, response, rule id)
        signals: set[str] = set()
        where: set[tuple[str, int]] = set()
        read = []
        for match_id, start, end in _tightest(list(self._phrases(doc)) + list(self._patterns(doc))):
            rule = self._rules[self._nlp.vocab.strings[match_id]]
            if idiom_tokens.intersection(range(start, end)):
                continue  # part of an everyday idiom: "killing me", "die my hair"
            here = self._standing(contexts.get(sentence[start], set()))
            tier_read = self._effective_tier(rule, doc, start, end, here)
            read.append((rule, start, end, here, *tier_read))
        # A word inside a sign ruled out is ruled out too: "voices" in "isn't hearing voices"
        # (docs/safety.md, forty-ninth session).
        negated = [(s, e) for _, s, e, _, _, reading in read if reading == "negated"]
        for rule, start, end, here, tier, reading in read:
            if reading != "negated" and any(s <= start and end <= e for s, e in negated):
                tier, reading = "none", "negated"
            full = reading == "full"
            if reading == "negated":
                signals.update(f"{RULED_OUT_SIGNAL}{s}" for s in rule.signals)
            if full:
                signals.update(rule.signals)
                where.update((signal, sentence[start]) for signal in rule.signals)
            elif lowered := [c for c, _ in rule.lowered_by if c in here]:
                # A reviewed context ("years ago", "how do I help") decided this reading: the
                # net does not second-guess it with "are you in danger?" (see net.py).
                signals.update(f"{CONTEXT_SIGNAL}{c}" for c in lowered)
            if tier == "none":
                continue
            # A softened or negated match no longer calls for the rule's own crisis response.
            response = rule.response if full else tier
            found.append((tier, response, rule.id))
        top = max((tier_rank(tier) for tier, _, _ in found), default=0)
        if top == 0:
            return SafetyResult(signals=frozenset(signals), where=frozenset(where))
        winners = [(r, rule_id) for tier, r, rule_id in found if tier_rank(tier) == top]
        return SafetyResult(
            TIERS[top],
            pick_response([r for r, _ in winners if r]),
            tuple(sorted({rule_id for _, rule_id in winners})),
            frozenset(signals),
            where=frozenset(where),
        )

    def _effective_tier(
        self, rule: Rule, doc: Doc, start: int, end: int, contexts: set[str]
    ) -> tuple[str, str]:
        """The tier this match stands for, and how it was read: "full" (its whole meaning),
        "softened", "negated" or "lowered" (by a context)."""
        tier = rule.tier
        before = [t.lower_ for t in doc[max(0, start - _SOFTENER_WINDOW) : start]]
        after = " ".join(t.lower_ for t in doc[end : end + _SOFTENER_WINDOW])
        if rule.softened_tier is not None and (
            self._has_softener(rule, before)
            or any(f"{after} ".startswith(f"{s} ") for s in rule.softeners_right_after)
        ):
            return rule.softened_tier, "softened"
        if rule.negation_tier is not None and self._is_negated(
            doc, start, rule.negation_reaches_further
        ):
            return rule.negation_tier, "negated"
        lowered = [t for c, t in rule.lowered_by if c in contexts]
        if not lowered:
            return tier, "full"
        return min(lowered, key=tier_rank), "lowered"

    def _standing(self, contexts: set[str]) -> set[str]:
        """The contexts in a sentence that no other context there cancels."""
        cancelled = set().union(*(self._overriding[c] for c in contexts if c in self._overriding))
        return contexts - cancelled

    @staticmethod
    def _has_softener(rule: Rule, before: list[str]) -> bool:
        joined = " ".join(before)
        if any(f" {joined}".endswith(f" {s}") for s in rule.softeners_right_before):
            return True
        return any(s in before or (" " in s and s in joined) for s in rule.softeners)

    def _is_negated(self, doc: Doc, start: int, further: bool = False) -> bool:
        """A negator directly before the match, allowing a filler word such as "really", or,
        `further`, "going to" or a short list joined by "or" ("shes not going to hurt herself",
        "not seeing things or hearing voices": the nineteenth user test's dad ruling the signs
        out, docs/safety.md, forty-eighth session). A person, "and", "but" or punctuation in the
        list ends it: "i'm not coping or i'm hearing voices" is read."""
        fillers, most = (_FURTHER_SKIPPABLE, 3) if further else (_SKIPPABLE_BEFORE_NEGATION, 2)
        i = start - 1
        while i >= 0 and doc[i].lower_ in fillers and start - i <= most:
            i -= 1
        for _ in range(_LIST_ITEMS + 1 if further else 1):
            if i < 0:
                return False
            if self._is_negator(doc[i].lower_):
                return True
            if doc[i].lower_ not in _LIST_JOINS:
                return False
            i = self._before_list_item(doc, i)
        return False

    def _before_list_item(self, doc: Doc, join: int) -> int:
        """The index of the negator or "or" just before the list item that ends before `join`,
        or -1 when there is none within `_ITEM_WORDS` plain words."""
        for i in range(join - 1, max(join - 2 - _ITEM_WORDS, -1), -1):
            word = doc[i].lower_
            if self._is_negator(word) or word in _LIST_JOINS:
                return i if i < join - 1 else -1
            if not _LIST_ITEM_WORD.fullmatch(word) or word in _CLAUSE_WORDS:
                return -1
        return -1

    def _is_negator(self, word: str) -> bool:
        return word in self._negators or word.endswith("n't")


def _tightest(matches: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """For each rule and end token, only the match that starts latest.

    With `~` gaps one pattern matches "I keep imagining I'll smother him" from "I" and from
    "I'll"; the tighter match is the one whose context words (the softener "imagining") count.
    """
    latest: dict[tuple[int, int], int] = {}
    for match_id, start, end in matches:
        latest[(match_id, end)] = max(start, latest.get((match_id, end), -1))
    return [(match_id, start, end) for (match_id, end), start in latest.items()]


def _sentence_index(doc: Doc) -> list[int]:
    """For each token, the number of the sentence (or clause after "but") it is in."""
    index, current = [], 0
    for token in doc:
        if token.lower_ in _SENTENCE_END:
            current += 1
        index.append(current)
    return index


@lru_cache(maxsize=4)
def _detector_for(path: str) -> SafetyDetector:
    return SafetyDetector.from_dir(Path(path))


def get_detector(path: Path | None = None) -> SafetyDetector:
    """The shared lexicon detector for a content folder, built once per process on first use."""
    from cradle.paths import content_dir

    return _detector_for(str(path or content_dir() / "safety"))
