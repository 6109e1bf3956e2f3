"""Which of the services just listed a parent's words name ("the talking therapies one - how do
I contact them?", "what about pandas"): a question about one card, answered with that card, not
the whole list again (the tenth user test: five such questions got the same list)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")

_BRACKETS = re.compile(r"\([^)]*\)")
_WORDS = re.compile(r"[a-z0-9+]+")
# Words that say what kind of thing a service is or where, not which one: "NHS Talking
# Therapies (Coventry and Warwickshire)" is named by "talking therapies".
_GENERIC = frozenset(
    "nhs warwickshire coventry national in the a an of for and app helpline line infoline "
    "foundation service services uk".split()
)
# Own words that are everyday ones name a service only with another word beside them:
# "wellbeing" alone is not "Wellbeing for Warwickshire", nor "domestic abuse" the county's
# domestic abuse service, nor "i can relate" Relate, nor "calm" the CALM helpline.
_EVERYDAY = frozenset(
    "wellbeing support health family families parents parent mums mum dads dad men mind calm "
    "home start talk help hub hubs group groups domestic abuse advice parenting counselling "
    "mental team relate shout respect cope cry babies you can".split()
)


def _plain(text: str) -> str:
    # "Men's" and "mens" are the same word typed two ways.
    return " ".join(_WORDS.findall(text.lower().replace("'", "").replace("’", "")))


def _name_words(name: str) -> list[str]:
    """A service's name as plain words, without the part in brackets."""
    return _plain(_BRACKETS.sub(" ", name)).split()


def _own_words(words: list[str]) -> list[str]:
    """The words of a name that say which service, not what kind or where."""
    return [w for w in words if w not in _GENERIC]


def name_phrases(name: str) -> tuple[str, ...]:
    """The phrases that name a service, longest first: its name without the part in brackets
    (a one-word name only if it is not an everyday word: not "relate"), and its own words
    without the generic ones when one of them is not an everyday word ("talking therapies",
    "pandas"; not "wellbeing" or "domestic abuse")."""
    words = _name_words(name)
    own = _own_words(words)
    phrases = set()
    if len(words) >= 2 or _names_something(words):  # the name said in full
        phrases.add(" ".join(words))
    if own and _names_something(own):
        phrases.add(" ".join(own))
    return tuple(sorted(phrases, key=len, reverse=True))


def _names_something(words: list[str]) -> bool:
    if len(words) == 1:
        return words[0] not in _EVERYDAY and len(words[0]) >= 5
    return any(w not in _EVERYDAY and w not in _GENERIC for w in words)


# Words beside an everyday one-word name that show it is asked about as a service: "does relate
# cost money?" (the fifteenth user test), "what about calm", "is shout free", "is calm open".
_ASKED_AFTER = frozenset("does about call called ring rang contact text".split())
_ASKED_BEFORE = frozenset(
    "cost costs charge charges free open closed number website phone price".split()
)


# A practical question about a service (README, "A practical question about a service listed
# a few turns earlier"): "ok. last thing is relate free or not".
_PRACTICAL = _ASKED_BEFORE | frozenset(
    "costing charged pay paying afford prices opening hours contact refer referral".split()
    # "can i be referred to...", "do i ring them myself?", "could i get seen by them" (README,
    # fifty-eighth session).
    + "referred ring seen".split()
)


# What a service costs (README, "Is it free?", fifty-third session): "is it free", "do i have to
# pay", "how much is it".
_COST = frozenset("cost costs costing charge charges charged free price prices pay paying".split())


def asks_cost(text: str) -> bool:
    """Does the message ask what a service costs?"""
    said = _plain(text)
    return bool(_COST.intersection(said.split())) or " how much " in f" {said} "


# When a service is open (README, "Are any of them open now?", fifty-seventh session): "are any
# of them open now", "which ones are closed on sundays", "their hours". Not "open up to them"
# nor "open to dads" (who a service is for).
_OPENING = frozenset("open opening opens closed closes shut hours".split())
_NOT_OPENING_AFTER = frozenset("up to".split())
# Words that speak of the list as a whole, for the opening answer: "are any open now", "which
# ones are open tonight".
_THE_LIST = frozenset(
    "they them their theirs theyre these those any anyone anything which ones it".split()
)


def asks_open(text: str) -> bool:
    """Does the message ask when a service is open?"""
    words = _plain(text).split()
    return any(
        w in _OPENING
        and not (
            w.startswith("open") and words[i + 1 : i + 2] and words[i + 1] in _NOT_OPENING_AFTER
        )
        for i, w in enumerate(words)
    )


# How long the wait is (README, fifty-seventh session): "is there a waiting list", "how long is
# the wait tho"; not "can't wait to see her".
_WAIT = re.compile(r"\bwaiting (?:list|lists|time|times)\b|\bhow long\b.*\bwait", re.IGNORECASE)


def asks_wait(text: str) -> bool:
    """Does the message ask how long the wait for a service is?"""
    return bool(_WAIT.search(_plain(text)))


# Who a service is for (README, "Is CALM ok for dads?", fifty-eighth session): "is calm ok for
# dads", "can dads use the wellbeing hubs"; not "just for mums" or "only for dads", which ask
# whether others are left out.
DADS, MUMS = "dads-and-partners", "mums"
_WHO = {
    **dict.fromkeys("dad dads men man father fathers partner partners blokes".split(), DADS),
    **dict.fromkeys("mum mums mom moms mam mams mother mothers women woman".split(), MUMS),
}
_WHO_FOR = re.compile(
    r"(?<!\bjust )(?<!\bonly )\bfor (?:a |the )?(?P<for>[a-z]+)\b"
    r"|\b(?:can|could|do|does|will) (?:a |the )?(?P<who>[a-z]+) (?:use|go|ring|call|text|join)\b"
)


