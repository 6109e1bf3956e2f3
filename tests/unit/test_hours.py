"""Opening hours in Europe/London: overnight windows, bank holidays, closures, clock changes."""

from __future__ import annotations

import datetime as dt

import pytest

from cradle.catalogue.hours import LONDON, OpeningHours, parse_windows
from cradle.catalogue.store import SearchQuery

UTC = dt.timezone.utc
OFFICE = parse_windows(
    [{"days": ["mon", "tue", "wed", "thu", "fri"], "opens_at": "09:00", "closes_at": "17:00"}]
)
NIGHTS = parse_windows([{"days": ["fri", "sun"], "opens_at": "20:00", "closes_at": "02:00"}])
SUNDAY = parse_windows([{"days": ["sun"], "opens_at": "09:00", "closes_at": "17:00"}])


def london(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("windows", "when", "is_open"),
    [
        # office hours, a normal Monday in November (GMT)
        (OFFICE, london(2026, 11, 23, 8, 59), False),
        (OFFICE, london(2026, 11, 23, 9, 0), True),
        (OFFICE, london(2026, 11, 23, 16, 59), True),
        (OFFICE, london(2026, 11, 23, 17, 0), False),
        (OFFICE, london(2026, 11, 22, 12, 0), False),  # Sunday
        # overnight windows belong to the day they open
        (NIGHTS, london(2026, 11, 27, 19, 59), False),  # Friday
        (NIGHTS, london(2026, 11, 27, 20, 0), True),
        (NIGHTS, london(2026, 11, 28, 1, 30), True),  # Saturday small hours
        (NIGHTS, london(2026, 11, 28, 2, 0), False),
        (NIGHTS, london(2026, 11, 28, 21, 0), False),  # Saturday night: not a window
        (NIGHTS, london(2026, 11, 30, 1, 0), True),  # Sunday's window runs into Monday
        # England bank holidays close services unless they say otherwise
        (OFFICE, london(2026, 5, 4, 12, 0), False),  # early May bank holiday
        (OFFICE, london(2026, 12, 28, 12, 0), False),  # Boxing Day, substitute day
        (OFFICE, london(2026, 12, 29, 12, 0), True),
        # clock changes: 29 March and 25 October 2026 are Sundays
        (SUNDAY, dt.datetime(2026, 3, 29, 8, 30, tzinfo=UTC), True),  # 09:30 BST
        (SUNDAY, dt.datetime(2026, 3, 22, 8, 30, tzinfo=UTC), False),  # 08:30 GMT
        (SUNDAY, dt.datetime(2026, 10, 25, 8, 30, tzinfo=UTC), False),  # 08:30 GMT
        (SUNDAY, dt.datetime(2026, 10, 18, 8, 30, tzinfo=UTC), True),  # 09:30 BST
        (SUNDAY, dt.datetime(2026, 10, 25, 16, 30, tzinfo=UTC), True),  # 16:30 GMT
    ],
)
def test_is_open(windows, when, is_open):
    assert OpeningHours(False, tuple(windows)).is_open(when) is is_open


def test_closure_dates_and_bank_holiday_opening():
    hours = OpeningHours(False, tuple(OFFICE), frozenset({dt.date(2026, 12, 24)}))
    assert not hours.is_open(london(2026, 12, 24, 12, 0))
    opens_on_holidays = OpeningHours(False, tuple(OFFICE), open_on_bank_holidays=True)
    assert opens_on_holidays.is_open(london(2026, 5, 4, 12, 0))


def test_a_closure_on_friday_closes_the_night_that_runs_into_saturday():
    hours = OpeningHours(False, tuple(NIGHTS), frozenset({dt.date(2026, 11, 27)}))
    assert not hours.is_open(london(2026, 11, 28, 1, 0))


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        (london(2026, 11, 23, 18, 0), london(2026, 11, 24, 9, 0)),  # Monday evening -> Tuesday
        (london(2026, 11, 27, 18, 0), london(2026, 11, 30, 9, 0)),  # Friday evening -> Monday
        (london(2026, 12, 24, 18, 0), london(2026, 12, 29, 9, 0)),  # Christmas and Boxing Day
    ],
)
def test_next_open(when, expected):
    assert OpeningHours(False, tuple(OFFICE)).next_open(when) == expected


def test_always_open():
    assert OpeningHours(True).is_open(london(2026, 12, 25, 3, 0))


# --- search with opening hours (fixture catalogue) ---

FRIDAY_NIGHT = london(2026, 11, 27, 23, 0)
SATURDAY_NOON = london(2026, 11, 28, 12, 0)
MONDAY_NOON = london(2026, 11, 23, 12, 0)


def search(catalogue, **kwargs):
    return catalogue.search(SearchQuery(today=dt.date(2026, 11, 22), **kwargs))


@pytest.mark.parametrize(
    ("when", "open_ids"),
    [
        (FRIDAY_NIGHT, {"rugby-evening-text-line", "national-line"}),
        (SATURDAY_NOON, {"national-line"}),
        (MONDAY_NOON, {"rugby-evening-text-line", "national-line"}),
    ],
)
def test_open_now_filter(fixture_catalogue, when, open_ids):
    outcome = search(
        fixture_catalogue, needs=("anxiety",), district="rugby", when=when, open_now=True
    )
    assert {r.id for r in outcome.results} == open_ids


def test_closed_services_say_when_they_next_open(fixture_catalogue):
    outcome = search(fixture_catalogue, needs=("anxiety",), district="rugby", when=SATURDAY_NOON)
    line = next(r for r in outcome.results if r.id == "rugby-evening-text-line")
    assert not line.open_now and line.next_open_text == "Monday at 09:00"
    assert line.card()["opening"]["next_open"] == "2026-11-30T09:00:00+00:00"


def test_out_of_hours_always_includes_a_24_7_option(fixture_catalogue):
    outcome = search(
        fixture_catalogue, needs=("anxiety",), district="rugby", when=SATURDAY_NOON, limit=2
    )
    assert any(r.always_open for r in outcome.results)


def test_open_services_rank_first_within_the_same_scope(fixture_catalogue):
    results = search(
        fixture_catalogue,
        needs=("low-mood", "anxiety"),
        district="rugby",
        when=FRIDAY_NIGHT,
        limit=50,
    ).results
    assert results[0].id == "rugby-dads-group" or results[0].needs  # need match still first
    local = [r for r in results if r.scope == 0]
    assert local == sorted(local, key=lambda r: (-len(set(r.needs) & {"low-mood", "anxiety"}),))


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"contact": "text"}, {"rugby-evening-text-line"}),
        (
            {"cost": "free", "needs": ("anxiety",)},
            {"rugby-evening-text-line", "county-parents", "national-line"},
        ),
        ({"text": "Friday night"}, {"rugby-evening-text-line"}),
        # FTS operators typed by a user are quoted as words: no match, so only the 24/7 line
        ({"text": 'night" OR "x'}, {"national-line"}),
    ],
)
def test_contact_cost_and_full_text_filters(fixture_catalogue, kwargs, expected):
    outcome = search(fixture_catalogue, district="rugby", when=MONDAY_NOON, limit=50, **kwargs)
    assert {r.id for r in outcome.results} == expected
