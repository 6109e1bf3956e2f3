"""The glossary: professional terms, the words parents use, and a one-sentence explanation."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cradle.paths import content_dir
from cradle.yamlio import ContentError, load_yaml

# An explanation right after the term ("perinatal: ...", "the team, a team that ...") or a
# naming phrase right before it ("this is called attachment").
_AFTER = re.compile(r"^\W{0,3}\s*(?:[:(\-\u2013,]|means\b|is when\b|is a\b|are\b)")
_BEFORE = re.compile(r"(?:called|call this|call it|known as)\W*$", re.I)


@dataclass(frozen=True)
class Entry:
    term: str
    aliases: tuple[str, ...]
    parent_words: str
    explanation: str
    familiar: bool = False

    @property
    def names(self) -> tuple[str, ...]:
        return (self.term, *self.aliases)


@dataclass(frozen=True)
class Use:
    entry: Entry
    start: int
    explained: bool


@dataclass(frozen=True)
class Glossary:
    entries: tuple[Entry, ...]

    def lookup(self, text: object) -> Entry | None:
        """The entry for a term or alias typed by a parent ("PND", "what is camhs")."""
        return self._longest_in(text)

    def lookup_holding(self, word: object, text: object) -> Entry | None:
        """The entry for the longest term or alias in `text` that holds `word` ("perinatal
        team" in "what even is the perinatal team", for the word "perinatal"), or None. A longer
        name that does not hold the word is never taken for it."""
        if not isinstance(word, str) or not word.strip():
            return None
        return self._longest_in(text, holding=word.lower().strip())

    def _longest_in(self, text: object, holding: str = "") -> Entry | None:
        if not isinstance(text, str) or len(text) > 200:
            return None
        lowered = text.lower()
        for name, entry in self._names_longest_first():
            name = name.lower()
            if holding in name and re.search(rf"\b{re.escape(name)}\b", lowered):
                return entry
        return None

    def _names_longest_first(self) -> list[tuple[str, Entry]]:
        pairs = [(name, entry) for entry in self.entries for name in entry.names]
        return sorted(pairs, key=lambda pair: -len(pair[0]))

    def uses(self, paragraph: str) -> Iterator[Use]:
        """Each term used in a paragraph (longest names win), and whether it is explained there."""
        taken: list[range] = []
        lowered = paragraph.lower()
        for name, entry in self._names_longest_first():
            for match in re.finditer(rf"\b{re.escape(name.lower())}\b", lowered):
                span = range(match.start(), match.end())
                if any(set(span) & set(t) for t in taken):
                    continue
                taken.append(span)
                explained = bool(
                    _AFTER.match(paragraph[match.end() :])
                    or _BEFORE.search(paragraph[: match.start()])
                    or entry.parent_words.lower() in lowered
                )
                yield Use(entry, match.start(), explained)

    def lookup_words(self) -> list[str]:
        return sorted({name.lower() for entry in self.entries for name in entry.names})


def load_glossary(path: Path) -> Glossary:
    data = load_yaml(path)
    entries = []
    for raw in data.get("terms") or []:
        if not isinstance(raw, dict) or not all(
            raw.get(k) for k in ("term", "parent_words", "explanation")
        ):
            raise ContentError(path, f"each term needs term, parent_words and explanation: {raw!r}")
        entries.append(
            Entry(
                term=str(raw["term"]),
                aliases=tuple(str(a) for a in raw.get("aliases") or []),
                parent_words=str(raw["parent_words"]),
                explanation=" ".join(str(raw["explanation"]).split()),
                familiar=bool(raw.get("familiar", False)),
            )
        )
    if not entries:
        raise ContentError(path, "the glossary has no terms")
    return Glossary(tuple(entries))


@lru_cache(maxsize=4)
def _glossary_for(path: str) -> Glossary:
    return load_glossary(Path(path))


def get_glossary(path: Path | None = None) -> Glossary:
    return _glossary_for(str(path or content_dir() / "glossary.yml"))
