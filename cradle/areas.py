"""Resolve what a parent types ("Leamington", "CV21", "rugby") to a Warwickshire district id."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from cradle.paths import content_dir
from cradle.yamlio import ContentError, load_yaml

# The county itself is not one of its districts: "warwickshire" is one letter-run from "north
# warwickshire" and must never be guessed as it.
COUNTY_NAMES = frozenset({"warwickshire", "warks", "the county"})
# The wider areas every Warwickshire parent is in: not an area that serves a place outside.
_COUNTY_AND_UK = ("warwickshire", "national")
_POSTCODE = re.compile(r"^([a-z]{1,2}[0-9][0-9a-z]?)(\s*[0-9][a-z]{2})?$")
# Words around a place in a reply to "which town?" ("i live near nuneton"). Removed before a
# misspelling is guessed, so the guess is made on the place word alone, never on the sentence.
_FILLER = re.compile(
    r"\b(i(?:'?m)?|we(?:'?re)?|were|am|are|is|it'?s|its|live|living|based|from|in|near|at|"
    r"around|by|the|my|our|postcode|post|code|area|town|please|thanks|ta|just|so)(?![\w'])"
)


@dataclass(frozen=True)
class AreaMatch:
    """The outcome of resolving a place: a district id, or the reason there is none."""

    district: str | None
    name: str | None = None
    outside_note: str | None = None
    # The allowlisted word that matched (a district id, or a place outside the county), safe to
    # keep in a slot: resolving it again gives this same match.
    key: str | None = None
    # Outside the county: the wider area whose services reach this place too ("coventry": the
    # Coventry and Warwickshire NHS services), or None for national services only.
    served_by: str | None = None


@dataclass(frozen=True)
class Areas:
    """The shipped lookup table from content/areas.yml."""

    district_names: dict[str, str]
    wider_names: dict[str, str]
    places: dict[str, str]  # normalised town or postcode district -> district id
    outside: dict[str, str]  # normalised place outside the county -> note
    source: str
    # How a reply names a district whose name is not its biggest town's ("Warwick" is also
    # Leamington and Kenilworth: a Leamington mum was told of "no service just for Warwick").
    in_words: dict[str, str] = field(default_factory=dict)
    # Places outside the county that the NLU is not taught as areas (`nlu_lookup: false`):
    # read from the words by the actions only. Taught, Birmingham, Solihull and the neighbouring
    # towns cost one right answer on a frozen NLU part (README, "Places outside the county").
    untaught: frozenset[str] = frozenset()
    # Places outside the county that some services cover: place -> wider area id (`served_by`).
    served: dict[str, str] = field(default_factory=dict)

    def named(self, district: str) -> str:
        """The district as a sentence names it, with its main towns where its name hides them."""
        return self.in_words.get(district) or self.district_names[district]

    @property
    def served_areas(self) -> frozenset[str]:
        """The wider areas outside the county that some services reach ("coventry")."""
        return frozenset(self.served.values())

    def reaching(self, match: AreaMatch) -> str | None:
        """For a place outside the county, the name of the area whose services reach it too
        ("Coventry"); None for a place in the county or one only national services cover."""
        return self.wider_names[match.served_by] if match.served_by else None

    @property
    def all_ids(self) -> frozenset[str]:
        """District ids plus county-wide and national: the ids a service may cover."""
        return frozenset(self.district_names) | frozenset(self.wider_names)

    def resolve(self, value: object) -> AreaMatch:
        """Map a district id, town name or postcode district to a district id."""
        if not isinstance(value, str):
            return AreaMatch(None)
        key = _normalise(value)
        if key in self.district_names:
            return AreaMatch(key, self.district_names[key], key=key)
        postcode = _POSTCODE.match(key.replace(" ", "")) or _POSTCODE.match(key)
        lookups = [key]
        if postcode:
            lookups.insert(0, postcode.group(1))
        for candidate in lookups:
            if candidate in self.places:
                district = self.places[candidate]
                return AreaMatch(district, self.district_names[district], key=district)
            if candidate in self.outside:
                return AreaMatch(
                    None,
                    outside_note=self.outside[candidate],
                    key=candidate,
                    served_by=self.served.get(candidate),
                )
        return self._close_match(key)

    def _close_match(self, key: str) -> AreaMatch:
        """A common misspelling of a town ("Lemington", "nuneton"): one close name only.

        Short words are never guessed ("rugy" could be anything), and a guess only ever maps to
        a district on the allowlist, so hostile input cannot reach a query.
        """
        if key in COUNTY_NAMES or len(key) < 5 or len(key) > 40:
            return AreaMatch(None)
        if not re.fullmatch(r"[a-z][a-z -]+", key):
            return AreaMatch(None)
        names = [p for p in self.places if not re.match(r"^[a-z]{1,2}[0-9]", p)]
        names += [n.lower() for n in self.district_names.values()]
        close = difflib.get_close_matches(key, names, n=2, cutoff=0.8)
        by_name = {n.lower(): i for i, n in self.district_names.items()}
        districts = {self.places.get(c) or by_name.get(c) for c in close}
        district = districts.pop() if len(districts) == 1 else None
        if district is None:
            return AreaMatch(None)
        return AreaMatch(district, self.district_names[district], key=district)

    def find_in_text(self, text: str) -> AreaMatch:
        """The Warwickshire place named in a sentence ("groups for dads in rugby"): the first,
        or of two, the one the person lives in ("we live in atherstone, i just work in rugby")."""
        words = re.findall(r"[a-z0-9-]+", text.lower())[:60]
        # A Warwickshire place first: "Birmingham Road, Warwick" is in Warwick, and a family
        # told "you live elsewhere" by mistake would get national services only.
        for known in (self.places, self.outside):
            found: list[tuple[int, str]] = []  # (start, phrase), longest phrases first
            for size in (3, 2, 1):
                for start in range(len(words) - size + 1):
                    phrase = " ".join(words[start : start + size])
                    if phrase in known and not any(start == s for s, _ in found):
                        found.append((start, phrase))
            if found:
                return self.resolve(_home(words, found))
        # Postcodes: "CV21 3AB" or "cv21"
        for word in words:
            if _POSTCODE.match(word) and word in self.places:
                return self.resolve(word)
        return AreaMatch(None)

    def read_reply(self, text: str) -> AreaMatch:
        """A reply to "which town or area?": a place named in it ("cv11 3ab", "stratford upon
        avon"), else one close misspelling once the words around it are dropped ("i live near
        nuneton")."""
        found = self.find_in_text(text)
        if found.key is None:
            found = self.resolve(text)
        if found.key is None:
            place_words = _normalise(_FILLER.sub(" ", text.lower()))
            if place_words and place_words != _normalise(text):
                found = self.resolve(place_words)
        return found

    def lookup_words(self) -> list[str]:
        """Every place word the NLU should recognise as an area (for its lookup table)."""
        names = {n.lower() for n in self.district_names.values()}
        towns = {p for p in self.places if not re.match(r"^[a-z]{1,2}[0-9]", p)}
        outside = {p for p in self.outside if not re.match(r"^[a-z]{1,2}[0-9]", p)}
        return sorted(names | towns | (outside - self.untaught) | set(self.district_names))


# Words just before a place that say it is home, or only where someone works or visits (the
# words as find_in_text splits them: "we're" is "we" and "re").
_HOME_WORDS = frozenset({"live", "lives", "living", "moved", "home", "based", "from", "re", "were"})
_AWAY_WORDS = frozenset({"work", "works", "working", "worked", "job", "office", "visiting"})


def _home(words: list[str], found: list[tuple[int, str]]) -> str:
    """Of the places found (start, phrase), the home one: after a home word in the three words
    before it, else not after a work word, else the first named."""
    by_position = sorted(found)

    def before(start: int) -> set[str]:
        return set(words[max(0, start - 3) : start])

    home = [p for s, p in by_position if before(s) & _HOME_WORDS]
    if home:
        return home[0]
    not_away = [p for s, p in by_position if not before(s) & _AWAY_WORDS]
    return (not_away or [p for _, p in by_position])[0]


def _normalise(value: str) -> str:
    return re.sub(r"\s+", " ", value.strip().lower().replace("_", "-"))


def load_areas(path: Path) -> Areas:
    """Load and check content/areas.yml."""
    data = load_yaml(path)
    district_names: dict[str, str] = {}
    in_words: dict[str, str] = {}
    places: dict[str, str] = {}
    for entry in data.get("districts") or []:
        district_id, name = entry.get("id"), entry.get("name")
        if not district_id or not name:
            raise ContentError(path, f"a district needs an id and a name: {entry!r}")
        district_names[district_id] = name
        if "in_words" in entry:
            words = entry["in_words"]
            if not isinstance(words, str) or not words.strip():
                raise ContentError(path, f"in_words of {district_id!r} must be text: {words!r}")
            in_words[district_id] = words
        for place in list(entry.get("towns") or []) + list(entry.get("postcode_districts") or []):
            key = _normalise(str(place))
            if key in places and places[key] != district_id:
                raise ContentError(path, f"{place!r} is listed under two districts")
            places[key] = district_id
    wider = {w["id"]: w["name"] for w in data.get("wider_areas") or []}
    outside: dict[str, str] = {}
    untaught: set[str] = set()
    served: dict[str, str] = {}
    for entry in data.get("outside") or []:
        taught = entry.get("nlu_lookup", True)
        if not isinstance(taught, bool):
            raise ContentError(path, f"nlu_lookup must be true or false: {taught!r}")
        served_by = entry.get("served_by")
        if served_by is not None and (served_by not in wider or served_by in _COUNTY_AND_UK):
            raise ContentError(
                path, f"served_by must be a wider area other than {_COUNTY_AND_UK}: {served_by!r}"
            )
        for place in list(entry.get("names") or []) + list(entry.get("postcode_districts") or []):
            key = _normalise(str(place))
            if key in places:
                raise ContentError(path, f"{place!r} is listed both in a district and outside")
            outside[key] = str(entry.get("note", ""))
            if served_by is not None:
                served[key] = served_by
            if not taught:
                untaught.add(key)
    if not district_names:
        raise ContentError(path, "no districts listed")
    source = str(data.get("source", ""))
    return Areas(
        district_names, wider, places, outside, source, in_words, frozenset(untaught), served
    )


@lru_cache(maxsize=4)
def _areas_for(path: str) -> Areas:
    return load_areas(Path(path))


def get_areas(path: Path | None = None) -> Areas:
    """The areas table for the content folder, loaded once per process."""
    return _areas_for(str(path or content_dir() / "areas.yml"))
