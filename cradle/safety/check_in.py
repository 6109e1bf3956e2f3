"""Answers to Cradle's safety questions that mean "not safe" (content/safety/check_in.yml).

After "Are you safe right now?", a bare "no" or "I don't know" is a crisis answer. The NLU
would read it as `deny` and answer politely, so the channels ask this module first, using the
question the bot asked last (from the tracker). A few whole answers say the opposite in words
that start with "no" ("no I'm not in danger"): those are listed as safe answers, each with the
button it means. Right after crisis help, a few whole answers say the danger has passed ("help
has come", "I feel calmer"): those are `passed_answers`, sent on as the `safe_now` intent.
A safe answer may also come with a few words before it and its reason after it (`corrections`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import product
from pathlib import Path

from cradle.yamlio import ContentError, load_yaml

_NOT_WORD = re.compile(r"[^\w\s']+")
# Where a message's parts end: a statement of safety is one part, whole.
_PARTS = re.compile(r"[,.!?;\n]+")
# "Are you safe right now?": its safe answers are the ones that state the writer's own safety.
OWN_SAFETY_QUESTION = "utter_safety_check_in"


class CheckInAnswers:
    """For each safety question (a response name), the whole answers that mean "not safe"."""

    def __init__(
        self,
        answers: dict[str, frozenset[str]],
        normalise: Callable[[str], str],
        safe: dict[str, tuple[str, frozenset[str]]] | None = None,
        passed: frozenset[str] = frozenset(),
        corrections: Corrections | None = None,
    ):
        self._answers = answers
        self._normalise = normalise
        self._safe = safe or {}
        self._passed = passed
        self._corrections = corrections or Corrections((), ())
        # Longest first, so that "no i'm safe now" is taken whole before "no i'm safe".
        self._safe_longest_first = {
            question: sorted(answers, key=len, reverse=True)
            for question, (_, answers) in self._safe.items()
        }
        self.questions = frozenset(answers)
        self._any = frozenset().union(
            *answers.values(), *(a for _, a in self._safe.values()), passed
        )

    @classmethod
    def from_file(cls, path: Path, normalise: Callable[[str], str]) -> CheckInAnswers:
        data = load_yaml(path)
        raw = data.get("questions")
        if not isinstance(raw, dict) or not raw:
            raise ContentError(path, "expected 'questions': a response name -> list of answers")
        answers = {}
        for question, phrases in raw.items():
            if not isinstance(phrases, list) or not phrases:
                raise ContentError(path, f"{question}: expected a non-empty list of answers")
            if not all(isinstance(p, str) for p in phrases):
                # YAML reads a bare yes/no as true/false: the answer would silently never match.
                raise ContentError(path, f'{question}: put every answer in quotes, e.g. "no"')
            answers[str(question)] = frozenset(_plain(normalise(str(p))) for p in phrases)
        safe = _safe_answers(path, data, answers, normalise)
        passed = _passed_answers(path, data, answers, normalise)
        return cls(answers, normalise, safe, passed, _corrections(path, data, normalise))

    def could_be_answer(self, text: str) -> bool:
        """Is this an answer to any safety question? Only then is the tracker read."""
        return len(text) < 200 and _plain(self._normalise(text)) in self._any

    def safe_answer(self, question: str | None, text: str) -> str | None:
        """The button a listed safe answer to `question` means ("/affirm" for "no I'm not in
        danger" after "Are you safe right now?"), or None."""
        if question not in self._safe:
            return None
        payload, answers = self._safe[question]
        return payload if _plain(self._normalise(text)) in answers else None

    def correction(self, question: str | None, text: str) -> tuple[str, str] | None:
        """A listed safe answer to `question` with listed words before it and a reason after it
        ("wtf im not in danger i just meant im a single mum"): the button it means and the
        reason ("" when there is none), for the caller to have the safety net read. Or None."""
        if question not in self._safe or len(text) >= 1000:
            return None
        payload = self._safe[question][0]
        said = self._corrections.without_before(_plain(self._normalise(text)))
        for answer in self._safe_longest_first[question]:
            if said == answer:
                return payload, ""
            reason = said.removeprefix(answer + " ")
            if reason != said and self._corrections.gives_reason(reason):
                return payload, reason
        return None

    def states_safe(self, text: str) -> str | None:
        """A part of `text` (between , . ! ? ; or a new line) that is, after listed opening words,
        a listed whole safe answer to "Are you safe right now?" ("woah no im not gonna do
        anything, im safe. i just meant..."): the message's other parts, joined, for the caller
        to have the safety net read ("" when there are none). Or None."""
        if OWN_SAFETY_QUESTION not in self._safe or len(text) >= 1000:
            return None
        answers = self._safe[OWN_SAFETY_QUESTION][1]
        parts = [_plain(part) for part in _PARTS.split(self._normalise(text))]
        parts = [part for part in parts if part]
        for i, part in enumerate(parts):
            if self._corrections.without_before(part) in answers:
                return " . ".join(parts[:i] + parts[i + 1 :])
        return None

    def says_misread(self, text: str) -> bool:
        """Does `text` say Cradle misread it ("i just meant the wine", "you got it wrong"), in the
        listed words, anywhere in it? Only the words: the caller has the safety net read it."""
        return self._holds_listed(self._corrections.misread, text)

    def says_abuse_misread(self, text: str) -> bool:
        """Does `text` say no one is abusing the writer ("what? no one is abusing me"), in the
        listed words, anywhere in it? Only the words: the caller has the safety net read it."""
        return self._holds_listed(self._corrections.abuse_misread, text)

    def says_harm_misread(self, text: str) -> bool:
        """Does `text` deny hurting anyone ("no im not going to hurt anyone"), in the listed
        words, with no word of harm (`temper_veto`) left once they are taken out? Only the
        words: the caller has the safety net read it."""
        if not self._holds_listed(self._corrections.harm_misread, text):
            return False
        return not self._harm_left(text, self._corrections.harm_misread)

    def says_not_me(self, text: str) -> bool:
        """Does `text` say the crisis is not the writer's own ("it's not me, it's my friend"), in
        the listed words, anywhere in it? Only the words: the caller has the safety net read it."""
        return self._holds_listed(self._corrections.not_me, text)

    def asks_how_to_help(self, text: str) -> bool:
        """Does `text` ask how to help someone else ("what do i say to her"), in the listed
        words, anywhere in it? Only the words: the caller has the safety net read it."""
        return self._holds_listed(self._corrections.helper_asks, text)

    def names_psychosis(self, text: str) -> bool:
        """Does `text` name postpartum psychosis ("whats postpartum psychosis?"), in the listed
        words, anywhere in it? Only the words: the caller has the safety net read it."""
        return self._holds_listed(self._corrections.psychosis_names, text)

    def asks_to_stay(self, text: str) -> bool:
        """Does `text` ask Cradle to stay or keep talking ("can you stay with me"), in the listed
        words, anywhere in it? Only the words: the caller has the safety net read it."""
        return self._holds_listed(self._corrections.stay_asks, text)

    def asks_if_call_seen(self, text: str) -> bool:
        """Does `text` ask whether a call for help can be seen ("will he see it in my call
        log?"), in the listed words, anywhere in it? Only the words: the caller has the safety
        net read it."""
        return self._holds_listed(self._corrections.call_seen_asks, text)

    def asks_if_it_counts(self, text: str) -> bool:
        """Does `text` ask whether what is happening "counts" ("does that count?", "am i
        overreacting"), in the listed words, anywhere in it? Only the words: the caller knows
        the conversation and has the safety net read it."""
        return self._holds_listed(self._corrections.counts_asks, text)

    def speaks_of_temper(self, text: str) -> bool:
        """Does `text` speak of the writer's own temper or of wanting to stop ("i just snap",
        "how do i stop"), in the listed words, anywhere in it, and of no harm (`temper_veto`)?
        Only the words: the caller knows the conversation and has the safety net read it."""
        if not self._holds_listed(self._corrections.temper_asks, text):
            return False
        # Any harm keeps the crisis help, whatever else is said; "never hurt him" is not harm.
        return not self._harm_left(text, self._corrections.child_fine)

    def _harm_left(self, text: str, taken_out: tuple[str, ...]) -> bool:
        """Whether a word of harm (`temper_veto`) is left in `text` once the listed words that
        deny or rule out harm (`taken_out`: "never hurt him") are taken out."""
        said = _plain(self._normalise(text))
        for words in taken_out:
            said = f" {said} ".replace(f" {words} ", " ").strip()
        return self._holds_listed(self._corrections.temper_veto, said)

    def asks_whether_999(self, text: str) -> bool:
        """Does `text` ask whether to call 999, an ambulance or the police, or whether it is an
        emergency ("should i be ringing 999"), in the listed words, anywhere in it, and not why
        Cradle keeps saying 999? Only the words: the caller has the safety net read it."""
        return self._holds_listed(self._corrections.asks_999, text) and not self._holds_listed(
            self._corrections.asks_999_veto, text
        )

    def asks_if_thoughts_come_back(self, text: str) -> bool:
        """Does `text` ask what to do if the thoughts come back ("what if the thoughts come back
        later tonight"), in the listed words, anywhere in it, and not of thoughts about the baby?
        Only the words: the caller knows whose crisis help came before."""
        return self._holds_listed(self._corrections.asks_if_back, text) and not self._holds_listed(
            self._corrections.asks_if_back_veto, text
        )

    def speaks_of_baby_fever(self, text: str) -> bool:
        """Does `text` speak of a baby's temperature or fever ("my 7 week old feels really hot"),
        in the listed words, anywhere in it, and not of a room, a bath or the writer's own?
        Only the words: the caller has the safety net read it."""
        c = self._corrections
        return (
            self._holds_listed(c.baby_fever, text)
            and self._holds_listed(c.baby_fever_whose, text)
            and not self._holds_listed(c.baby_fever_veto, text)
        )

    def asks_about_services(self, text: str) -> bool:
        """Does `text` ask how to reach a service ("are any of them open now?", "do they cost
        anything"), in the listed words, anywhere in it? Only the words: the caller knows a
        service list came just before."""
        return self._holds_listed(self._corrections.asks_about_services, text)

    def asks_if_for_me(self, text: str) -> bool:
        """Does `text` ask whether help is meant for someone like the writer ("is the dads and
        partners stuff meant for me?"), in the listed words, anywhere in it? Only the words: the
        caller decides what the net's reading allows."""
        return self._holds_listed(self._corrections.asks_if_for_me, text)

    def says_child_fine(self, text: str) -> bool:
        """Does `text` say the child is safe or asleep, or that the writer would never hurt them
        ("hes asleep, hes fine"), in the listed words, anywhere in it? Only the words: the
        caller has the safety net read it."""
        return self._holds_listed(self._corrections.child_fine, text)

    def says_not_leaving(self, text: str) -> bool:
        """Does `text` say the writer is not leaving the person hurting her, or not ready to
        ("im not ready to leave him"), in the listed words, anywhere in it, and nothing making it
        about life ("not ready to leave this world")? Only the words: the caller has the safety
        net read it."""
        return self._holds_listed(self._corrections.not_leaving, text) and not self._holds_listed(
            self._corrections.not_leaving_veto, text
        )

    def says_calling(self, text: str) -> bool:
        """Does `text` say the writer is on the line to help ("its ringing", "on hold"), in the
        listed words, anywhere in it, and nothing saying the call did not happen or work? Only
        the words: the caller has the safety net read it."""
        return self._holds_listed(self._corrections.calling, text) and not self._not_calling(text)

    def says_help_coming(self, text: str) -> bool:
        """Does `text` say help is on its way, or ask whether to wait for it ("they're sending
        someone", "is it ok to wait"), in the listed words, anywhere in it, and nothing saying
        the call did not happen or work? Only the words: the caller has the safety net read it."""
        return self._holds_listed(self._corrections.help_coming, text) and not self._not_calling(
            text
        )

    def _not_calling(self, text: str) -> bool:
        # "I called 111 but nobody answered", "i'll ring them in the morning": whatever else the
        # message says, the call has not happened or did not work, so it is never told "You've
        # done the right thing by calling" and the crisis help goes on.
        return self._holds_listed(self._corrections.not_calling, text)

    def _holds_listed(self, phrases: tuple[str, ...], text: str) -> bool:
        return len(text) < 1000 and _holds_any(_plain(self._normalise(text)), phrases)

    def says_danger_passed(self, text: str) -> bool:
        """Is `text` one of the whole answers that say help has come or the feeling has passed?
        Only meant right after crisis help (the caller knows the conversation)."""
        return _plain(self._normalise(text)) in self._passed

    def button_typed(self, text: str, buttons: Iterable[tuple[str, str]]) -> str | None:
        """The payload of the button in `buttons` (title, payload) whose title `text` is, typed
        out whole ("im safe for now" for "I'm safe for now"), or None. Links (tel:, https:) are
        not replies, so their titles are never matched."""
        if len(text) >= 200:
            return None
        typed = _plain(self._normalise(text))
        for title, payload in buttons:
            if payload.startswith("/") and typed == _plain(self._normalise(title)):
                return payload
        return None

    def is_not_safe(self, question: str | None, text: str) -> bool:
        """True when `text`, sent right after `question`, means the person is not safe."""
        if question not in self._answers:
            return False
        return _plain(self._normalise(text)) in self._answers[question]


def _safe_answers(
    path: Path, data: dict, not_safe: dict[str, frozenset[str]], normalise: Callable[[str], str]
) -> dict[str, tuple[str, frozenset[str]]]:
    """`safe_answers` per question, checked against that question's not-safe answers."""
    raw = data.get("safe_answers") or {}
    if not isinstance(raw, dict):
        raise ContentError(path, "safe_answers: expected a question -> payload and answers")
    safe = {}
    for question, entry in raw.items():
        if question not in not_safe:
            raise ContentError(path, f"safe_answers: {question!r} is not one of the questions")
        payload, phrases = (entry or {}).get("payload"), (entry or {}).get("answers")
        if payload not in ("/affirm", "/deny"):
            raise ContentError(path, f"safe_answers.{question}.payload must be /affirm or /deny")
        if not isinstance(phrases, list) or not all(isinstance(p, str) for p in phrases):
            raise ContentError(path, f"safe_answers.{question}.answers: a list of quoted answers")
        plain = frozenset(_plain(normalise(p)) for p in phrases)
        if clash := plain & not_safe[question]:
            raise ContentError(path, f"{sorted(clash)[0]!r} is both a safe and a not-safe answer")
        safe[str(question)] = (str(payload), plain)
    return safe


@dataclass(frozen=True)
class Corrections:
    """`corrections`: the words that may come before a safe answer, and how a reason starts."""

    before: tuple[str, ...]  # longest first, so that "oh no" is taken whole before "oh"
    reasons: tuple[str, ...]
    misread: tuple[str, ...] = ()  # "i just meant", "you got it wrong": anywhere in a message
    abuse_misread: tuple[str, ...] = ()  # "no one is abusing me": anywhere in a message
    not_me: tuple[str, ...] = ()  # "it's not me", "asking for a friend": anywhere in a message
    helper_asks: tuple[str, ...] = ()  # "how do i help", "what do i say": anywhere in a message
    psychosis_names: tuple[str, ...] = ()  # "psychosis", "puerperal psychosis": anywhere
    stay_asks: tuple[str, ...] = ()  # "stay with me", "are you still there": anywhere in a message
    calling: tuple[str, ...] = ()  # "it's ringing", "on hold": anywhere in a message
    help_coming: tuple[str, ...] = ()  # "they're sending someone": anywhere in a message
    not_calling: tuple[str, ...] = ()  # "no answer", "in the morning": vetoes the two above
    call_seen_asks: tuple[str, ...] = ()  # "call log", "see that i rang": anywhere in a message
    not_leaving: tuple[str, ...] = ()  # "not ready to leave", "can't leave him": anywhere
    not_leaving_veto: tuple[str, ...] = ()  # "this world", "alive": vetoes the one above
    counts_asks: tuple[str, ...] = ()  # "does that count", "am i overreacting": anywhere
    temper_asks: tuple[str, ...] = ()  # "losing my temper", "how do i stop": anywhere
    child_fine: tuple[str, ...] = ()  # "he's asleep", "i'd never hurt him": anywhere
    temper_veto: tuple[str, ...] = ()  # "hurt", "shook": vetoes `temper_asks`
    asks_999: tuple[str, ...] = ()  # "should i ring 999", "is this an emergency": anywhere
    asks_999_veto: tuple[str, ...] = ()  # "why", "keep saying": vetoes `asks_999`
    asks_if_back: tuple[str, ...] = ()  # "what if the thoughts come back": anywhere
    asks_if_back_veto: tuple[str, ...] = ()  # "baby", "hurt him": vetoes `asks_if_back`
    baby_fever: tuple[str, ...] = ()  # "temperature", "feels hot": anywhere
    baby_fever_whose: tuple[str, ...] = ()  # "baby", "week old", "he": anywhere
    baby_fever_veto: tuple[str, ...] = ()  # "room", "bath", "my temperature": vetoes the two
    asks_about_services: tuple[str, ...] = ()  # "open", "cost", "walk in": anywhere
    asks_if_for_me: tuple[str, ...] = ()  # "meant for me", "just for dads": anywhere
    harm_misread: tuple[str, ...] = ()  # "not going to hurt anyone": anywhere

    def without_before(self, said: str) -> str:
        for _ in range(2):  # "oh no sorry": at most two
            for words in self.before:
                if said.startswith(words + " "):
                    said = said.removeprefix(words + " ")
                    break
        return said

    def gives_reason(self, said: str) -> bool:
        return any(said == r or said.startswith(r + " ") for r in self.reasons)


_CORRECTION_LISTS = (
    "before",
    "reasons",
    "misread",
    "not_me",
    "helper_asks",
    "stay_asks",
    "calling",
    "help_coming",
    "not_calling",
    "call_seen_asks",
    "not_leaving",
    "not_leaving_veto",
    "counts_asks",
    "temper_asks",
    "child_fine",
    "temper_veto",
    "asks_999",
    "asks_999_veto",
    "asks_if_back",
    "asks_if_back_veto",
    "baby_fever",
    "baby_fever_whose",
    "baby_fever_veto",
    "asks_about_services",
    "abuse_misread",
    "psychosis_names",
    "asks_if_for_me",
    "harm_misread",
)


def _holds_any(said: str, phrases: tuple[str, ...]) -> bool:
    padded = f" {said} "
    return any(f" {words} " in padded for words in phrases)


def _corrections(path: Path, data: dict, normalise: Callable[[str], str]) -> Corrections:
    raw = data.get("corrections") or {}
    if not isinstance(raw, dict):
        raise ContentError(
            path, f"corrections: expected lists {', '.join(map(repr, _CORRECTION_LISTS))}"
        )
    lists = {}
    for key in _CORRECTION_LISTS:
        phrases = _quoted_list(path, f"corrections.{key}", raw.get(key) or [])
        if key == "not_me":
            phrases = [*phrases, *_roles(path, raw.get("not_me_roles") or {})]
        if key == "asks_999":
            phrases = [*phrases, *_ways_of_calling(path, raw)]
        if key == "asks_if_back":
            phrases = [*phrases, *_joined(path, raw, "asks_if_back_what", "asks_if_back_how")]
        plain = {_plain(normalise(p)) for p in phrases}
        lists[key] = tuple(sorted(plain, key=len, reverse=True))
    return Corrections(**lists)


def _quoted_list(path: Path, where: str, phrases: object) -> list[str]:
    if not isinstance(phrases, list) or not all(isinstance(p, str) and p.strip() for p in phrases):
        raise ContentError(path, f"{where}: a list of quoted words")
    return phrases


def _roles(path: Path, raw: object) -> list[str]:
    """`not_me_roles`: the writer saying who they are ("i'm the nan"), each opening with each
    role."""
    if not isinstance(raw, dict) or set(raw) - {"openings", "roles"}:
        raise ContentError(path, "corrections.not_me_roles: expected 'openings' and 'roles' lists")
    openings = _quoted_list(path, "corrections.not_me_roles.openings", raw.get("openings") or [])
    roles = _quoted_list(path, "corrections.not_me_roles.roles", raw.get("roles") or [])
    return [f"{opening} {role}" for opening in openings for role in roles]


def _ways_of_calling(path: Path, raw: dict) -> list[str]:
    """`asks_999_openings` x `asks_999_calls` x `asks_999_whom` ("should i" "ring" "999"), and
    the same with `asks_999_openings_ing` and `asks_999_calls_ing` ("should i be" "ringing")."""
    return [
        *_joined(path, raw, "asks_999_openings", "asks_999_calls", "asks_999_whom"),
        *_joined(path, raw, "asks_999_openings_ing", "asks_999_calls_ing", "asks_999_whom"),
    ]


def _joined(path: Path, raw: dict, *keys: str) -> list[str]:
    """Each phrase of the first list joined to each of the next, in order."""
    parts = [_quoted_list(path, f"corrections.{key}", raw.get(key) or []) for key in keys]
    return [" ".join(words) for words in product(*parts)]


def _passed_answers(
    path: Path, data: dict, not_safe: dict[str, frozenset[str]], normalise: Callable[[str], str]
) -> frozenset[str]:
    """`passed_answers`: quoted whole answers, none of them a "not safe" answer too."""
    raw = data.get("passed_answers")
    if raw is None:
        return frozenset()
    if not isinstance(raw, list) or not all(isinstance(p, str) and p.strip() for p in raw):
        raise ContentError(path, "passed_answers: a list of quoted answers")
    plain = frozenset(_plain(normalise(p)) for p in raw)
    for question, answers in not_safe.items():
        if clash := plain & answers:
            first = sorted(clash)[0]
            raise ContentError(path, f"{first!r} is in passed_answers and not safe for {question}")
    return plain


def _plain(text: str) -> str:
    return " ".join(_NOT_WORD.sub(" ", text).split())


@lru_cache(maxsize=4)
def _answers_for(path: str) -> CheckInAnswers:
    from cradle.safety.lexicon import get_detector

    folder = Path(path)
    return CheckInAnswers.from_file(folder / "check_in.yml", get_detector(folder).normalise)


def get_check_in(path: Path | None = None) -> CheckInAnswers:
    """The shared check-in answers for a content folder, loaded once per process."""
    from cradle.paths import content_dir

    return _answers_for(str(path or content_dir() / "safety"))
