"""Turn what a parent said into a catalogue search, and format results for the CLI."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from cradle.areas import AreaMatch, get_areas
from cradle.audience import normalise_audience
from cradle.catalogue.store import BadQuery, Catalogue, SearchOutcome, SearchQuery
from cradle.content import get_topic
from cradle.paths import catalogue_path


def open_catalogue(path: Path | None = None) -> Catalogue:
    """Open the configured catalogue read-only (CRADLE_CATALOGUE, default var/catalogue.db)."""
    return Catalogue.open(path or catalogue_path(), frozenset(get_areas().district_names))


@dataclass(frozen=True)
class ParentRequest:
    """A search built from untrusted slot values, with what was understood of them."""

    query: SearchQuery
    area: AreaMatch


def needs_for_topic(topic_id: str | None) -> tuple[str, ...]:
    """The service needs a topic signposts to (from the topic file's `needs`)."""
    if not topic_id:
        return ()
    try:
        return tuple(get_topic(topic_id).needs)
    except KeyError:
        return ()


def request_from_slots(
    topic: object, area: object, audience: object, no_topic: tuple[str, ...] = ()
) -> ParentRequest:
    """Check slot values against allowlists; unknown values are dropped, never queried.
    `no_topic`: the needs searched when there is no (known) topic."""
    topic_id = topic if isinstance(topic, str) else None
    match = get_areas().resolve(area) if area is not None else AreaMatch(None)
    query = SearchQuery(
        needs=needs_for_topic(topic_id) or no_topic,
        district=match.district,
        audience=normalise_audience(audience),
        include_county=match.outside_note is None,
        served_by=match.served_by,
    )
    return ParentRequest(query, match)


def search_from_args(args: argparse.Namespace) -> SearchOutcome:
    request = request_from_slots(args.need, args.area, args.audience)
    if args.area and request.area.district is None:
        raise SystemExit(f"error: {args.area!r} is not a Warwickshire place Cradle knows")
    if args.need and not request.query.needs:
        raise SystemExit(f"error: {args.need!r} is not a topic id")
    catalogue = open_catalogue(args.db)
    try:
        return catalogue.search(request.query)
    except BadQuery as err:
        raise SystemExit(f"error: {err}") from err
    finally:
        catalogue.close()


def format_results(outcome: SearchOutcome) -> str:
    if not outcome.results:
        return "No listed services match."
    lines = []
    for result in outcome.results:
        scope = ("local", "county-wide", "national")[result.scope]
        phones = ", ".join(p["number"] for p in result.phones) or "-"
        lines.append(f"{result.id:32} {scope:11} {phones:16} {result.name}")
    if not outcome.local_found:
        lines.append("(no local service listed: this is recorded as a gap)")
    return "\n".join(lines)
