"""Layer 3 of the safety net: a trained second opinion over a labelled bank of situations.

A scikit-learn model on word and character n-grams (the same features that work best for
Cradle's intents; see docs/safety.md for the comparison), trained on content/safety/bank/.
Its tier is combined with the lexicon's by maximum, so it can only add caution, never remove it.
The model is trained on first use (or by `cradle safety train`, run by `make train`) and cached
in models/safety/ under a hash of everything it learnt from, so every process loads the same
model and a changed bank or lexicon is never served by a stale one.
"""

from __future__ import annotations

import hashlib
import logging
import os
import random
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from cradle.safety.linear_scorer import LinearScorer
from cradle.safety.result import RESPONSES
from cradle.tiers import TIERS
from cradle.yamlio import ContentError, load_yaml

logger = logging.getLogger(__name__)
MODEL_VERSION = "6"  # bump when features or training change, so old caches are not reused
_CALM = ("support", "none")
WRITER, SOMEONE_ELSE = "writer", "someone_else"  # the whose model's two labels
_PUNCTUATION = re.compile(r"[^\w\s']+")


# A baby's (or a pregnancy's) age, which is not a risk: the bank's short medical emergencies
# often name one ("he's 10 days old and floppy"), so "hes 6 weeks" alone read as a crisis
# (docs/safety.md, seventeenth session). Ages only, never a length of time ("not slept for 3
# days", "3 days ago", "it's 3 days since"), which can be one.
_NUMBER = r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_UNIT = r"(?:days?|weeks?|wks?|months?|mths?|mnths?|mos?|years?|yrs?)"
_AGE = re.compile(
    rf"\b{_NUMBER} {_UNIT} old\b"  # "3 weeks old", "a 6 wk old"
    rf"|\b{_NUMBER} {_UNIT}(?= pregnant\b)"  # "20 weeks pregnant"
    # "he's 6 weeks", "my baby is 5 weeks", "i'm 20 weeks"; not "it's 3 days since"
    rf"|(?P<who>\b(?:he|she|baby|son|daughter|twins|they|i|we)(?:'s|'m|'re| is| am| are)) "
    rf"{_NUMBER} {_UNIT}(?: old)?\b"
    r"(?! (?:since|ago|without|of|straight|running|in a row|now|later)\b)"
)


# Words that say who, not what: a message of nothing else ("my baby is", once its age is out)
# gives the model nothing to read, and it guessed a crisis from them.
_ONLY_WHO = frozenset(
    "my our the a an he she it they we i he's she's it's they're we're i'm is am are was "
    "baby son daughter boy girl twins little one lo bub old today now".split()
)


def readable(words: str, min_words: int) -> bool:
    """Enough words for the model, and one of them about something, not only someone."""
    split = words.split()
    return len(split) >= min_words and not _ONLY_WHO.issuperset(split)


def model_text(normalise: Callable[[str], str], text: str) -> str:
    """What the model reads: the lexicon's normalised words, without punctuation or a baby's
    age."""
    words = " ".join(_PUNCTUATION.sub(" ", normalise(text)).split())
    return " ".join(_AGE.sub(lambda m: m["who"] or " ", words).split())


@dataclass(frozen=True)
class Opinion:
    """The model's probabilities for one message, and the reply it points to."""

    emergency: float
    crisis: float  # emergency + urgent
    response: str | None  # the crisis reply of the likeliest crisis label


@dataclass(frozen=True)
class Thresholds:
    emergency: float
    crisis: float
    check: float
    someone_else: float = 0.8  # P(the crisis is someone else's) at or above this: say so

    def tier(self, opinion: Opinion) -> str:
        if opinion.emergency >= self.emergency:
            return "emergency"
        if opinion.crisis >= self.crisis:
            return "urgent"
        return "none"


@dataclass(frozen=True)
class Example:
    text: str
    label: str  # "emergency/<response>", "urgent/<response>", "support" or "none"
    situation: str = ""  # the bank's situation; empty for the NLU's examples and the red team


