"""Compile content/services/ into the catalogue database (sqlite-utils), replacing it atomically."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from cradle.areas import Areas, get_areas
from cradle.catalogue.kitemark import Schemes
from cradle.catalogue.model import AUDIENCES, Service, known_needs, load_services
from cradle.catalogue.ranking import Candidate, need_key, rank_rows
from cradle.content import get_topic, topic_ids


def audience_column(audience: str) -> str:
    """services.aud_mums etc.: audience flags copied onto the row so ranking needs no join."""
    return "aud_" + audience.replace("-", "_")


@dataclass(frozen=True)
class BuildReport:
    files: int
    services: int


def area_scope(area_id: str, areas: Areas) -> int:
    """0 for a district, 1 for county-wide (or an area outside the county that a service reaches,
    such as Coventry: as wide as the county is for its parents), 2 for national."""
    if area_id in areas.district_names:
        return 0
    return 1 if area_id == "warwickshire" or area_id in areas.served_areas else 2


def create_tables(db: sqlite_utils.Database) -> None:
    """The schema, created up front so that empty tables exist too."""
    db.table("organizations").create(
        {"id": str, "name": str, "url": str, "charity_number": str}, pk="id"
    )
    db.table("services").create(
        {
            "id": str,
            "name": str,
            "alternate_names": str,  # one per line, for the name index
            "description": str,
            "organization_id": str,
            "url": str,
            "email": str,
            "cost": str,
            "always_open": int,
            "open_on_bank_holidays": int,
            "attending_types": str,
            "languages": str,
            "stages": str,
            "kitemark_scheme": str,
            "kitemark_status": str,
            "kitemark_awarded": str,
            "kitemark_expires": str,
            "kitemark_awarded_by": str,
            "kitemark_name": str,
            "kitemark_real": int,
            "kitemark_label": str,
            "kitemark_wording": str,
            "last_verified": str,
            "source": str,
            "needs_text": str,
            "crisis_only": int,
            # Copies of the child rows as JSON, so a search result needs no further queries.
            "phones_json": str,
            "areas_json": str,
            "needs_json": str,
            "audiences_json": str,
            "windows_json": str,
            "closed_json": str,
            "audience_breadth": int,
            **{audience_column(a): int for a in AUDIENCES},
        },
        pk="id",
        foreign_keys=[("organization_id", "organizations", "id")],
    )
    db.table("phones").create(
        {"service_id": str, "number": str, "type": str, "description": str, "source": str},
        foreign_keys=[("service_id", "services", "id")],
    )
    db.table("schedules").create(
        {"service_id": str, "weekday": int, "opens_at": str, "closes_at": str, "overnight": int},
        foreign_keys=[("service_id", "services", "id")],
    )
    db.table("closures").create(
        {"service_id": str, "date": str}, foreign_keys=[("service_id", "services", "id")]
    )
    for table, column in (
        ("service_areas", "area_id"),
        ("service_needs", "need"),
        ("service_audiences", "audience"),
    ):
        columns: dict[str, type] = {"service_id": str, column: str}
        if table == "service_areas":
            columns["scope"] = int
        db.table(table).create(
            columns, pk=("service_id", column), foreign_keys=[("service_id", "services", "id")]
        )


def write_database(db: sqlite_utils.Database, services: list[Service], areas: Areas) -> None:
    """Write normalised HSDS-style tables for the services into an empty database."""
    create_tables(db)
    db.table("organizations").insert_all(
        (
            {
                "id": f"{s.id}-org",
                "name": s.organization["name"],
                "url": s.organization.get("url"),
                "charity_number": s.organization.get("charity_number"),
            }
            for s in services
        ),
        pk="id",
    )
    db.table("services").insert_all(
        (
            {
                "id": s.id,
                "name": s.name,
                "alternate_names": "\n".join(s.alternate_names),
                "description": s.description,
                "organization_id": f"{s.id}-org",
                "url": s.url,
                "email": s.email,
                "cost": s.cost,
                "always_open": int(s.always_open),
                "open_on_bank_holidays": int(s.open_on_bank_holidays),
                "attending_types": json.dumps(s.attending_types),
                "languages": json.dumps(s.languages),
                "stages": json.dumps(s.stages),
                "kitemark_scheme": s.kitemark["scheme"],
                "kitemark_status": s.kitemark["status"],
                "kitemark_awarded": s.kitemark["awarded"],
                "kitemark_expires": s.kitemark["expires"],
                "kitemark_awarded_by": s.kitemark["awarded_by"],
                "kitemark_name": s.kitemark["scheme_name"],
                "kitemark_real": int(s.kitemark["real"]),
                "kitemark_label": s.kitemark["label"],
                "kitemark_wording": s.kitemark["wording"],
                "last_verified": s.last_verified.isoformat(),
                "source": s.source,
                "needs_text": " ".join(s.needs),
                "crisis_only": int(s.crisis_only),
                "phones_json": json.dumps(
                    [{k: p[k] for k in ("number", "type", "description")} for p in s.phones]
                ),
                "areas_json": json.dumps(sorted(s.areas)),
                "needs_json": json.dumps(sorted(s.needs)),
                "audiences_json": json.dumps(sorted(s.audiences)),
                "windows_json": json.dumps(
                    [[w.weekday, w.opens_at, w.closes_at] for w in s.windows]
                ),
                "closed_json": json.dumps([d.isoformat() for d in s.closed_on]),
                "audience_breadth": len(s.audiences),
                **{audience_column(a): int(a in s.audiences) for a in AUDIENCES},
            }
            for s in services
        ),
    )
    db.table("phones").insert_all(
        (
            {
                "service_id": s.id,
                "number": p["number"],
                "type": p["type"],
                "description": p["description"],
                "source": p["source"],
            }
            for s in services
            for p in s.phones
        ),
    )
    db.table("schedules").insert_all(
        (
            {
                "service_id": s.id,
                "weekday": w.weekday,
                "opens_at": w.opens_at,
                "closes_at": w.closes_at,
                "overnight": int(w.overnight),
            }
            for s in services
            for w in s.windows
        ),
    )
    db.table("closures").insert_all(
        ({"service_id": s.id, "date": d.isoformat()} for s in services for d in s.closed_on),
    )
    db.table("service_areas").insert_all(
        (
            {"service_id": s.id, "area_id": a, "scope": area_scope(a, areas)}
            for s in services
            for a in s.areas
        ),
    )
    db.table("service_needs").insert_all(
        ({"service_id": s.id, "need": n} for s in services for n in s.needs),
    )
    db.table("service_audiences").insert_all(
        ({"service_id": s.id, "audience": a} for s in services for a in s.audiences),
    )
    for table, column in (
        ("service_areas", "area_id"),
        ("service_needs", "need"),
        ("service_audiences", "audience"),
        ("phones", "service_id"),
        ("schedules", "service_id"),
        ("closures", "service_id"),
    ):
        db.table(table).create_index([column], if_not_exists=True)
    db.table("services").enable_fts(
        ["name", "alternate_names", "description", "needs_text"], create_triggers=False
    )
    write_rank_table(db, services, areas)


def need_keys() -> list[str]:
    """Every need on its own, and each topic's set of needs: the searches parents make."""
    keys = {need_key([n]) for n in known_needs()}
    keys |= {need_key(get_topic(t).needs) for t in topic_ids() if get_topic(t).needs}
    return sorted(keys)


