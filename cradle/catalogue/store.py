"""The Catalogue: read-only access to the compiled service database, and search.

One class serves the custom actions, the web API and the CLI. Queries use `?` placeholders and
every filter value is checked against an allowlist first, because slot values can come straight
from a user typing `/intent{...}`.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlite_utils

from cradle.catalogue.model import NEEDS

# A parent's audience -> the service audiences that fit them; the first is the specific match.
# Ranking: need match, then audience (a service made for dads beats one for everyone), then
# local before county before national, then open now.
AUDIENCE_FIT = {
    "mum": ("mums", "parents", "families"),
    "dad-or-partner": ("dads-and-partners", "parents", "families"),
    "parent": ("parents", "families", "mums", "dads-and-partners"),
}
WIDER_AREAS = ("warwickshire", "national")
DEFAULT_MAX_AGE_DAYS = 365


class CatalogueUnavailable(RuntimeError):
    """The catalogue file is missing, unreadable or not a catalogue."""


class BadQuery(ValueError):
    """A search value is not one Cradle knows; the message says which and why."""


@dataclass(frozen=True)
class SearchQuery:
    needs: tuple[str, ...] = ()
    district: str | None = None
    audience: str | None = None
    today: dt.date = field(default_factory=dt.date.today)
    max_age_days: int = DEFAULT_MAX_AGE_DAYS
    limit: int = 5
    include_county: bool = True  # False for parents who live outside Warwickshire

    def checked(self, district_ids: frozenset[str]) -> SearchQuery:
        """Raise BadQuery unless every value is on its allowlist."""
        unknown = [n for n in self.needs if n not in NEEDS]
        if unknown:
            raise BadQuery(f"unknown need: {unknown[0]!r}")
        if self.district is not None and self.district not in district_ids:
            raise BadQuery(f"unknown district: {self.district!r}")
        if self.audience is not None and self.audience not in AUDIENCE_FIT:
            raise BadQuery(f"unknown audience: {self.audience!r}")
        if not 1 <= self.limit <= 50:
            raise BadQuery("limit must be between 1 and 50")
        return self


@dataclass(frozen=True)
class ServiceResult:
    id: str
    name: str
    description: str
    url: str | None
    organization: str
    phones: tuple[dict[str, str], ...]
    scope: int  # 0 local district, 1 county-wide, 2 national
    always_open: bool
    cost: str
    kitemark: dict[str, str]
    last_verified: str
    areas: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    audiences: tuple[str, ...] = ()

    def card(self) -> dict[str, Any]:
        """The JSON shape used by the reply contract, the widget and the web API."""
        return {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "url": self.url,
            "organization": self.organization,
            "phones": list(self.phones),
            "areas": list(self.areas),
            "needs": list(self.needs),
            "audiences": list(self.audiences),
            "local": self.scope == 0,
            "scope": ("local", "county", "national")[self.scope],
            "opening": {
                "always_open": self.always_open,
                "open_now": True if self.always_open else None,
            },
            "cost": self.cost,
            "kitemark": self.kitemark,
            "last_verified": self.last_verified,
        }


@dataclass(frozen=True)
class SearchOutcome:
    results: tuple[ServiceResult, ...]
    local_found: bool  # False means a gap: nothing kite-marked in the parent's own district


_SEARCH_SQL = """
SELECT s.id, s.name, s.description, s.url, o.name AS organization, s.always_open, s.cost,
       s.kitemark_scheme, s.kitemark_status, s.kitemark_awarded, s.kitemark_expires,
       s.last_verified, MIN(sa.scope) AS scope,
       (SELECT COUNT(*) FROM service_needs n
         WHERE n.service_id = s.id AND n.need IN ({needs})) AS need_matches,
       EXISTS(SELECT 1 FROM service_audiences au
         WHERE au.service_id = s.id AND au.audience = ?) AS audience_match,
       (SELECT COUNT(*) FROM service_audiences ab WHERE ab.service_id = s.id) AS audience_breadth
FROM services s
JOIN organizations o ON o.id = s.organization_id
JOIN service_areas sa ON sa.service_id = s.id
WHERE sa.area_id IN ({areas})
  AND s.kitemark_status = 'awarded'
  AND s.kitemark_awarded <= ? AND s.kitemark_expires >= ?
  AND s.last_verified >= ?
  AND EXISTS(SELECT 1 FROM service_audiences au2
             WHERE au2.service_id = s.id AND au2.audience IN ({audiences}))
GROUP BY s.id
HAVING need_matches > 0 OR ? = 0
ORDER BY need_matches DESC, audience_match DESC, audience_breadth ASC, scope ASC,
         s.always_open DESC, s.name
