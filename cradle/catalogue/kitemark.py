"""Quality schemes (content/kitemark.yml): what a service's mark really is, in one place.

A scheme is either real (owned and awarded by a named body, such as the council) or not (the
illustrative sample). Only a real scheme can award, and only with an awarding body and a date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from cradle.paths import content_dir
from cradle.yamlio import ContentError, load_yaml

# `listed` is the only status a scheme that is not real can give; `awarded` needs a real one.
STATUSES = ("awarded", "listed", "expired", "suspended", "pending")
SHOWN_STATUSES = ("awarded", "listed")
_FIELDS = ("name", "owner", "criteria", "card_label", "parent_wording")


@dataclass(frozen=True)
class Scheme:
    id: str
    name: str
    real: bool
    owner: str
    criteria: tuple[str, ...]
    awarding_bodies: tuple[str, ...]
    card_label: str
    parent_wording: str


@dataclass(frozen=True)
class Mark:
    """One service's checked mark, as the database stores it."""

    scheme: Scheme
    status: str
    awarded: dt.date | None
    expires: dt.date | None
    awarded_by: str | None


class Schemes:
    """The configured schemes, and the rules a service's `kitemark` entry must follow."""

    def __init__(self, schemes: dict[str, Scheme]) -> None:
        self.by_id = schemes

    @classmethod
    def from_file(cls, path: Path) -> Schemes:
        data = load_yaml(path)
        raw = data.get("schemes")
        if not isinstance(raw, dict) or not raw:
            raise ContentError(path, "expected a 'schemes' mapping with at least one scheme")
        schemes = {}
        for scheme_id, entry in raw.items():
            if not isinstance(entry, dict):
                raise ContentError(path, f"scheme {scheme_id!r} must be a mapping of fields")
            missing = [f for f in _FIELDS if not entry.get(f)]
            if missing or not isinstance(entry.get("real"), bool):
                missing += [] if isinstance(entry.get("real"), bool) else ["real (true/false)"]
                raise ContentError(path, f"scheme {scheme_id!r}: missing {', '.join(missing)}")
            bodies = tuple(str(b) for b in entry.get("awarding_bodies") or [])
            if entry["real"] and not bodies:
                raise ContentError(
                    path, f"scheme {scheme_id!r} is real but names no awarding_bodies"
                )
            schemes[str(scheme_id)] = Scheme(
                id=str(scheme_id),
                name=str(entry["name"]),
                real=entry["real"],
                owner=str(entry["owner"]),
                criteria=tuple(str(c) for c in entry["criteria"]),
                awarding_bodies=bodies,
                card_label=str(entry["card_label"]),
                parent_wording=str(entry["parent_wording"]),
            )
        return cls(schemes)

    @property
    def any_real(self) -> bool:
        return any(s.real for s in self.by_id.values())

    def check(self, raw: Any, date: Any) -> Mark:
        """A service's `kitemark` entry, checked; raises ValueError with a plain reason.

        `date` parses a date field (the catalogue's own parser, so messages match).
        """
        if not isinstance(raw, dict) or not raw.get("scheme"):
            raise ValueError("kitemark needs a scheme and a status")
        scheme = self.by_id.get(str(raw["scheme"]))
        if scheme is None:
            known = ", ".join(sorted(self.by_id))
            raise ValueError(f"kitemark scheme {raw['scheme']!r} is not in kitemark.yml ({known})")
        status = str(raw.get("status"))
        if status not in STATUSES:
            raise ValueError(f"unknown kitemark status: {status} (allowed: {', '.join(STATUSES)})")
        if status == "awarded" and not scheme.real:
            raise ValueError(
                f"{scheme.name!r} is not a real kite-mark scheme, so it cannot award: "
                "use status: listed"
            )
        if status == "listed" and scheme.real:
            raise ValueError(f"{scheme.name!r} awards marks: use status: awarded, not listed")
        awarded_by = str(raw["awarded_by"]) if raw.get("awarded_by") else None
        if scheme.real and status == "awarded":
            if awarded_by is None or not raw.get("awarded"):
                raise ValueError(
                    "an award needs an awarding body (awarded_by) and a date (awarded)"
                )
            if awarded_by not in scheme.awarding_bodies:
                raise ValueError(
                    f"awarded_by {awarded_by!r} is not one of {scheme.name!r}'s awarding bodies"
                )
        awarded = expires = None
        if not scheme.real:
            # A listing is not an award: it stays shown while the entry's verification is fresh.
            if raw.get("awarded") or raw.get("expires"):
                raise ValueError(
                    f"{scheme.name!r} does not award marks: remove awarded and expires"
                )
        elif not (status == "pending" and not raw.get("awarded")):
            awarded = date(raw.get("awarded"), "kitemark awarded")
            expires = date(raw.get("expires"), "kitemark expires")
            if expires < awarded:
                raise ValueError("kitemark expires before it was awarded")
        return Mark(scheme, status, awarded, expires, awarded_by)


@lru_cache(maxsize=4)
def _schemes_for(path: str) -> Schemes:
    return Schemes.from_file(Path(path))


def get_schemes(path: Path | None = None) -> Schemes:
    """The schemes for the content folder, loaded once per process."""
    return _schemes_for(str(path or content_dir() / "kitemark.yml"))
