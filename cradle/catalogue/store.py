"""The Catalogue: read-only access to the compiled service database, and search.

One class serves the custom actions, the web API and the CLI. Queries use bound parameters, and
every filter value is checked against an allowlist first, because slot values can come straight
from a user typing `/intent{...}`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import sqlite_utils

from cradle.catalogue.build import audience_column
from cradle.catalogue.hours import (
    LONDON,
    OpeningHours,
    Window,
    describe_next_open,
    is_bank_holiday,
)
from cradle.catalogue.model import COSTS, CRISIS, known_needs
from cradle.catalogue.ranking import ANYWHERE, AUDIENCE_FIT, OUTSIDE, need_key

# Ranking: a service reachable from its card (a website or a phone) first, then audience (a
# service made for mums beats one for everyone, so a mum is not first
# offered a line set up with men in mind; the narrower the audience the better), then need
# match, then local before county before national, then name (see ranking.py). At night the
# best matches are shown with those open now first (see NIGHT).
WIDER_AREAS = ("warwickshire", "national")
DEFAULT_MAX_AGE_DAYS = 365
# Between 9pm and 8am a parent needs someone they can reach now, not a service that opens
# tomorrow: open-now and 24/7 services come first, and at least one can be called or texted.
NIGHT = (dt.time(21, 0), dt.time(8, 0))


def is_night(when: dt.datetime) -> bool:
    local = when.astimezone(LONDON).time()
    return local >= NIGHT[0] or local < NIGHT[1]


class CatalogueUnavailable(RuntimeError):
    """The catalogue file is missing, unreadable or not a catalogue."""


# Needs that say who a service is for, not what it helps with: left out when looking for the
# same help for someone else (`Catalogue.instead_for`).
_WHO_NEEDS = frozenset({"dads"})


class BadQuery(ValueError):
    """A search value is not one Cradle knows; the message says which and why."""


CONTACTS = ("text", "phone", "online", "in-person")


def _quoted(words: list[str]) -> list[str]:
    """Each plain word quoted for FTS5, so operators typed by users are inert; others dropped."""
    return [f'"{w}"' for w in words if re.fullmatch(r"[A-Za-z0-9]+", w)]


def fts_terms(text: str) -> str:
    """A safe FTS5 query: each word quoted, all required."""
    return " ".join(_quoted(re.findall(r"[A-Za-z0-9]+", text)[:12]))


@dataclass(frozen=True)
class SearchQuery:
    needs: tuple[str, ...] = ()
    district: str | None = None
    audience: str | None = None
    today: dt.date | None = None  # for kite-mark and verification dates; default: `when`'s date
    max_age_days: int = DEFAULT_MAX_AGE_DAYS
    limit: int = 5
    include_county: bool = True  # False for parents who live outside Warwickshire
    # Outside Warwickshire, the wider area whose services reach them too ("coventry"); None for
    # national services only. An id from `served_by` in content/areas.yml.
    served_by: str | None = None
    when: dt.datetime | None = None  # for "open now"; None means the current time
    open_now: bool = False  # only services open at `when`
    contact: str | None = None  # "text": services a parent can text; "phone", "online", ...
    cost: str | None = None  # "free" or "low-cost"
    text: str | None = None  # full-text search over name, description and needs
    # Turned down by the parent ("not a crisis line"): no service with the crisis need, and no
    # crisis line added as the backup (README, sixtieth session).
    without_crisis_lines: bool = False

    def checked(
        self, district_ids: frozenset[str], served: frozenset[str] = frozenset()
    ) -> SearchQuery:
        """Raise BadQuery unless every value is on its allowlist (`served`: the areas outside
        the county that some services reach)."""
        allowed = known_needs()
        unknown = [n for n in self.needs if n not in allowed]
        if unknown:
            raise BadQuery(f"unknown need: {unknown[0]!r}")
        if self.district is not None and self.district not in district_ids:
            raise BadQuery(f"unknown district: {self.district!r}")
        if self.served_by is not None and (self.include_county or self.served_by not in served):
            raise BadQuery(f"unknown area outside the county: {self.served_by!r}")
        if self.audience is not None and self.audience not in AUDIENCE_FIT:
            raise BadQuery(f"unknown audience: {self.audience!r}")
        if self.contact is not None and self.contact not in CONTACTS:
            raise BadQuery(f"contact must be one of {', '.join(CONTACTS)}")
        if self.cost is not None and self.cost not in COSTS:
            raise BadQuery(f"cost must be one of {', '.join(COSTS)}")
        if self.text is not None and not fts_terms(self.text):
            raise BadQuery("the search text has no words in it")
        if not 1 <= self.limit <= 50:
            raise BadQuery("limit must be between 1 and 50")
        return self

    def moment(self) -> dt.datetime:
        return self.when or dt.datetime.now(tz=LONDON)

    def day(self) -> dt.date:
        return self.today or self.moment().astimezone(LONDON).date()


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
    cost: str | None  # None: not known (no `cost_options`)
    kitemark: dict[str, Any]
    last_verified: str
    areas: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    audiences: tuple[str, ...] = ()
    open_now: bool = False
    next_open: dt.datetime | None = None
    next_open_text: str | None = None
    alternate_names: tuple[str, ...] = ()  # "perinatal team": other names parents may use

    @property
    def names(self) -> tuple[str, ...]:
        """Every name the service goes by, its own first."""
        return (self.name, *self.alternate_names)

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
                "open_now": self.open_now,
                "next_open": self.next_open.isoformat() if self.next_open else None,
                "next_open_text": self.next_open_text,
            },
            "cost": self.cost,
            "kitemark": self.kitemark,
            "last_verified": self.last_verified,
        }


@dataclass(frozen=True)
class SearchOutcome:
    results: tuple[ServiceResult, ...]
    local_found: bool  # False means a gap: nothing kite-marked in the parent's own district


# Open now, in SQL so that it filters and ranks inside the query: a window opening today, or an
# overnight window that opened yesterday, unless that day is a closure date or a bank holiday.
_OPEN_NOW = """CASE WHEN s.always_open = 1 THEN 1 ELSE (
  EXISTS(SELECT 1 FROM schedules sc WHERE sc.service_id = s.id AND sc.weekday = :dow
         AND sc.opens_at <= :hhmm AND (sc.overnight = 1 OR sc.closes_at > :hhmm)
         AND NOT (:today_bh = 1 AND s.open_on_bank_holidays = 0)
         AND NOT EXISTS(SELECT 1 FROM closures c WHERE c.service_id = s.id AND c.date = :local_day))
  OR EXISTS(SELECT 1 FROM schedules sc WHERE sc.service_id = s.id AND sc.weekday = :prev_dow
         AND sc.overnight = 1 AND sc.closes_at > :hhmm
         AND NOT (:yesterday_bh = 1 AND s.open_on_bank_holidays = 0)
         AND NOT EXISTS(SELECT 1 FROM closures c WHERE c.service_id = s.id
                        AND c.date = :local_yesterday))
) END"""

_SEARCH_SQL = """
WITH matched AS (
  SELECT service_id, COUNT(*) AS need_matches FROM service_needs
  WHERE need IN ({needs}) GROUP BY service_id
)
SELECT {columns}, MIN(sa.scope) AS scope, COALESCE(m.need_matches, 0) AS need_matches,
       s.{specific} AS audience_match, s.audience_breadth,
       {open_now} AS open_now
