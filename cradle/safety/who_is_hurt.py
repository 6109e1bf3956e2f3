"""Who is hurt, in a message read as domestic abuse: the writer, or someone else?

The whose model reads who is named, not who is hurt: it took "my partner hits me when he's
drunk" as someone else's (docs/safety.md, thirty-second session), so it never chooses the reply
for abuse told by a friend. This reads one grammar instead, from content/safety/who_is_hurt.yml:
someone else's partner named ("my sister's boyfriend", "her husband"), and nothing said of it
being done to the writer ("me", "us").

Right after crisis help for someone else it also reads who does the hurting (`hurting`):
"it's him. I think he's hurting her" is someone else's doing, "he won't stop screaming and I
feel like I'll hurt him" the writer's own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cradle.yamlio import ContentError, load_yaml

# Lists of phrases, then lists of single words.
_PHRASE_LISTS = ("partner_words", "baby_words")
_WORD_LISTS = (
    "possessives",
    "people",
    "writer_hurt",
    "hurting_words",
    "writer_subjects",
    "other_subjects",
)
# A partner word right after the possessive, or one word on ("her new boyfriend", "my sister's
# ex husband", "my sisters' boyfriend" with its apostrophe read as a word).
_MOST_WORDS_BETWEEN = 1
# How far before a hurting word its doer is looked for ("he keeps saying he'll hurt her",
# "her boyfriend was really rough with the baby"): further back, another clause's person.
_DOER_WITHIN = 5


@dataclass(frozen=True)
class WhoIsHurt:
    partner_words: frozenset[tuple[str, ...]]
    baby_words: frozenset[tuple[str, ...]]
    possessives: frozenset[str]
    people: frozenset[str]
    writer_hurt: frozenset[str]
    hurting_words: frozenset[str]
    writer_subjects: frozenset[str]
    other_subjects: frozenset[str]
    normalise: Callable[[str], str]

    @classmethod
    def from_file(cls, path: Path, normalise: Callable[[str], str]) -> WhoIsHurt:
        data = load_yaml(path)
        lists = {}
        for key in (*_PHRASE_LISTS, *_WORD_LISTS):
            words = data.get(key)
            if not isinstance(words, list) or not words:
                raise ContentError(path, f"{key}: a non-empty list of quoted words")
            if not all(isinstance(w, str) and w.strip() for w in words):
                raise ContentError(path, f'{key}: put every entry in quotes, e.g. "her"')
            lists[key] = [tuple(normalise(w).split()) for w in words]
        singles = {}
        for key in _WORD_LISTS:
            if any(len(w) != 1 for w in lists[key]):
                raise ContentError(path, f"{key}: one word per entry")
            singles[key] = frozenset(w[0] for w in lists[key])
        partners, babies = (frozenset(lists[key]) for key in _PHRASE_LISTS)
        return cls(partners, babies, **singles, normalise=normalise)

    def someone_elses_partner(self, text: str) -> bool:
        """Whether `text` names someone else's partner and says nothing of the writer being
        hurt: the abuse it tells of is someone else's."""
        words = self.normalise(text).split()
        if self.writer_hurt.intersection(words):
            return False
        for at, word in enumerate(words):
            if self._possessive(word) and any(
                self._partner_at(words, at + 1 + between)
                for between in range(_MOST_WORDS_BETWEEN + 1)
            ):
                return True
        return False

    def hurting(self, text: str) -> str | None:
        """Who does the hurting `text` tells of: "writer" when the writer may be the one doing
        it ("I feel like I'll hurt him"); when someone else does it and it is not done to the
        writer, who is hurt: "baby" (a baby or small child is named) or "adult"; None when no
        one is named doing it, or it is done to the writer ("he hits me")."""
        words = self.normalise(text).split()
        doers = [
            self._doer_before(words, at) for at, w in enumerate(words) if w in self.hurting_words
        ]
        # Any hurting the writer may do comes first ("he hit her and I could shake him"): the
        # costly mistake is a parent about to hurt the baby not told to put the baby down.
        if "writer" in doers:
            return "writer"
        if "other" not in doers or self.writer_hurt.intersection(words):
            return None
        return "baby" if self._has_phrase(words, self.baby_words) else "adult"

    def _doer_before(self, words: list[str], at: int) -> str | None:
        """The nearest person word before `words[at]`: "writer", "other" or None."""
        for word in reversed(words[max(0, at - _DOER_WITHIN) : at]):
            if word in self.writer_subjects:
                return "writer"
            if word in self.other_subjects or word in self.people or (word,) in self.partner_words:
                return "other"
        return None

    @staticmethod
    def _has_phrase(words: list[str], phrases: frozenset[tuple[str, ...]]) -> bool:
        return any(_phrase_at(words, at, phrases) for at in range(len(words)))

    def _possessive(self, word: str) -> bool:
        # "her", "sarah's" (anyone's, with an apostrophe), "sisters" (a listed person's, without)
        return (
            word in self.possessives
            or word.endswith("'s")
            or (word.endswith("s") and word[:-1] in self.people)
        )

    def _partner_at(self, words: list[str], at: int) -> bool:
        return _phrase_at(words, at, self.partner_words)


def _phrase_at(words: list[str], at: int, phrases: frozenset[tuple[str, ...]]) -> bool:
    """Whether one of `phrases` (each a tuple of words) starts at `words[at]`."""
    return any(tuple(words[at : at + len(p)]) == p for p in phrases)
