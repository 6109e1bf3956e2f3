"""Read and check the human-edited service files in content/services/.

Each entry is checked before anything is built; every problem names its file and service id.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import phonenumbers

from cradle.areas import Areas
from cradle.catalogue.hours import Window, parse_windows
from cradle.catalogue.kitemark import Schemes, get_schemes
from cradle.content import topic_ids
from cradle.yamlio import ContentError, load_yaml

AUDIENCES = ("mums", "dads-and-partners", "parents", "families")
STAGES = ("pregnancy", "0-3-months", "3-12-months", "12-24-months")
ATTENDING_TYPES = ("phone", "text", "online", "in-person")
PHONE_TYPES = ("voice", "text")

SERVICE_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_REQUIRED = (
    "id",
    "name",
    "description",
    "organization",
    "service_areas",
    "audiences",
    "needs",
    "kitemark",
    "last_verified",
    "source",
)
# Every field an entry may have: a typo ("phone:" for "phones:") is an error, not a silent loss.
_FIELDS = frozenset(
    (
        *_REQUIRED,
        "alternate_names",
        "url",
        "email",
        "phones",
        "stages",
        "cost_options",
        "schedules",
        "closed_on",
        "open_on_bank_holidays",
        "attending_type",
        "languages",
        "crisis_only",
        "source_dated",
        "evidence",
    )
)
_PHONE_FIELDS = frozenset(("number", "type", "description", "source"))
# A service whose kite mark is only pending is never shown, so it may lack signposting details
# (e.g. straight after `cradle catalogue import`); an officer completes it before the award.
_OPTIONAL_WHEN_PENDING = ("service_areas", "audiences", "needs")


@dataclass
class Service:
    """One checked service, in the shape the database build expects."""

    id: str
    name: str
    description: str
    organization: dict[str, Any]
    url: str | None
    email: str | None
    phones: list[dict[str, str]]
    areas: list[str]
    audiences: list[str]
    needs: list[str]
    stages: list[str]
    cost: str | None  # None: not known
    always_open: bool
    windows: list[Window]
    closed_on: list[dt.date]
    open_on_bank_holidays: bool
    attending_types: list[str]
    languages: list[str]
    kitemark: dict[str, Any]
    last_verified: dt.date
    source: str
    crisis_only: bool = False  # only offered when the need is a crisis
    alternate_names: list[str] = field(default_factory=list)  # "perinatal team"
    file: str = ""


class CatalogueError(ContentError):
    """A service file is wrong; the message names the file and the entry."""


# Needs that are not topics: round-the-clock crisis lines, and groups where parents meet other
# parents ("baby groups in Rugby" is not a question about a feeling: the third user test).
CRISIS, MEETING = "crisis", "meeting-other-parents"


def known_needs(topics: Path | None = None) -> frozenset[str]:
    """Needs are topic ids, plus `crisis` and `meeting-other-parents`."""
    return frozenset(topic_ids(topics)) | {CRISIS, MEETING}


def _date(value: Any, what: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as err:
        raise ValueError(f"{what} must be a date like 2026-11-01, not {value!r}") from err


# Other names a service goes by ("the perinatal team"): short names, as a parent types them.
LONGEST_ALTERNATE = 60


def _alternate_names(entry: dict[str, Any]) -> list[str]:
    value = entry.get("alternate_names")
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError("alternate_names must be a list of names, each a short text")
    names = [" ".join(v.split()) for v in value]
    too_long = [n for n in names if len(n) > LONGEST_ALTERNATE]
    if too_long:
        raise ValueError(
            f"alternate name {too_long[0]!r} is longer than {LONGEST_ALTERNATE} characters"
        )
    return names


def _list(entry: dict[str, Any], key: str) -> list[str]:
    value = entry.get(key) or []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise ValueError(f"{key} must be a list")
    return [str(v) for v in value]


def _check_allowed(values: list[str], allowed: frozenset[str] | tuple[str, ...], key: str) -> None:
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise ValueError(
            f"unknown {key}: {', '.join(unknown)} (allowed: {', '.join(sorted(allowed))})"
        )


def normalise_phone(number: str, kind: str) -> str:
    """Check a UK number with phonenumbers; return it as written, with spaces tidied."""
    digits = re.sub(r"[\s()-]", "", number)
    if kind == "text" and re.fullmatch(r"[0-9]{5}", digits):
        return digits  # UK short codes for text services, e.g. 85258
    if re.fullmatch(r"1(1[0-9]|16[0-9]{3})", digits):
        return number.strip()  # 111, 116 123 and other 11x/116xxx numbers
    try:
        parsed = phonenumbers.parse(number, "GB")
    except phonenumbers.NumberParseException as err:
        raise ValueError(f"phone {number!r} is not a UK number") from err
    if not phonenumbers.is_valid_number_for_region(parsed, "GB"):
        raise ValueError(f"phone {number!r} is not a valid UK number")
    # Keep the organisation's own spacing ("0800 58 58 58"): it is how parents see it elsewhere.
    return " ".join(number.split())


# What a service may cost, as `cost_options` says; none given is not known, never "free" (README,
# "Is it free?", fifty-third session).
COSTS = ("free", "low-cost")


_SAYS_FREE = re.compile(r"\bfree\b", re.IGNORECASE)


def _cost(entry: dict[str, Any]) -> str | None:
    value = entry.get("cost_options")
    if value is not None and value not in COSTS:
        raise ValueError(f"cost_options must be one of {', '.join(COSTS)}, not {value!r}")
    if value is None and _SAYS_FREE.search(str(entry.get("description") or "")):
        # The card would say "free" and the cost answer "I don't know" (README, sixtieth
        # session): record the cost from the source, or take the word out.
        raise ValueError('the description says "free" but no cost_options is recorded')
    return value


def _flag(entry: dict[str, Any], key: str) -> bool:
    value = entry.get(key, False)
    if not isinstance(value, bool):
        raise ValueError(f"{key} must be true or false")
    return value


def _source(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value.startswith(("https://", "http://")):
        raise ValueError(f"{what} needs a source: the web page where it was read")
    return value


def parse_service(
    entry: Any, areas: Areas, schemes: Schemes | None = None, needs: frozenset[str] | None = None
) -> Service:
    """Check one entry against the allowed `needs` (default: known_needs()); raises ValueError
    with a plain reason."""
    schemes = schemes or get_schemes()
    if not isinstance(entry, dict):
        raise ValueError("each service must be a mapping of fields")
    unknown = sorted(set(map(str, entry)) - _FIELDS)
    if unknown:
        raise ValueError(f"unknown field {unknown[0]!r} (allowed: {', '.join(sorted(_FIELDS))})")
    kitemark_raw = entry.get("kitemark")
    pending = isinstance(kitemark_raw, dict) and kitemark_raw.get("status") == "pending"
    missing = [
        key
        for key in _REQUIRED
        if not entry.get(key) and not (pending and key in _OPTIONAL_WHEN_PENDING)
    ]
    if missing:
        raise ValueError(f"missing {', '.join(missing)}")
    service_id = str(entry["id"])
    if not SERVICE_ID.match(service_id):
        raise ValueError(f"id {service_id!r} must be lower-case words joined by hyphens")
    organization = entry["organization"]
    if not isinstance(organization, dict) or not organization.get("name"):
        raise ValueError("organization needs at least a name")
    area_ids = _list(entry, "service_areas")
    _check_allowed(area_ids, areas.all_ids, "service_areas")
    audiences = _list(entry, "audiences")
    _check_allowed(audiences, AUDIENCES, "audiences")
    service_needs = _list(entry, "needs")
    _check_allowed(service_needs, needs or known_needs(), "needs")
    stages = _list(entry, "stages")
    _check_allowed(stages, STAGES, "stages")
    attending = _list(entry, "attending_type")
    _check_allowed(attending, ATTENDING_TYPES, "attending_type")
    phones = []
    for phone in entry.get("phones") or []:
        if not isinstance(phone, dict) or not phone.get("number"):
            raise ValueError("each phone needs a number")
        stray = sorted(set(map(str, phone)) - _PHONE_FIELDS)
        if stray:
            # Usually an unquoted comma in a {flow: mapping} that cut the description short.
            raise ValueError(
                f"phone {phone['number']}: unknown field {stray[0]!r}; quote a description "
                "that contains a comma"
            )
        kind = str(phone.get("type", "voice"))
        _check_allowed([kind], PHONE_TYPES, "phone type")
        # A number parents may call must say where it was read, so it can be re-checked.
        number = normalise_phone(str(phone["number"]), kind)
        phones.append(
            {
                "number": number,
                "type": kind,
                "description": str(phone.get("description", "")),
                "source": _source(phone.get("source"), f"phone {number}"),
            }
        )
    mark = schemes.check(entry["kitemark"], _date)
    if entry.get("source_dated"):
        _date(entry["source_dated"], "source_dated")
    schedules = entry.get("schedules")
    always_open = schedules == "always"
    windows = [] if schedules is None or always_open else parse_windows(schedules)
    closed_on = [_date(d, "closed_on") for d in entry.get("closed_on") or []]
    return Service(
        id=service_id,
        name=str(entry["name"]).strip(),
        description=" ".join(str(entry["description"]).split()),
        organization={k: str(v) for k, v in organization.items()},
        url=entry.get("url"),
        email=entry.get("email"),
        phones=phones,
        areas=area_ids,
        audiences=audiences,
        needs=service_needs,
        stages=stages,
        cost=_cost(entry),
        always_open=always_open,
        windows=windows,
        closed_on=closed_on,
        open_on_bank_holidays=bool(entry.get("open_on_bank_holidays", False)),
        attending_types=attending,
        languages=_list(entry, "languages") or ["en"],
        kitemark={
            "scheme": mark.scheme.id,
            "status": mark.status,
            "awarded": mark.awarded.isoformat() if mark.awarded else None,
            "expires": mark.expires.isoformat() if mark.expires else None,
            "awarded_by": mark.awarded_by,
            "scheme_name": mark.scheme.name,
            "real": mark.scheme.real,
            "label": mark.scheme.card_label,
            "wording": mark.scheme.parent_wording,
        },
        last_verified=_date(entry["last_verified"], "last_verified"),
        source=_source(entry["source"], "last_verified"),
        crisis_only=_flag(entry, "crisis_only"),
        alternate_names=_alternate_names(entry),
    )


def load_services(
    folder: Path, areas: Areas, schemes: Schemes | None = None, topics: Path | None = None
) -> list[Service]:
    """Every service in every YAML file of the folder; all problems reported together.

    `topics`: the topic folder whose ids are the allowed needs (default content/topics/).
    """
    needs = known_needs(topics)
    files = sorted(folder.glob("*.yml")) + sorted(folder.glob("*.yaml"))
    if not files:
        raise CatalogueError(folder, "no service files (*.yml) found")
    services: list[Service] = []
    problems: list[str] = []
    seen: dict[str, str] = {}
    for path in files:
        data = load_yaml(path)
        entries = data.get("services")
        if not isinstance(entries, list):
            problems.append(f"{path}: expected a 'services' list")
            continue
        for index, entry in enumerate(entries, start=1):
            label = entry.get("id") if isinstance(entry, dict) and entry.get("id") else f"#{index}"
            try:
                service = parse_service(entry, areas, schemes, needs)
            except ValueError as err:
                problems.append(f"{path}: service {label}: {err}")
                continue
            if service.id in seen:
                problems.append(
                    f"{path}: service {label}: duplicate id (also in {seen[service.id]})"
                )
                continue
            seen[service.id] = str(path)
            service.file = str(path)
            services.append(service)
    if problems:
        raise CatalogueError(folder, "the catalogue was not built:\n  " + "\n  ".join(problems))
    return services
