"""Open Referral UK: export the catalogue as ORUK JSON, and import an ORUK `/services` feed.

An import reads every page first, with timeouts and retries, maps each service into Cradle's
source format and checks it; only then does it write the output file, by atomic rename. A
failure at any point leaves the existing files untouched. Imported services get a *pending*
kite mark: they are never shown to parents until an officer completes and awards them.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import yaml

from cradle.areas import Areas, get_areas
from cradle.catalogue.hours import DAYS
from cradle.catalogue.model import LONGEST_ALTERNATE, parse_service
from cradle.catalogue.store import Catalogue
from cradle.content import topic_ids

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# Imported entries wait, unseen, until an officer checks them and lists (or awards) them.
KITEMARK_SCHEME = "cradle-illustrative"


class FeedImportError(RuntimeError):
    """The feed could not be imported; nothing was written. The message says why."""


# --- export -----------------------------------------------------------------------------------


def export_services(catalogue: Catalogue) -> dict[str, Any]:
    """Every service in the catalogue (whatever its kite mark) as one ORUK `/services` page."""
    db = catalogue._db
    services = []
    for row in db.query(
        "SELECT s.*, o.name AS org_name, o.url AS org_url, "
        "o.charity_number FROM services s JOIN organizations o "
        "ON o.id = s.organization_id ORDER BY s.id"
    ):
        sid = row["id"]
        hours = catalogue.opening_hours(row)
        schedules = [
            {
                "id": f"{sid}-schedule-{i}",
                "service_id": sid,
                "weekday": DAY_NAMES[w.weekday],
                "byday": DAYS[w.weekday][:2].upper(),
                "opens_at": w.opens_at,
                "closes_at": w.closes_at,
                "freq": "WEEKLY",
            }
            for i, w in enumerate(hours.windows)
        ]
        if hours.always:
            schedules = [
                {
                    "id": f"{sid}-schedule-{i}",
                    "service_id": sid,
                    "weekday": day,
                    "byday": day[:2].upper(),
                    "opens_at": "00:00",
                    "closes_at": "23:59",
                    "freq": "WEEKLY",
                    "description": "Open 24 hours",
                }
                for i, day in enumerate(DAY_NAMES)
            ]
        services.append(
            {
                "id": sid,
                "name": row["name"],
                # ORUK has one alternate name: the first of ours.
                "alternate_name": next(iter((row["alternate_names"] or "").splitlines()), None),
                "description": row["description"],
                "url": row["url"],
                "email": row["email"],
                "status": "active",
                "organization": {
                    "id": row["organization_id"],
                    "name": row["org_name"],
                    "description": row["org_name"],
                    "url": row["org_url"],
                },
                "contacts": [
                    {
                        "id": f"{sid}-contact",
                        "name": row["name"],
                        "phones": [
                            {"id": f"{sid}-phone-{i}", "number": p["number"], "language": "en"}
                            for i, p in enumerate(
                                db.query(
                                    "SELECT number FROM phones WHERE service_id = ? ORDER BY rowid",
                                    [sid],
                                )
                            )
                        ],
                    }
                ],
                "service_areas": [
                    {"id": f"{sid}-area-{r['area_id']}", "service_area": r["area_id"]}
                    for r in db.query(
                        "SELECT area_id FROM service_areas WHERE service_id = ?", [sid]
                    )
                ],
                "service_taxonomys": [
                    {
                        "id": f"{sid}-need-{r['need']}",
                        "taxonomy": {
                            "id": r["need"],
                            "name": r["need"],
                            "vocabulary": "cradle-needs",
                        },
                    }
                    for r in db.query("SELECT need FROM service_needs WHERE service_id = ?", [sid])
                ],
                "regular_schedules": schedules,
                "holiday_schedules": [
                    {
                        "id": f"{sid}-closed-{r['date']}",
                        "closed": True,
                        "start_date": r["date"],
                        "end_date": r["date"],
                    }
                    for r in db.query("SELECT date FROM closures WHERE service_id = ?", [sid])
                ],
                "cost_options": (
                    [{"id": f"{sid}-cost", "option": row["cost"]}] if row["cost"] else []
                ),
                "languages": [
                    {"id": f"{sid}-lang-{lang}", "language": lang}
                    for lang in json.loads(row["languages"] or "[]")
                ],
                "accreditations": _accreditation(row),
                "assured_date": row["last_verified"],
            }
        )
    return {
        "totalElements": len(services),
        "totalPages": 1,
        "number": 1,
        "size": len(services),
        "first": True,
        "last": True,
        "content": services,
    }


# --- import -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportSettings:
    per_page: int = 50
    timeout: float = 10.0
    retries: int = 3
    backoff: float = 0.5  # seconds, doubled after each failed attempt
    max_pages: int = 1000


async def _fetch_page(
    session: aiohttp.ClientSession, url: str, page: int, settings: ImportSettings
) -> dict[str, Any]:
    last_error = ""
    for attempt in range(settings.retries):
        if attempt:
            await asyncio.sleep(settings.backoff * 2 ** (attempt - 1))
        try:
            async with session.get(
                url,
                params={"page": page, "per_page": settings.per_page},
                timeout=aiohttp.ClientTimeout(total=settings.timeout),
            ) as reply:
                if reply.status >= 500 or reply.status == 429:
                    last_error = f"the server answered {reply.status}"
                    continue
                if reply.status != 200:
                    raise FeedImportError(f"page {page}: the server answered {reply.status}")
                try:
                    data = await reply.json(content_type=None)
                except (json.JSONDecodeError, aiohttp.ContentTypeError) as err:
                    raise FeedImportError(f"page {page} is not valid JSON") from err
        except (aiohttp.ClientError, asyncio.TimeoutError) as err:
            last_error = f"{type(err).__name__} {err}".strip()
            continue
        if not isinstance(data, dict) or not isinstance(
            data.get("content", data.get("contents")), list
        ):
            raise FeedImportError(f"page {page} is not an ORUK services page (no 'content' list)")
        return data
    raise FeedImportError(f"page {page} failed after {settings.retries} attempts: {last_error}")


async def fetch_all(url: str, settings: ImportSettings = ImportSettings()) -> list[dict[str, Any]]:
    """Every service from a paginated ORUK `/services` endpoint; any failed page fails all."""
    services: list[dict[str, Any]] = []
    async with aiohttp.ClientSession() as session:
        for page in range(1, settings.max_pages + 1):
            data = await _fetch_page(session, url, page, settings)
            items = data.get("content", data.get("contents")) or []
            services.extend(i for i in items if isinstance(i, dict))
            total_pages = data.get("totalPages", data.get("total_pages"))
            if (
                data.get("last") is True
                or not items
                or (isinstance(total_pages, int) and page >= total_pages)
            ):
                return services
    raise FeedImportError(f"more than {settings.max_pages} pages; stopping")


def _accreditation(row: dict[str, Any]) -> str:
    """What the mark really is, in words: a listing is never exported as an award."""
    if row["kitemark_status"] == "awarded":
        return (
            f"{row['kitemark_name']}: awarded by {row['kitemark_awarded_by']} "
            f"({row['kitemark_awarded']} to {row['kitemark_expires']})"
        )
    return f"{row['kitemark_name']}: {row['kitemark_status']} (not a kite mark)"


def _slug(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")[:60] or "service"


def map_service(item: dict[str, Any], areas: Areas, today: dt.date, source: str) -> dict[str, Any]:
    """One ORUK service in Cradle's source format, with a pending kite mark."""
    organization = item.get("organization") or {}
    phones = [
        {
            "number": str(p["number"]),
            "type": "voice",
            "description": str(c.get("name") or ""),
            "source": source,
        }
        for c in item.get("contacts") or []
        if isinstance(c, dict)
        for p in c.get("phones") or []
        if isinstance(p, dict) and p.get("number")
    ]
    area_ids = []
    for area in item.get("service_areas") or []:
        name = str((area or {}).get("service_area", ""))
        if name.lower() in ("warwickshire", "national"):
            area_ids.append(name.lower())
        elif (match := areas.resolve(name)).district:
            area_ids.append(match.district)
    needs = []
    for link in item.get("service_taxonomys") or []:
        name = _slug(str(((link or {}).get("taxonomy") or {}).get("name", "")))
        if name in topic_ids():
            needs.append(name)
    schedules = []
    for sched in item.get("regular_schedules") or []:
        day = str((sched or {}).get("weekday", ""))[:3].lower()
        opens, closes = str(sched.get("opens_at", ""))[:5], str(sched.get("closes_at", ""))[:5]
        if day in DAYS and opens and closes:
            schedules.append({"days": [day], "opens_at": opens, "closes_at": closes})
    entry: dict[str, Any] = {
        "id": f"oruk-{_slug(str(item.get('id', item.get('name', ''))))}",
        "name": str(item.get("name", "")).strip(),
        "description": str(item.get("description", "")).strip(),
        "organization": {
            "name": str(organization.get("name") or item.get("name", "")),
            **({"url": organization["url"]} if organization.get("url") else {}),
        },
        "url": item.get("url"),
        "phones": phones,
        "service_areas": sorted(set(area_ids)),
        "audiences": [],
        "needs": sorted(set(needs)),
        "cost_options": "free"
        if any(
            str((c or {}).get("option", "")).lower() == "free"
            for c in item.get("cost_options") or []
        )
        else "low-cost",
        "kitemark": {"scheme": KITEMARK_SCHEME, "status": "pending"},
        "last_verified": today.isoformat(),
        "source": source,
    }
    if item.get("email"):
        entry["email"] = item["email"]
    if schedules:
        entry["schedules"] = schedules
    if (other := alternate_name(item)) and len(other) <= LONGEST_ALTERNATE:
        entry["alternate_names"] = [other]
    return entry