def asks_who_for(text: str) -> str | None:
    """The audience ("dads-and-partners" or "mums") a message asks whether a service is for,
    if it asks that."""
    return _who_for(_plain(text))


def _who_for(said: str) -> str | None:
    for found in _WHO_FOR.finditer(said):
        if (who := _WHO.get(found.group("for") or found.group("who"))) is not None:
            return who
    return None


def speaks_of_the_list(text: str) -> bool:
    """Does the message speak of the services listed as a whole ("any of them", "which ones")?"""
    return bool(_THE_LIST.intersection(_plain(text).split()))


def asks_practical(text: str) -> bool:
    """Does the message ask what a service costs, when it is open or how to reach it?"""
    return bool(_PRACTICAL.intersection(_plain(text).split()))


def named_in(text: str, services: Sequence[tuple[str, T]]) -> T | None:
    """The service (given as name and item) whose name the text says; None when it names none,
    or more than one ("is pandas better than talking therapies": the list answers that)."""
    named = _named(text, services)
    return named[0] if len(named) == 1 else None


def names_none(text: str, services: Sequence[tuple[str, T]]) -> bool:
    """Does the text name none of these services?"""
    return not _named(text, services)


def _named(text: str, services: Sequence[tuple[str, T]]) -> list[T]:
    """The items named, each once: a service given under each of its names ("perinatal mental
    health team", "perinatal team") is named once if the text says both."""
    said = f" {_plain(text)} "
    named = [
        item
        for name, item in services
        if any(f" {p} " in said for p in name_phrases(name)) or _asked_about(name, said)
    ]
    return list({id(item): item for item in named}.values())


# A phone number as typed: five digits or more, with spaces, dashes or dots between them if any
# ("0808 2000 247", "08082000247", "116-123"); fewer is an age, a time, 999 or 111, which are
# named by words (README, "a phone number in a question about a service", sixtieth session).
_NUMBER = re.compile(r"(?<![\d+])\+?\d(?:[ .-]?\d){4,}(?!\d)")


def digits(number: str) -> str:
    """A phone number's digits alone, as the UK dials it ("+44 808 2000 247" -> "08082000247")."""
    only = "".join(ch for ch in number if ch.isdigit())
    return f"0{only[2:]}" if number.lstrip().startswith("+44") else only


def numbered_in(text: str, numbers: Sequence[tuple[str, T]]) -> T | None:
    """The item (given as phone number and item) whose number the text says, by its digits;
    None when it says none, or the numbers of more than one."""
    said = set(numbers_in(text))
    named = {id(item): item for number, item in numbers if digits(number) in said}
    return next(iter(named.values())) if len(named) == 1 else None


def numbers_in(text: str) -> list[str]:
    """The phone numbers a text says, as digits (`digits`), for a search by number."""
    return [digits(m.group()) for m in _NUMBER.finditer(text)]


# Between a name and its practical word: "if calm is free", not "wellbeing hubs open late".
_LINKS = frozenset("is s are still even actually really".split())


def _practical_next(after: list[str]) -> bool:
    """A practical word right after a name, or after one linking word ("calm opening hours",
    "calm is free")."""
    if after[:1] and after[0] in _PRACTICAL:
        return True
    return len(after) > 1 and after[0] in _LINKS and after[1] in _PRACTICAL


def name_search_words(text: str) -> list[str]:
    """The words of a message that could be part of a service's own name: not the generic ones
    ("helpline", "nhs"), nor one or two letters."""
    return [w for w in _plain(text).split() if w not in _GENERIC and len(w) > 2]


_ASKED_NAME = re.compile(
    r"^\W*(?:(?:so|ok|okay|and|cheers|thanks)\W+)?(?:what|who)(?:\s+is|\s+are|'s|’s|s)?\s+"
    r"(?:a\s+|an\s+|the\s+)?(?P<name>[^?.!,]{1,60}?)\W*$",
    re.IGNORECASE,
)


def asked_name(text: str) -> str | None:
    """What a "what is ...?" question asks about ("whats calm?" -> "calm"), if it is one."""
    found = _ASKED_NAME.match(text) if len(text) < 100 else None
    return found.group("name") if found else None


def is_own_name(term: str, name: str) -> bool:
    """Is `term`, asked about as a word ("what is calm"), a service's own name: its name in
    full, or its own words ("calm" for "CALM helpline", "home start" for "Home-Start
    Warwickshire"); never a generic word or part of the own words ("support")."""
    said = _plain(term)
    own = " ".join(_own_words(_name_words(name)))
    return bool(said) and (said == own or said == " ".join(_name_words(name)))


def _asked_about(name: str, said: str) -> bool:
    """An everyday word that is a service's only own word ("relate", "calm", "shout"), asked
    about as a service: "does relate...", "relate cost...", "something called calm", a
    practical word one or two words on ("calm opening hours", "if calm is free": README,
    fifty-sixth session), never "i can relate", "stay calm, is it free" or "wellbeing hubs
    open"."""
    own = _own_words(_name_words(name))
    if len(own) != 1 or own[0] not in _EVERYDAY:
        return False
    words = said.split()
    return any(
        word == own[0]
        and (
            (i > 0 and words[i - 1] in _ASKED_AFTER)
            or (i + 1 < len(words) and words[i + 1] in _ASKED_BEFORE)
            or _practical_next(words[i + 1 : i + 3])
            # "is calm ok for dads", "can dads use relate" (README, "Is CALM ok for dads?"), not
            # "stay calm for the kids".
            or _who_for(" ".join(words[i + 1 : i + 4])) is not None
            or _who_for(" ".join(words[max(0, i - 3) : i])) is not None
        )
        for i, word in enumerate(words)
    )