def write_rank_table(db: sqlite_utils.Database, services: list[Service], areas: Areas) -> None:
    """search_buckets + search_rank: each bucket's services in ranking order (see ranking.py)."""
    rowids = {r["id"]: r["rowid"] for r in db.query("SELECT rowid, id FROM services")}
    candidates = [
        Candidate(
            rowids[s.id],
            s.name,
            frozenset(s.areas),
            frozenset(s.audiences),
            frozenset(s.needs),
            s.kitemark["status"],
            reachable=bool(s.url or s.phones),
        )
        for s in services
    ]
    db.execute(
        "CREATE TABLE search_buckets (bucket INTEGER PRIMARY KEY, need_key TEXT NOT NULL, "
        "place TEXT NOT NULL, audience TEXT NOT NULL, UNIQUE (need_key, place, audience))"
    )
    # WITHOUT ROWID: the rows are stored in (bucket, rank) order, so a search reads them in order.
    db.execute(
        "CREATE TABLE search_rank (bucket INTEGER NOT NULL, rank INTEGER NOT NULL, "
        "scope INTEGER NOT NULL, service_rowid INTEGER NOT NULL, PRIMARY KEY (bucket, rank)) "
        "WITHOUT ROWID"
    )
    buckets: dict[tuple[str, str, str], int] = {}
    batch: list[tuple[int, int, int, int]] = []
    for key, place, audience, rank, scope, rowid in rank_rows(
        candidates, need_keys(), sorted(areas.district_names), sorted(areas.served_areas)
    ):
        bucket = buckets.setdefault((key, place, audience), len(buckets) + 1)
        batch.append((bucket, rank, scope, rowid))
        if len(batch) >= 50_000:
            db.conn.executemany("INSERT INTO search_rank VALUES (?, ?, ?, ?)", batch)
            batch.clear()
    db.conn.executemany("INSERT INTO search_rank VALUES (?, ?, ?, ?)", batch)
    db.conn.executemany(
        "INSERT INTO search_buckets VALUES (?, ?, ?, ?)",
        [(b, k, p, a) for (k, p, a), b in buckets.items()],
    )


def build_catalogue(
    source: Path, out: Path, areas: Areas | None = None, schemes: Schemes | None = None
) -> BuildReport:
    """Check every source file, then build into a temporary file and rename it over `out`.

    A failed check or build raises before the rename, so the old catalogue stays in place.
    """
    areas = areas or get_areas()
    services = load_services(source, areas, schemes)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".catalogue-", suffix=".db", dir=out.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        db = sqlite_utils.Database(tmp)
        write_database(db, services, areas)
        db.conn.commit()
        db.close()
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    files = {s.file for s in services}
    return BuildReport(files=len(files), services=len(services))