def load_config(safety_dir: Path) -> dict[str, Any]:
    """content/safety/second_opinion.yml: thresholds, bank files and each situation's reply."""
    path = safety_dir / "second_opinion.yml"
    config = load_yaml(path)
    thresholds = config.get("thresholds") or {}
    for key in ("emergency", "crisis", "check"):
        value = thresholds.get(key)
        if not isinstance(value, int | float) or not 0 < value < 1:
            raise ContentError(path, f"thresholds.{key} must be a number between 0 and 1")
    if not thresholds["check"] < thresholds["crisis"]:
        raise ContentError(path, "thresholds.check must be below thresholds.crisis")
    replies = config.get("responses") or {}
    if not isinstance(replies, dict) or any(r not in RESPONSES for r in replies.values()):
        raise ContentError(path, f"responses must map a situation to one of {RESPONSES}")
    if not isinstance(config.get("min_words"), int) or not 1 <= config["min_words"] <= 10:
        raise ContentError(path, "min_words must be a whole number from 1 to 10")
    seed = config.get("augment_seed")
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ContentError(path, "augment_seed must be a whole number, 0 or more")
    if not config.get("bank"):
        raise ContentError(path, "list the bank files under 'bank'")
    _check_whose(path, config.get("whose"))
    _check_questions(path, config.get("whose_questions"), config["whose"])
    safety_statements(path, config)
    return config


def safety_statements(path: Path, config: dict[str, Any]) -> re.Pattern[str] | None:
    """What the model is not shown, as one pattern: `safety_statements` ("not in danger") and
    `figures_of_speech` ("at the end of my rope"); None when the config lists neither. A pattern
    that cannot be read names itself."""
    listed = []
    for key in ("safety_statements", "figures_of_speech"):
        listed += _expressions(path, key, config.get(key))
    for signal, patterns in _signs_listed(path, config).items():
        listed += _expressions(path, f"signs_ruled_out.{signal}", patterns)
    return _joined(listed)


def signs_ruled_out(path: Path, config: dict[str, Any]) -> dict[str, re.Pattern[str]]:
    """`signs_ruled_out`: for each lexicon signal, the words that rule it out ("she isn't
    seeing or hearing things"), as one pattern per signal."""
    return {
        signal: joined
        for signal, patterns in _signs_listed(path, config).items()
        if (joined := _joined(_expressions(path, f"signs_ruled_out.{signal}", patterns)))
    }


def _signs_listed(path: Path, config: dict[str, Any]) -> dict[str, Any]:
    signs = config.get("signs_ruled_out") or {}
    if not isinstance(signs, dict) or not all(isinstance(k, str) and k for k in signs):
        raise ContentError(path, "signs_ruled_out must map a lexicon signal to expressions")
    return signs


def _expressions(path: Path, key: str, patterns: Any) -> list[str]:
    """A list of regular expressions, each checked; a bad one names its key."""
    patterns = patterns or []
    if not isinstance(patterns, list) or not all(isinstance(p, str) and p for p in patterns):
        raise ContentError(path, f"{key} must be a list of regular expressions")
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as err:
            raise ContentError(path, f"{key}: {pattern!r} is not valid: {err}") from err
    return patterns


def _joined(patterns: list[str]) -> re.Pattern[str] | None:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.I) if patterns else None


def _check_questions(path: Path, questions: Any, whose: dict[str, Any]) -> None:
    """whose_questions: the everyday situations the model for topic questions adds."""
    if not isinstance(questions, dict):
        raise ContentError(path, "whose_questions: give someone_else and writer situations")
    for key in ("someone_else", "writer"):
        if not isinstance(questions.get(key), list) or not questions[key]:
            raise ContentError(path, f"whose_questions.{key} must be a non-empty list")
    words = questions.get("person_words")
    if not isinstance(words, list) or not words or not all(isinstance(w, str) for w in words):
        raise ContentError(path, "whose_questions.person_words must be a non-empty list of words")
    situations = question_situations(questions, whose)
    both = set(situations["someone_else"]) & set(situations["writer"])
    if both:
        raise ContentError(path, f"whose_questions: {', '.join(sorted(both))} on both sides")


def question_situations(questions: dict[str, Any], whose: dict[str, Any]) -> dict[str, list]:
    """The situations the model for topic questions learns: the crises' and the everyday ones."""
    return {key: [*whose[key], *questions[key]] for key in ("someone_else", "writer")}


