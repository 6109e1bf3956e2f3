"""Opening hours in Europe/London: weekly windows (including overnight ones such as 20:00-02:00),
closure dates and England's bank holidays (from the `holidays` package).

A window belongs to the day it opens on: "fri 20:00-02:00" is open from Friday 20:00 until
Saturday 02:00, and it is closed if Friday is a closure date or a bank holiday (unless the
service says it opens on bank holidays).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

LONDON = ZoneInfo("Europe/London")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TIME = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])$")


@dataclass(frozen=True)
class Window:
    weekday: int  # 0 = Monday
    opens_at: str  # "HH:MM", local time
    closes_at: str  # "HH:MM"; at or before opens_at means the next day

    @property
    def overnight(self) -> bool:
        return self.closes_at <= self.opens_at

    def minutes(self) -> tuple[int, int]:
        """Start and end as minutes from the start of the opening day's week-day (end may be
        past 24:00 for an overnight window)."""
        start = _minutes(self.opens_at)
        end = _minutes(self.closes_at) + (24 * 60 if self.overnight else 0)
        return start, end


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def parse_windows(raw: object) -> list[Window]:
    """Check a `schedules` list; ValueError says what is wrong (bad time, unknown day, overlap)."""
    if not isinstance(raw, list) or not raw:
        raise ValueError("schedules must be 'always' or a list of {days, opens_at, closes_at}")
    windows: list[Window] = []
    for item in raw:
        if not isinstance(item, dict):
            raise ValueError("each schedule needs days, opens_at and closes_at")
        days = item.get("days")
        days = [days] if isinstance(days, str) else days
        opens, closes = str(item.get("opens_at", "")), str(item.get("closes_at", ""))
        if not days or not all(isinstance(d, str) and d.lower()[:3] in DAYS for d in days):
            raise ValueError(f"schedule days must be from {', '.join(DAYS)}, not {days!r}")
        for value in (opens, closes):
            if not _TIME.match(value):
                raise ValueError(f"schedule time {value!r} must be HH:MM between 00:00 and 23:59")
        if opens == closes:
            raise ValueError(f"schedule opens and closes at the same time ({opens})")
        windows.extend(Window(DAYS.index(d.lower()[:3]), opens, closes) for d in days)
    _check_overlaps(windows)
    return windows


def _check_overlaps(windows: list[Window]) -> None:
    week = 7 * 24 * 60
    spans = []
    for window in windows:
        start, end = window.minutes()
        base = window.weekday * 24 * 60
        spans.append((base + start, base + end, window))
    for i, (s1, e1, w1) in enumerate(spans):
        for s2, e2, w2 in spans[i + 1 :]:
            # compare on the weekly circle: an overnight Sunday window wraps into Monday
            for shift in (-week, 0, week):
                if s1 < e2 + shift and s2 + shift < e1:
                    raise ValueError(
                        f"schedules overlap: {DAYS[w1.weekday]} {w1.opens_at}-{w1.closes_at} and "
                        f"{DAYS[w2.weekday]} {w2.opens_at}-{w2.closes_at}"
                    )


@lru_cache(maxsize=16)
def _england_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("GB", subdiv="ENG", years=year)


def is_bank_holiday(day: dt.date) -> bool:
    return day in _england_holidays(day.year)


@dataclass(frozen=True)
class OpeningHours:
    always: bool
    windows: tuple[Window, ...] = ()
    closed_on: frozenset[dt.date] = frozenset()
    open_on_bank_holidays: bool = False

    def _day_closed(self, day: dt.date) -> bool:
        if day in self.closed_on:
            return True
        return not self.open_on_bank_holidays and is_bank_holiday(day)

    def is_open(self, when: dt.datetime) -> bool:
        """Whether the service is open at an aware datetime (any zone)."""
        if self.always:
            return True
        local = when.astimezone(LONDON)
        now = local.hour * 60 + local.minute
        today = local.date()
        for window in self.windows:
            start, end = window.minutes()
            if window.weekday == today.weekday() and start <= now < end:
                if not self._day_closed(today):
                    return True
            yesterday = today - dt.timedelta(days=1)
            if window.overnight and window.weekday == yesterday.weekday() and now < end - 1440:
                if not self._day_closed(yesterday):
                    return True
        return False

    def next_open(self, when: dt.datetime, days_ahead: int = 14) -> dt.datetime | None:
        """The next opening time after `when`, in Europe/London time; None if always open or
        nothing opens within `days_ahead` days."""
        if self.always or not self.windows:
            return None
        local = when.astimezone(LONDON)
        for offset in range(days_ahead + 1):
            day = local.date() + dt.timedelta(days=offset)
            if self._day_closed(day):
                continue
            starts = sorted(w.opens_at for w in self.windows if w.weekday == day.weekday())
            for opens in starts:
                hour, minute = map(int, opens.split(":"))
                candidate = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)
                if candidate > local:
                    return candidate
        return None


def describe_next_open(moment: dt.datetime | None, now: dt.datetime) -> str | None:
    """'today at 09:00', 'tomorrow at 09:00' or 'Monday at 09:00'."""
    if moment is None:
        return None
    local_now = now.astimezone(LONDON).date()
    if moment.date() == local_now:
        day = "today"
    elif moment.date() == local_now + dt.timedelta(days=1):
        day = "tomorrow"
    else:
        day = moment.strftime("%A")
    return f"{day} at {moment.strftime('%H:%M')}"