FROM {source}
JOIN services s ON s.id = {source_id}
JOIN organizations o ON o.id = s.organization_id
JOIN service_areas sa ON sa.service_id = s.id AND sa.area_id IN ({areas})
WHERE {shown}
  AND ({fits})
  {extra}
GROUP BY s.id
{having}
ORDER BY (s.url IS NULL AND s.phones_json = '[]') ASC, audience_match DESC,
         (:for_anyone AND s.aud_mums != s.aud_dads_and_partners) ASC,
         s.audience_breadth ASC, need_matches DESC, scope ASC, s.name
LIMIT :limit
"""
# The fast path: one bucket of the precomputed rank table, read in order until LIMIT.
_RANKED_SQL = """
SELECT {columns}, r.scope AS scope
FROM search_rank r
JOIN services s ON s.rowid = r.service_rowid
JOIN organizations o ON o.id = s.organization_id
WHERE r.bucket = :bucket AND {shown}
  {extra}
ORDER BY r.rank
LIMIT :limit
"""
# Every column a result needs, the child rows included as JSON: no query per result.
_COLUMNS = """s.id, s.name, s.alternate_names, s.description, s.url, o.name AS organization,
       s.always_open, s.cost,
       s.kitemark_scheme, s.kitemark_status, s.kitemark_awarded, s.kitemark_expires,
       s.kitemark_awarded_by, s.kitemark_name, s.kitemark_real, s.kitemark_label,
       s.kitemark_wording, s.last_verified, s.open_on_bank_holidays, s.phones_json,
       s.areas_json, s.needs_json, s.audiences_json, s.windows_json, s.closed_json"""
# Which services parents may see: a current award from a real scheme, or a listing in the
# sample catalogue, and in both cases verified recently.
_SHOWN = """(s.kitemark_status = 'listed' OR (s.kitemark_status = 'awarded'
         AND s.kitemark_awarded <= :today AND s.kitemark_expires >= :today))
  AND s.last_verified >= :oldest"""


# A phones row's number as digits alone, as `naming.digits` gives a typed one: numbers are kept
# as written ("(01926) 410410", "+44 800 ..."), so the search by number compares digits.
_PHONE_DIGITS = """REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(
    p.number, ' ', ''), '-', ''), '.', ''), '(', ''), ')', ''), '+44', '0')"""


def _shown_params(when: dt.datetime) -> dict[str, Any]:
    """The values `_SHOWN` binds: which entries parents may see on `when`'s day."""
    today = when.astimezone(LONDON).date()
    oldest = today - dt.timedelta(days=DEFAULT_MAX_AGE_DAYS)
    return {"today": today.isoformat(), "oldest": oldest.isoformat()}