LIMIT ?
"""


class Catalogue:
    """Read-only queries over a compiled catalogue database."""

    def __init__(self, db: sqlite_utils.Database, district_ids: frozenset[str]) -> None:
        self._db = db
        self._district_ids = district_ids
        # One sqlite connection shared by worker threads: serialise access to it.
        self._lock = threading.Lock()

    @classmethod
    def open(cls, path: Path, district_ids: frozenset[str]) -> Catalogue:
        """Open the database read-only; fail clearly if it is missing or not a catalogue."""
        if not path.is_file():
            raise CatalogueUnavailable(
                f"catalogue not found at {path}: run `cradle catalogue build` (make does this)"
            )
        try:
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
            db = sqlite_utils.Database(conn)
            if not {"services", "service_areas", "service_needs"} <= set(db.table_names()):
                raise CatalogueUnavailable(f"{path} is not a Cradle catalogue")
        except sqlite3.DatabaseError as err:
            raise CatalogueUnavailable(f"cannot read the catalogue at {path}: {err}") from err
        return cls(db, district_ids)

    def close(self) -> None:
        self._db.close()

    def search(self, query: SearchQuery) -> SearchOutcome:
        query = query.checked(self._district_ids)
        needs = list(query.needs) or [""]
        wider = list(WIDER_AREAS) if query.include_county else ["national"]
        areas = [query.district, *wider] if query.district else wider
        fit = AUDIENCE_FIT[query.audience or "parent"]
        oldest = query.today - dt.timedelta(days=query.max_age_days)
        sql = _SEARCH_SQL.format(
            needs=",".join("?" * len(needs)),
            areas=",".join("?" * len(areas)),
            audiences=",".join("?" * len(fit)),
        )
        today = query.today.isoformat()
        params = [
            *needs,
            fit[0],
            *areas,
            today,
            today,
            oldest.isoformat(),
            *fit,
            len(query.needs),
            query.limit,
        ]
        with self._lock:
            rows = list(self._db.query(sql, params))
            results = tuple(self._result(row) for row in rows)
        return SearchOutcome(results, local_found=any(r.scope == 0 for r in results))

    def get(
        self,
        service_id: str,
        today: dt.date | None = None,
        max_age_days: int = DEFAULT_MAX_AGE_DAYS,
    ) -> ServiceResult | None:
        """One service by id, only if it may be shown to parents today."""
        today = today or dt.date.today()
        oldest = today - dt.timedelta(days=max_age_days)
        sql = """
            SELECT s.id, s.name, s.description, s.url, o.name AS organization, s.always_open,
                   s.cost, s.kitemark_scheme, s.kitemark_status, s.kitemark_awarded,
                   s.kitemark_expires, s.last_verified,
                   (SELECT MIN(scope) FROM service_areas sa WHERE sa.service_id = s.id) AS scope
            FROM services s JOIN organizations o ON o.id = s.organization_id
            WHERE s.id = ? AND s.kitemark_status = 'awarded' AND s.kitemark_awarded <= ?
              AND s.kitemark_expires >= ? AND s.last_verified >= ?"""
        with self._lock:
            rows = list(
                self._db.query(
                    sql, [service_id, today.isoformat(), today.isoformat(), oldest.isoformat()]
                )
            )
            return self._result(rows[0]) if rows else None

    def _result(self, row: dict[str, Any]) -> ServiceResult:
        service_id = row["id"]

        def column(table: str, name: str) -> tuple[str, ...]:
            return tuple(
                r[name]
                for r in self._db.query(
                    f"SELECT {name} FROM {table} WHERE service_id = ? ORDER BY {name}",  # noqa: S608
                    [service_id],
                )
            )

        phones = tuple(
            {"number": p["number"], "type": p["type"], "description": p["description"]}
            for p in self._db.query(
                "SELECT number, type, description FROM phones WHERE service_id = ? ORDER BY rowid",
                [service_id],
            )
        )
        return ServiceResult(
            id=service_id,
            name=row["name"],
            description=row["description"],
            url=row["url"],
            organization=row["organization"],
            phones=phones,
            scope=int(row["scope"]),
            always_open=bool(row["always_open"]),
            cost=row["cost"],
            kitemark={
                "scheme": row["kitemark_scheme"],
                "status": row["kitemark_status"],
                "awarded": row["kitemark_awarded"],
                "expires": row["kitemark_expires"],
            },
            last_verified=row["last_verified"],
            areas=column("service_areas", "area_id"),
            needs=column("service_needs", "need"),
            audiences=column("service_audiences", "audience"),
        )
