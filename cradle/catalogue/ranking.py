"""The precomputed rank table: every search a parent can make, already in order.

A parent's search is a need (or a topic's set of needs), where they live and who they are. The
build writes, for each such bucket, the services that fit it in ranking order, so a search reads
one index range in order and stops after `LIMIT` rows instead of sorting thousands. Only what
changes with the clock (kite-mark and verification dates, "open now") is checked at search time.

Ranking within a bucket: a service a parent can reach from its card (a website or a phone)
before one they cannot (the fifth user test: a group with no contact details was shown
first), then audience (a service for mums before one for every parent, and the narrower its
audience the better: a dads' group before a line for everyone), then need matches, then local
before county before national, then name.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from cradle.catalogue.kitemark import SHOWN_STATUSES

# A parent's audience -> the service audiences that fit them; the first is the specific match.
AUDIENCE_FIT = {
    "mum": ("mums", "parents", "families"),
    "dad-or-partner": ("dads-and-partners", "parents", "families"),
    "parent": ("parents", "families", "mums", "dads-and-partners"),
}
COUNTY, NATIONAL = "warwickshire", "national"
# Where a parent is, for ranking: a district id, or one of these.
ANYWHERE = "*"  # no district given: county-wide and national services
OUTSIDE = "!"  # lives outside the county: national services only
# ...or, followed by a wider area's id ("!coventry"), that area's services and national ones.


def need_key(needs: Iterable[str]) -> str:
    """One key for a set of needs, whatever order they came in."""
    return ",".join(sorted(set(needs)))


def area_scopes(place: str, districts: Iterable[str]) -> dict[str, int]:
    """The service areas that cover a parent at `place`, with their scope (0 local ... 2)."""
    if place.startswith(OUTSIDE):
        served = place[len(OUTSIDE) :]
        return {served: 1, NATIONAL: 2} if served else {NATIONAL: 2}
    scopes = {COUNTY: 1, NATIONAL: 2}
    if place != ANYWHERE and place in set(districts):
        scopes[place] = 0
    return scopes


@dataclass(frozen=True)
class Candidate:
    """What ranking needs to know about one service."""

    rowid: int
    name: str
    areas: frozenset[str]
    audiences: frozenset[str]
    needs: frozenset[str]
    status: str
    reachable: bool = True  # its card has a website or a phone


def _singles_out(audiences: frozenset[str]) -> bool:
    """A service set up for mums or for dads, not both: for a parent who has not said which,
    it comes after those for everyone (the sixth user test: CALM, "set up with men in mind",
    led mums' evening lists because it lists fewer audiences)."""
    return ("mums" in audiences) != ("dads-and-partners" in audiences)


def rank_rows(
    services: list[Candidate],
    need_keys: Iterable[str],
    districts: list[str],
    served: Iterable[str] = (),
) -> Iterator[tuple[str, str, str, int, int, int]]:
    """(need_key, place, audience, rank, scope, rowid) for every bucket, in rank order.
    `served`: wider areas outside the county that some services reach ("coventry")."""
    places = [*districts, ANYWHERE, OUTSIDE, *(f"{OUTSIDE}{area}" for area in served)]
    shown = [s for s in services if s.status in SHOWN_STATUSES]
    for key in need_keys:
        wanted = frozenset(key.split(","))
        matching = [(s, len(wanted & s.needs)) for s in shown if wanted & s.needs]
        buckets: dict[tuple[str, str], list[tuple[tuple, int, int]]] = defaultdict(list)
        for service, matches in matching:
            for place in places:
                scopes = area_scopes(place, districts)
                covered = [scopes[a] for a in service.areas if a in scopes]
                if not covered:
                    continue
                scope = min(covered)
                for audience, fit in AUDIENCE_FIT.items():
                    if not service.audiences & set(fit):
                        continue
                    order = (
                        not service.reachable,
                        -(fit[0] in service.audiences),
                        audience == "parent" and _singles_out(service.audiences),
                        len(service.audiences),
                        -matches,
                        scope,
                        service.name,
                    )
                    buckets[(place, audience)].append((order, scope, service.rowid))
        for (place, audience), rows in buckets.items():
            rows.sort()
            for rank, (_, scope, rowid) in enumerate(rows):
                yield key, place, audience, rank, scope, rowid