def _time_params(when: dt.datetime) -> dict[str, Any]:
    local = when.astimezone(LONDON)
    today = local.date()
    yesterday = today - dt.timedelta(days=1)
    return {
        "dow": today.weekday(),
        "prev_dow": yesterday.weekday(),
        "hhmm": local.strftime("%H:%M"),
        "local_day": today.isoformat(),
        "local_yesterday": yesterday.isoformat(),
        "today_bh": int(is_bank_holiday(today)),
        "yesterday_bh": int(is_bank_holiday(yesterday)),
    }


class Catalogue:
    """Read-only queries over a compiled catalogue database."""

    def __init__(
        self,
        db: sqlite_utils.Database,
        district_ids: frozenset[str],
        buckets: dict[tuple[str, str, str], int] | None = None,
    ) -> None:
        self._db = db
        self._district_ids = district_ids
        self._buckets = buckets or {}
        # The areas outside the county that some services reach: their places in the rank table.
        self._served = frozenset(
            place[len(OUTSIDE) :]
            for _, place, _ in self._buckets
            if place.startswith(OUTSIDE) and place != OUTSIDE
        )
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
            tables = set(db.table_names())
            if not {"services", "service_areas", "service_needs"} <= tables:
                raise CatalogueUnavailable(f"{path} is not a Cradle catalogue")
            if "search_buckets" not in tables:
                raise CatalogueUnavailable(
                    f"{path} was built by an older Cradle: run `cradle catalogue build`"
                )
            buckets = {
                (r["need_key"], r["place"], r["audience"]): r["bucket"]
                for r in db.query("SELECT bucket, need_key, place, audience FROM search_buckets")
            }
        except sqlite3.DatabaseError as err:
            raise CatalogueUnavailable(f"cannot read the catalogue at {path}: {err}") from err
        return cls(db, district_ids, buckets)

    def close(self) -> None:
        self._db.close()

    def search(self, query: SearchQuery) -> SearchOutcome:
        query = query.checked(self._district_ids, self._served)
        crisis_lines = CRISIS in query.needs
        results = self._query(query, crisis_lines=crisis_lines)
        night = is_night(query.moment())
        if night:
            # The best matches still, but those open now first (a stable sort keeps rank order).
            results = tuple(sorted(results, key=lambda r: not r.open_now))
            # At night: at least one service that can be called or texted right now.
            covered = any(r.open_now and r.phones for r in results)
        else:
            # By day: something local open now, or else at least one 24/7 option.
            covered = any(r.open_now and r.scope == 0 for r in results) or any(
                r.always_open for r in results
            )
        if not covered:
            backup = self._backup(query, night, crisis_lines)
            if backup is not None:
                results = (*results[: query.limit - 1], backup)
                if night:  # keep open-now first (a stable sort keeps the rest in rank order)
                    results = tuple(sorted(results, key=lambda r: not r.open_now))
        return SearchOutcome(results, local_found=any(r.scope == 0 for r in results))

    def _backup(self, query: SearchQuery, night: bool, crisis_lines: bool) -> ServiceResult | None:
        """The best service for the need that can be reached now (at night) or is 24/7 (by day);
        failing that, the best crisis line that can."""
        for needs in (query.needs, (CRISIS,)):
            if not needs or (query.without_crisis_lines and needs == (CRISIS,)):
                continue
            found = self._query(
                replace(
                    query,
                    needs=needs,
                    district=None,
                    limit=1,
                    cost=None,
                    text=None,
                    open_now=night,
                    contact=None,
                ),
                always_only=not night,
                reachable_only=night,
                crisis_lines=crisis_lines or needs == (CRISIS,),
            )
            if found:
                return found[0]
        return None

    def _bucket(self, query: SearchQuery) -> int | None:
        """The rank-table bucket that answers this search, if there is one."""
        if not query.needs or query.text is not None:
            return None
        if query.district is not None:
            place = query.district if query.include_county else None
        else:
            place = ANYWHERE if query.include_county else f"{OUTSIDE}{query.served_by or ''}"
        if place is None:
            return None
        return self._buckets.get((need_key(query.needs), place, query.audience or "parent"))

    def _query(
        self,
        query: SearchQuery,
        always_only: bool = False,
        reachable_only: bool = False,
        crisis_lines: bool = True,
    ) -> tuple[ServiceResult, ...]:
        params: dict[str, Any] = {}
        extra = []
        if query.contact == "text":
            extra.append(
                "AND EXISTS(SELECT 1 FROM phones p WHERE p.service_id = s.id AND p.type = 'text')"
            )
        elif query.contact == "phone":
            extra.append(
                "AND EXISTS(SELECT 1 FROM phones p WHERE p.service_id = s.id AND p.type = 'voice')"
            )
        elif query.contact is not None:
            extra.append("AND s.attending_types LIKE :contact_like")
            params["contact_like"] = f'%"{query.contact}"%'
        if query.cost is not None:
            extra.append("AND s.cost = :cost")
            params["cost"] = query.cost
        if query.text is not None:
            extra.append(
                "AND s.rowid IN (SELECT rowid FROM services_fts WHERE services_fts MATCH :fts)"
            )
            params["fts"] = fts_terms(query.text)
        if always_only:
            extra.append("AND s.always_open = 1")
        if reachable_only:
            extra.append("AND s.phones_json != '[]'")
        if not crisis_lines:
            # Lines only for crises (e.g. urgent mental health help) are not a topic answer.
            extra.append("AND s.crisis_only = 0")
        if query.without_crisis_lines:
            extra.append(
                "AND NOT EXISTS(SELECT 1 FROM service_needs n"
                " WHERE n.service_id = s.id AND n.need = :crisis_need)"
            )
            params["crisis_need"] = CRISIS
        when = query.moment()
        today = query.day()
        params.update(
            _time_params(when),
            today=today.isoformat(),
            oldest=(today - dt.timedelta(days=query.max_age_days)).isoformat(),
            limit=query.limit,
        )
        bucket = self._bucket(query)
        with self._lock:
            if bucket is None:
                rows = self._general(query, extra, params, when)
            else:
                rows = self._ranked(query, bucket, extra, params, when)
            return tuple(self._result(row, when) for row in rows)

    def _ranked(
        self,
        query: SearchQuery,
        bucket: int,
        extra: list[str],
        params: dict[str, Any],
        when: dt.datetime,
    ) -> list[dict[str, Any]]:
        """Read the bucket in rank order, stopping at the limit."""
        params["bucket"] = bucket

        def read(condition: str, limit: int) -> list[dict[str, Any]]:
            sql = _RANKED_SQL.format(
                columns=_COLUMNS, shown=_SHOWN, extra="\n  ".join([*extra, condition])
            )
            return list(self._db.query(sql, {**params, "limit": limit}))

        if query.open_now:
            return read(f"AND ({_OPEN_NOW}) = 1", query.limit)
        return read("", query.limit)

    def _general(
        self, query: SearchQuery, extra: list[str], params: dict[str, Any], when: dt.datetime
    ) -> list[dict[str, Any]]:
        """Searches the rank table does not cover (full text, no need): rank in one query."""

        def names(prefix: str, values: list[str]) -> str:
            for i, value in enumerate(values):
                params[f"{prefix}{i}"] = value
            return ",".join(f":{prefix}{i}" for i in range(len(values)))

        if query.include_county:
            wider = list(WIDER_AREAS)
        else:
            wider = [query.served_by, "national"] if query.served_by else ["national"]
        areas = [query.district, *wider] if query.district else wider
        fit = AUDIENCE_FIT[query.audience or "parent"]
        # With needs, start from the services that match one (through the need index);
        # without, from every service.
        source = "matched m" if query.needs else "services s0 LEFT JOIN matched m ON 0"
        sql = _SEARCH_SQL.format(
            columns=_COLUMNS,
            shown=_SHOWN,
            needs=names("need", list(query.needs) or [""]),
            source=source,
            source_id="m.service_id" if query.needs else "s0.id",
            areas=names("area", areas),
            specific=audience_column(fit[0]),
            fits=" OR ".join(f"s.{audience_column(a)} = 1" for a in fit),
            open_now=_OPEN_NOW,
            extra="\n  ".join(extra),
            having="HAVING open_now = 1" if query.open_now else "",
        )
        params["specific"] = fit[0]
        # Set up for mums or for dads, not both: after those for everyone (ranking._singles_out).
        params["for_anyone"] = int((query.audience or "parent") == "parent")
        return list(self._db.query(sql, params))

    def get(
        self,
        service_id: str,
        today: dt.date | None = None,
        max_age_days: int = DEFAULT_MAX_AGE_DAYS,
        when: dt.datetime | None = None,
    ) -> ServiceResult | None:
        """One service by id, only if it may be shown to parents today."""
        when = when or dt.datetime.now(tz=LONDON)
        today = today or when.astimezone(LONDON).date()
        oldest = today - dt.timedelta(days=max_age_days)
        sql = f"""
            SELECT {_COLUMNS},
                   (SELECT MIN(scope) FROM service_areas sa WHERE sa.service_id = s.id) AS scope
            FROM services s JOIN organizations o ON o.id = s.organization_id
            WHERE s.id = :id AND {_SHOWN}"""  # noqa: S608 - fixed fragments, values bound
        params = {"id": service_id, "today": today.isoformat(), "oldest": oldest.isoformat()}
        with self._lock:
            rows = list(self._db.query(sql, params))
            return self._result(rows[0], when) if rows else None

    def instead_for(
        self, service: ServiceResult, audience: str, when: dt.datetime | None = None
    ) -> ServiceResult | None:
        """A service for `audience` (a parent's: "dad-or-partner", "mum") that meets every need
        of `service` but who it is for, when `service` is not for them ("can men call the
        National Domestic Abuse Helpline?": the Men's Advice Line); a stay-and-play group is not
        matched by a specialist team that shares one need with it. Found as a search finds it,
        best first; only one whose own audiences name that audience, never one for parents in
        general, which the parent could not tell apart from the one they asked about."""
        specific = AUDIENCE_FIT[audience][0]
        needs = tuple(n for n in service.needs if n in known_needs() and n not in _WHO_NEEDS)
        if not needs:
            return None
        found = self.search(SearchQuery(needs=needs, audience=audience, when=when)).results
        return next(
            (
                r
                for r in found
                if r.id != service.id
                and specific in r.audiences
                and "parents" not in r.audiences
                and set(needs) <= set(r.needs)
            ),
            None,
        )

    def with_names_like(
        self, words: list[str], limit: int = 20, when: dt.datetime | None = None
    ) -> list[ServiceResult]:
        """Services parents may see today whose name, or another name it goes by, holds one of
        `words`, best matches first: the few a message could be naming ("what is calm"), found
        by the full-text index on names, so a catalogue of any size answers in one query. Which
        one it names is for `naming` to decide."""
        terms = " OR ".join(_quoted(words))
        if not terms:
            return []
        when = when or dt.datetime.now(tz=LONDON)
        sql = f"""
            SELECT {_COLUMNS},
                   (SELECT MIN(scope) FROM service_areas sa WHERE sa.service_id = s.id) AS scope
            FROM (SELECT rowid, rank FROM services_fts WHERE services_fts MATCH :fts
                  ORDER BY rank LIMIT :limit) f
            JOIN services s ON s.rowid = f.rowid
            JOIN organizations o ON o.id = s.organization_id
            WHERE {_SHOWN}
            ORDER BY f.rank"""  # noqa: S608 - fixed fragments, values bound
        params = {
            "fts": f"{{name alternate_names}} : ({terms})",
            "limit": limit,
            **_shown_params(when),
        }
        with self._lock:
            rows = list(self._db.query(sql, params))
            return [self._result(row, when) for row in rows]

    def with_phone(
        self, numbers: list[str], when: dt.datetime | None = None
    ) -> list[ServiceResult]:
        """Services parents may see today with one of these phone numbers (as digits alone,
        `naming.digits`): "is the 0808 2000 247 one for men" names the line by its number."""
        if not numbers:
            return []
        when = when or dt.datetime.now(tz=LONDON)
        bound = {f"n{i}": n for i, n in enumerate(dict.fromkeys(numbers))}  # each once
        listed = ", ".join(f":{key}" for key in bound)
        sql = f"""
            SELECT {_COLUMNS},
                   (SELECT MIN(scope) FROM service_areas sa WHERE sa.service_id = s.id) AS scope
            FROM services s
            JOIN organizations o ON o.id = s.organization_id
            WHERE {_SHOWN} AND s.id IN (
                SELECT p.service_id FROM phones p
                WHERE {_PHONE_DIGITS} IN ({listed}))
            ORDER BY s.id"""  # noqa: S608 - fixed fragments, values bound
        params = {**bound, **_shown_params(when)}
        with self._lock:
            rows = list(self._db.query(sql, params))
            return [self._result(row, when) for row in rows]

    @staticmethod
    def opening_hours(row: dict[str, Any]) -> OpeningHours:
        """Opening hours from a services row (its JSON copy of the schedule)."""
        return OpeningHours(
            bool(row["always_open"]),
            tuple(Window(d, o, c) for d, o, c in json.loads(row["windows_json"])),
            frozenset(dt.date.fromisoformat(d) for d in json.loads(row["closed_json"])),
            bool(row["open_on_bank_holidays"]),
        )

    def _result(self, row: dict[str, Any], when: dt.datetime) -> ServiceResult:
        hours = self.opening_hours(row)
        open_now = hours.is_open(when)
        next_open = None if open_now else hours.next_open(when)
        return ServiceResult(
            id=row["id"],
            name=row["name"],
            alternate_names=tuple(filter(None, (row["alternate_names"] or "").split("\n"))),
            description=row["description"],
            url=row["url"],
            organization=row["organization"],
            phones=tuple(json.loads(row["phones_json"])),
            scope=int(row["scope"]),
            always_open=bool(row["always_open"]),
            cost=row["cost"],
            kitemark={
                "scheme": row["kitemark_scheme"],
                "scheme_name": row["kitemark_name"],
                "real": bool(row["kitemark_real"]),
                "status": row["kitemark_status"],
                "label": row["kitemark_label"],
                "wording": row["kitemark_wording"],
                "awarded": row["kitemark_awarded"],
                "awarded_by": row["kitemark_awarded_by"],
                "expires": row["kitemark_expires"],
            },
            last_verified=row["last_verified"],
            areas=tuple(json.loads(row["areas_json"])),
            needs=tuple(json.loads(row["needs_json"])),
            audiences=tuple(json.loads(row["audiences_json"])),
            open_now=open_now,
            next_open=next_open,
            next_open_text=describe_next_open(next_open, when),
        )