def alternate_name(item: dict[str, Any]) -> str | None:
    """A service's ORUK `alternate_name`, spaces collapsed; None when it is missing, blank or
    only the service's name again."""
    value = item.get("alternate_name")
    if not isinstance(value, str) or not value.strip():
        return None
    other = " ".join(value.split())
    return None if other.lower() == " ".join(str(item.get("name", "")).split()).lower() else other


def left_out_name(item: dict[str, Any]) -> str | None:
    """The header line's words for an ORUK `alternate_name` left out of its entry (too long for a
    name a parent types, or not a text at all); None when it was used, missing or blank."""
    value = item.get("alternate_name")
    if value is not None and not isinstance(value, str):
        # A feed's mistake: listed for the officer rather than dropped without a word (README).
        kind = {bool: "true or false", int: "a number", float: "a number", list: "a list"}.get(
            type(value), "an object"
        )
        return f"not a text ({kind}): {json.dumps(value)[:LONGEST_ALTERNATE]}"
    other = alternate_name(item)
    return other if other and len(other) > LONGEST_ALTERNATE else None


def write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


async def import_feed(
    url: str, out: Path, settings: ImportSettings = ImportSettings(), today: dt.date | None = None
) -> int:
    """Fetch, map and check every service, then write `out`; returns the number imported."""
    today = today or dt.date.today()
    items = await fetch_all(url, settings)
    areas = get_areas()
    entries, problems, seen, left_out_names = [], [], set(), []
    for index, item in enumerate(items, start=1):
        entry = map_service(item, areas, today, url)
        if left_out := left_out_name(item):
            # Not a name a parent types: kept for the officer, not in the entry (README).
            left_out_names.append(f"# - {entry['id']}: {left_out}")
        if entry["id"] in seen:
            problems.append(f"service #{index} ({entry['id']}): duplicate id")
            continue
        seen.add(entry["id"])
        try:
            parse_service(entry, areas)
        except ValueError as err:
            problems.append(f"service #{index} ({entry['id']}): {err}")
            continue
        entries.append(entry)
    if problems:
        raise FeedImportError(
            "nothing was written; these services could not be mapped:\n  " + "\n  ".join(problems)
        )
    header = (
        f"# Imported from {url} on {today.isoformat()} by `cradle catalogue import`.\n"
        "# Every kite mark is pending: complete audiences and needs, then award it.\n"
    )
    if left_out_names:
        header += (
            f"# Other names left out of their entries (longer than {LONGEST_ALTERNATE} characters,"
            " or not a text; add a short form to alternate_names if parents use one):\n"
            + "\n".join(left_out_names)
            + "\n"
        )
    write_atomically(
        out,
        header
        + yaml.safe_dump({"services": entries}, sort_keys=False, allow_unicode=True, width=100),
    )
    return len(entries)