def _check_whose(path: Path, whose: Any) -> None:
    if not isinstance(whose, dict):
        raise ContentError(path, "whose: give someone_else and writer situations and a threshold")
    for key in ("someone_else", "writer"):
        if not isinstance(whose.get(key), list) or not whose[key]:
            raise ContentError(path, f"whose.{key} must be a non-empty list of bank situations")
    if set(whose["someone_else"]) & set(whose["writer"]):
        raise ContentError(path, "whose: a situation cannot be both someone_else and writer")
    threshold = whose.get("threshold")
    if not isinstance(threshold, int | float) or not 0.5 < threshold < 1:
        raise ContentError(path, "whose.threshold must be a number between 0.5 and 1")


def load_bank(safety_dir: Path, config: dict[str, Any]) -> list[Example]:
    """Every labelled message in the bank files, in file order."""
    examples: list[Example] = []
    replies: dict[str, str] = config.get("responses") or {}
    for name in config["bank"]:
        path = safety_dir / name
        data = load_yaml(path)
        for tier in TIERS:
            groups = data.get(tier) or {}
            if isinstance(groups, list):  # a flat list: one tier, no situations
                groups = {tier: groups}
            if not isinstance(groups, dict):
                raise ContentError(path, f"{tier}: expected situations with lists of messages")
            for situation, messages in groups.items():
                if not isinstance(messages, list):
                    raise ContentError(path, f"{tier}.{situation}: expected a list of messages")
                label = tier if tier in _CALM else f"{tier}/{replies.get(situation, tier)}"
                examples.extend(
                    Example(str(m), label, str(situation)) for m in messages if str(m).strip()
                )
        if "benign" in data:  # the red-team file's name for everyday messages
            examples.extend(Example(str(m), "none") for m in data["benign"] or [])
    examples.extend(nlu_examples(config))
    if not examples:
        raise ContentError(safety_dir, "the second opinion's bank is empty")
    return examples


_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


def example_text(line: str) -> str:
    """The plain text of one `- example` line of Rasa NLU data, entity annotations removed."""
    return _ANNOTATION.sub(r"\1", line.strip().removeprefix("- ")).strip()


def everyday_label(intent: str) -> str:
    """The bank label of an NLU intent's examples: topic questions support, the rest none."""
    return "support" if intent.startswith("ask_") else "none"


def nlu_examples(config: dict[str, Any]) -> list[Example]:
    """The NLU's own examples of everyday intents: topic questions are not crises.

    Topic questions ("ask_*") are labelled support, the rest (greetings, places) none. Intents
    whose examples may be crises (listed under `exclude`) are left out.
    """
    from cradle.paths import PROJECT_ROOT

    spec = config.get("nlu_examples")
    if not spec:
        return []
    path = PROJECT_ROOT / str(spec["file"])
    exclude = set(spec.get("exclude") or [])
    out = []
    for block in load_yaml(path).get("nlu") or []:
        intent = block.get("intent")
        if not intent or intent in exclude:
            continue
        label = everyday_label(str(intent))
        for line in str(block.get("examples") or "").splitlines():
            text = example_text(line)
            if text:
                out.append(Example(text, label))
    return out


def augment(examples: list[Example], seed: int = 13) -> list[Example]:
    """More voices from the same bank: typos, no punctuation, risk buried in everyday talk."""
    rng = random.Random(seed)
    everyday = [e.text for e in examples if e.label == "none" and len(e.text) < 120]
    out = list(examples)
    for example in examples:
        plain = re.sub(r"[^\w\s']", "", example.text.lower())
        if plain != example.text:
            out.append(replace(example, text=plain))
        out.append(replace(example, text=_typo(example.text, rng)))
        if everyday and rng.random() < 0.5:
            before, after = rng.choice(everyday), rng.choice(everyday)
            out.append(replace(example, text=f"{before}. {example.text}. {after}"))
    return out


def _typo(text: str, rng: random.Random) -> str:
    words = text.split()
    long_words = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    if not long_words:
        return text.lower()
    i = rng.choice(long_words)
    word = words[i]
    j = rng.randrange(1, len(word) - 1)
    words[i] = word[:j] + word[j + 1 :] if rng.random() < 0.5 else word[:j] + word[j] + word[j:]
    return " ".join(words)


