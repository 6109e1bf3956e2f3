"""Who is hurt, in a message read as domestic abuse: the writer, or someone else?

The whose model reads who is named, not who is hurt: it took "my partner hits me when he's
drunk" as someone else's (docs/safety.md, thirty-second session), so it never chooses the reply
for abuse told by a friend. This reads one grammar instead, from content/safety/who_is_hurt.yml:
someone else's partner named ("my sister's boyfriend", "her husband"), and nothing said of it
being done to the writer ("me", "us").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cradle.yamlio import ContentError, load_yaml

_LISTS = ("partner_words", "possessives", "people", "writer_hurt")
# A partner word right after the possessive, or one word on ("her new boyfriend", "my sister's
# ex husband", "my sisters' boyfriend" with its apostrophe read as a word).
_MOST_WORDS_BETWEEN = 1


@dataclass(frozen=True)
class WhoIsHurt:
    partner_words: frozenset[tuple[str, ...]]
    possessives: frozenset[str]
    people: frozenset[str]
    writer_hurt: frozenset[str]
    normalise: Callable[[str], str]

    @classmethod
    def from_file(cls, path: Path, normalise: Callable[[str], str]) -> WhoIsHurt:
        data = load_yaml(path)
        lists = {}
        for key in _LISTS:
            words = data.get(key)
            if not isinstance(words, list) or not words:
                raise ContentError(path, f"{key}: a non-empty list of quoted words")
            if not all(isinstance(w, str) and w.strip() for w in words):
                raise ContentError(path, f'{key}: put every entry in quotes, e.g. "her"')
            lists[key] = [tuple(normalise(w).split()) for w in words]
        singles = {}
        for key in _LISTS[1:]:
            if any(len(w) != 1 for w in lists[key]):
                raise ContentError(path, f"{key}: one word per entry")
            singles[key] = frozenset(w[0] for w in lists[key])
        return cls(frozenset(lists["partner_words"]), **singles, normalise=normalise)

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

    def _possessive(self, word: str) -> bool:
        # "her", "sarah's" (anyone's, with an apostrophe), "sisters" (a listed person's, without)
        return (
            word in self.possessives
            or word.endswith("'s")
            or (word.endswith("s") and word[:-1] in self.people)
        )

    def _partner_at(self, words: list[str], at: int) -> bool:
        return any(tuple(words[at : at + len(p)]) == p for p in self.partner_words)