def build_features() -> Any:
    """Word 1-2 grams and character 2-5 grams, each weighted by TF-IDF."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

    return FeatureUnion(
        [
            ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1)),
            (
                "chars",
                TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True),
            ),
        ]
    )


# The logistic regression's C (weak regularisation). Stronger ones (8, 4, 2) were no better at any
# false-alarm budget on held-out bank writers (docs/safety.md, 2026-11-30, seventh session).
REGULARISATION = 20.0


def build_classifier(c: float = REGULARISATION) -> Any:
    """Logistic regression, classes weighted so the rare emergencies count as much as the rest."""
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, max_iter=3000, class_weight="balanced")


def build_model(texts: list[str], labels: list[str]) -> Any:
    """The features, then the classifier, trained on the bank's texts."""
    from sklearn.pipeline import Pipeline

    model = Pipeline([("features", build_features()), ("classifier", build_classifier())])
    model.fit(texts, labels)
    return model


def whose_examples(examples: Iterable[Example], whose: dict[str, Any]) -> list[Example]:
    """The bank's crisis messages labelled by whose crisis it is: the writer's or someone else's.

    Situations are labelled as a whole, so a writer's situation holds a few messages about a
    sister or a friend: that noise leans the model towards the writer, the safer way to be wrong
    (the writer's own reply still gives every number). Situations not listed (medical, abuse,
    and the older `psychosis`, told by mothers and partners alike) are left out.
    """
    labels = {s: SOMEONE_ELSE for s in whose["someone_else"]} | {s: WRITER for s in whose["writer"]}
    return [replace(e, label=labels[e.situation]) for e in examples if e.situation in labels]


def _scorer(model: Any) -> Callable[[str], Any]:
    # The same probabilities as model.predict_proba, over ten times faster (linear_scorer.py).
    if LinearScorer.supports(model):
        return LinearScorer(model).probabilities
    return lambda words: model.predict_proba([words])[0]


class SecondOpinion:
    """A trained model plus the normaliser it was trained with, and the model that tells whose
    crisis it is."""

    def __init__(
        self,
        model: Any,
        normalise: Callable[[str], str],
        thresholds: Thresholds,
        min_words: int = 3,
        whose: Any = None,
        questions: Any = None,
        person_words: frozenset[str] = frozenset(),
        statements: re.Pattern[str] | None = None,
        ruled_out: dict[str, re.Pattern[str]] | None = None,
    ):
        self._model = model
        self._probabilities = _scorer(model)
        self._whose = _scorer(whose) if whose is not None else None
        self._someone_else = list(whose.classes_).index(SOMEONE_ELSE) if whose is not None else 0
        self._questions = _scorer(questions) if questions is not None else None
        self._asking_for = (
            list(questions.classes_).index(SOMEONE_ELSE) if questions is not None else 0
        )
        self._normalise = normalise
        self._person_words = person_words
        self._statements = statements
        self.ruled_out = ruled_out or {}
        self.thresholds = thresholds
        self.min_words = min_words
        classes = list(model.classes_)
        self._emergency = [i for i, c in enumerate(classes) if c.startswith("emergency/")]
        self._urgent = [i for i, c in enumerate(classes) if c.startswith("urgent/")]
        self._crisis = self._emergency + self._urgent
        self._classes = classes

    def opinion(self, text: str) -> Opinion:
        """The model's reading of the whole message, the way cross-validation measures it.

        Not sentence by sentence: taking the most worrying sentence of a long message read new
        writers' everyday messages as crises three times as often (11.8% against 7.0% of
        held-out writers' everyday messages) for under a point more crises caught, and at equal
        false alarms it caught 5-8 points fewer crises (docs/safety.md, 2026-11-30). The bank's
        "buried in everyday talk" copies teach the model to find a risk inside a long message;
        the lexicon still reads each sentence. Messages shorter than `min_words` words are left
        to the lexicon: two words carry too little for the model ("not really" alone is not
        "not breathing"), and so do words that only say who ("my baby is 5 weeks" without its
        age). Statements that someone is not in danger are not read: the model cannot read
        "not", and read "im not in danger right now" as an emergency (docs/safety.md,
        twenty-fourth session).
        """
        words = model_text(self._normalise, text)
        if self._statements is not None:
            words = " ".join(self._statements.sub(" ", words).split())
        if not readable(words, self.min_words):
            return Opinion(0.0, 0.0, None)
        row = self._probabilities(words)
        emergency = float(sum(row[i] for i in self._emergency))
        crisis = emergency + float(sum(row[i] for i in self._urgent))
        response = None
        if self._crisis:
            top = max(self._crisis, key=lambda i: row[i])
            response = self._classes[top].split("/", 1)[1]
        return Opinion(emergency, crisis, response)

    def signs_ruled_out(self, text: str) -> frozenset[str]:
        """The lexicon signals this message rules out in the words of `signs_ruled_out`."""
        words = model_text(self._normalise, text)
        return frozenset(s for s, pattern in self.ruled_out.items() if pattern.search(words))

    def someone_else(self, text: str) -> float | None:
        """How likely a crisis in this message is someone else's rather than the writer's own;
        None without a whose model or for a message too short to read. Asked only of messages
        already read as a crisis: it picks the reply's words, never the tier."""
        words = model_text(self._normalise, text)
        if self._whose is None or not readable(words, self.min_words):
            return None
        return float(self._whose(words)[self._someone_else])

    def asking_for_someone_else(self, text: str) -> float | None:
        """How likely an everyday question is about another adult's wellbeing rather than the
        writer's own; None without that model or for a message too short to read. A model of
        its own, so the crisis replies' whose model is not changed by everyday questions
        (README, eighteenth session)."""
        words = model_text(self._normalise, text)
        if self._questions is None or not readable(words, self.min_words):
            return None
        if self._person_words and self._person_words.isdisjoint(re.findall(r"[a-z]+", words)):
            return 0.0  # names nobody else ("what is bonding"): the writer's own question
        return float(self._questions(words)[self._asking_for])


def fingerprint(safety_dir: Path, config: dict[str, Any], extra: Iterable[str] = ()) -> str:
    """A hash of the bank, the config and the code version: a new one means retrain."""
    import sklearn

    digest = hashlib.sha256(f"{MODEL_VERSION}|{sklearn.__version__}".encode())
    for name in ["second_opinion.yml", "lexicon.yml", *config["bank"], *extra]:
        digest.update((safety_dir / name).read_bytes())
    if config.get("nlu_examples"):
        from cradle.paths import PROJECT_ROOT

        digest.update((PROJECT_ROOT / str(config["nlu_examples"]["file"])).read_bytes())
    return digest.hexdigest()[:20]


def train(safety_dir: Path, normalise: Callable[[str], str]) -> SecondOpinion:
    """Train from the bank (several minutes: about ten for two at once on two cores), or load the
    cached model for the same inputs."""
    import joblib

    from cradle.paths import PROJECT_ROOT

    config = load_config(safety_dir)
    thresholds = Thresholds(
        **{k: float(config["thresholds"][k]) for k in ("emergency", "crisis", "check")},
        someone_else=float(config["whose"]["threshold"]),
    )
    min_words = int(config["min_words"])
    person_words = frozenset(w.lower() for w in config["whose_questions"]["person_words"])
    statements = safety_statements(safety_dir / "second_opinion.yml", config)
    ruled_out = signs_ruled_out(safety_dir / "second_opinion.yml", config)

    def made(model: Any, whose: Any, questions: Any) -> SecondOpinion:
        return SecondOpinion(
            model,
            normalise,
            thresholds,
            min_words,
            whose,
            questions,
            person_words,
            statements,
            ruled_out,
        )

    cache = (
        PROJECT_ROOT
        / "models"
        / "safety"
        / f"second-opinion-{fingerprint(safety_dir, config)}.joblib"
    )
    if cache.exists():
        try:
            model, whose, questions = joblib.load(cache)
            return made(model, whose, questions)
        except Exception:  # noqa: BLE001 - a broken cache is retrained, never trusted
            logger.warning("the cached second-opinion model could not be read; retraining")
    examples = augment(load_bank(safety_dir, config), seed=config["augment_seed"])
    texts = [model_text(normalise, e.text) for e in examples]
    model = build_model(texts, [e.label for e in examples])
    whose_bank = whose_examples(examples, config["whose"])
    whose = build_model(
        [model_text(normalise, e.text) for e in whose_bank], [e.label for e in whose_bank]
    )
    situations = question_situations(config["whose_questions"], config["whose"])
    questions_bank = whose_examples(examples, situations)
    questions = build_model(
        [model_text(normalise, e.text) for e in questions_bank], [e.label for e in questions_bank]
    )
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")  # processes may train at the same time
        joblib.dump((model, whose, questions), tmp)
        tmp.replace(cache)
    except OSError:
        logger.warning("could not cache the second-opinion model in %s", cache.parent)
    return made(model, whose, questions)
