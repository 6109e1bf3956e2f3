"""The catalogue: validation names file and entry, search rules, hostile input."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from cradle.areas import get_areas
from cradle.catalogue.build import build_catalogue
from cradle.catalogue.hours import LONDON
from cradle.catalogue.model import CRISIS, CatalogueError, load_services
from cradle.catalogue.search import request_from_slots
from cradle.catalogue.store import BadQuery, Catalogue, CatalogueUnavailable, SearchQuery
from cradle.paths import content_dir
from tests.conftest import TODAY, build_fixture, write_services

NOON = dt.datetime(2026, 11, 23, 12, 0, tzinfo=LONDON)  # a Monday


def ids(catalogue: Catalogue, **kwargs) -> list[str]:
    kwargs.setdefault("when", NOON)
    return [r.id for r in catalogue.search(SearchQuery(today=TODAY, **kwargs)).results]


def test_only_current_kitemarked_recently_verified_services_are_offered(fixture_catalogue):
    found = ids(fixture_catalogue, needs=("low-mood",), district="rugby", limit=50)
    assert set(found) == {"rugby-mums-group", "rugby-dads-group", "county-parents", "national-line"}


@pytest.mark.parametrize(
    "service_id", ["expired-service", "suspended-service", "stale-service", "pending-service"]
)
def test_excluded_services_are_not_returned_by_id(fixture_catalogue, service_id):
    assert fixture_catalogue.get(service_id, today=TODAY) is None


@pytest.mark.parametrize(
    ("audience", "first"),
    [("mum", "rugby-mums-group"), ("dad-or-partner", "rugby-dads-group")],
)
def test_audience_match_ranks_first_among_local(fixture_catalogue, audience, first):
    found = ids(fixture_catalogue, needs=("low-mood",), district="rugby", audience=audience)
    assert found[0] == first


def test_audience_filter_leaves_out_services_for_others(fixture_catalogue):
    found = ids(fixture_catalogue, needs=("low-mood",), district="rugby", audience="mum")
    assert "rugby-dads-group" not in found


def test_local_before_county_before_national(fixture_catalogue):
    found = ids(fixture_catalogue, needs=("anxiety",), district="rugby")
    assert found == ["rugby-evening-text-line", "county-parents", "national-line"]


def test_a_district_with_no_local_service_gets_county_and_national(fixture_catalogue):
    outcome = fixture_catalogue.search(
        SearchQuery(needs=("low-mood",), district="warwick", today=TODAY, when=NOON)
    )
    assert [r.scope for r in outcome.results] == [1, 2]
    assert not outcome.local_found


@pytest.mark.parametrize(
    "bad",
    [
        {"district": "x' OR 1=1"},
        {"district": "rugby; DROP TABLE services"},
        {"needs": ("low-mood' --",)},
        {"audience": "dad' OR '1'='1"},
        {"limit": 0},
        # an area outside the county is one some services reach, and only for a parent there
        {"served_by": "leeds' OR 1=1", "include_county": False},
        {"served_by": "coventry", "include_county": True},
    ],
)
def test_hostile_values_are_refused_before_any_query(fixture_catalogue, bad):
    with pytest.raises(BadQuery):
        fixture_catalogue.search(SearchQuery(today=TODAY, **bad))


@pytest.mark.parametrize("area", ["x' OR 1=1", "'; DROP TABLE services; --", "%", "*", 42, None])
def test_hostile_slot_values_never_reach_sql(area):
    request = request_from_slots("low-mood", area, "mum")
    assert request.query.district is None


@pytest.mark.parametrize(
    ("area", "audience", "covering"),
    [
        # The fifteenth user test's council officer: "And for someone living in Coventry?"
        (
            "coventry",
            "mum",
            {
                "Perinatal mental health team (Coventry and Warwickshire)",
                "NHS Talking Therapies (Coventry and Warwickshire)",
            },
        ),
        ("CV1", None, {"NHS Talking Therapies (Coventry and Warwickshire)"}),
        ("birmingham", "mum", set()),
    ],
)
def test_a_place_outside_gets_the_services_that_reach_it_and_national_ones(
    real_catalogue, area, audience, covering
):
    request = request_from_slots("low-mood", area, audience)
    # By day: between 9pm and 8am services open now come first, whatever their reach.
    found = real_catalogue.search(dataclasses.replace(request.query, when=NOON)).results
    reaching = {r.name for r in found if r.scope != 2}
    assert reaching == covering  # never a Warwickshire-only service
    assert all(r.scope == 1 for r in found if r.name in covering)
    assert [r.scope for r in found] == sorted(r.scope for r in found)  # before national ones


@pytest.mark.parametrize(
    ("place", "scopes"),
    [
        ("rugby", {"rugby": 0, "warwickshire": 1, "national": 2}),
        ("*", {"warwickshire": 1, "national": 2}),  # no place given
        ("!", {"national": 2}),  # outside the county, nothing reaches it
        ("!coventry", {"coventry": 1, "national": 2}),  # outside, Coventry's services reach it
    ],
)
def test_where_a_parent_is_decides_which_service_areas_cover_them(place, scopes):
    from cradle.catalogue.ranking import area_scopes

    assert area_scopes(place, ["rugby"]) == scopes


def test_every_district_has_services_for_mums_and_for_dads(real_catalogue):
    for district in get_areas().district_names:
        for audience in ("mum", "dad-or-partner"):
            found = real_catalogue.search(SearchQuery(district=district, audience=audience))
            assert found.results, (district, audience)


def _entry(**changes):
    entry = {
        "id": "new-service",
        "name": "New",
        "description": "d",
        "organization": {"name": "Org"},
        "service_areas": ["rugby"],
        "audiences": ["parents"],
        "needs": ["low-mood"],
        "last_verified": "2026-10-01",
        "source": "https://example.org/new",
        "kitemark": {
            "scheme": "fixture",
            "status": "awarded",
            "awarded_by": "Fixture panel",
            "awarded": "2026-01-01",
            "expires": "2027-01-01",
        },
    }
    entry.update(changes)
    return entry


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"service_areas": ["narnia"]}, "unknown service_areas: narnia"),
        ({"needs": ["astrology"]}, "unknown needs: astrology"),
        ({"cost_options": "cheap"}, "cost_options must be one of free, low-cost"),
        # The card and the cost answer agree (README, sixtieth session).
        ({"description": "A free group for mums."}, 'the description says "free"'),
        ({"phones": [{"number": "12345", "type": "voice"}]}, "not a valid UK number"),
        ({"phones": [{"number": "+1 212 555 0100", "type": "voice"}]}, "not a valid UK number"),
        ({"kitemark": None}, "missing kitemark"),
        # Kite marks that mean something: only a real scheme awards, through a named body.
        (
            {"kitemark": {"scheme": "fixture", "status": "awarded", "awarded": "2026-01-01"}},
            "an award needs an awarding body (awarded_by) and a date",
        ),
        (
            {
                "kitemark": {
                    "scheme": "fixture",
                    "status": "awarded",
                    "awarded_by": "Fixture panel",
                    "expires": "2027-01-01",
                }
            },
            "an award needs an awarding body (awarded_by) and a date",
        ),
        (
            {
                "kitemark": {
                    "scheme": "fixture",
                    "status": "awarded",
                    "awarded_by": "My mate Dave",
                    "awarded": "2026-01-01",
                    "expires": "2027-01-01",
                }
            },
            "is not one of 'Fixture kite mark''s awarding bodies",
        ),
        ({"kitemark": {"scheme": "sample", "status": "awarded"}}, "cannot award"),
        (
            {"kitemark": {"scheme": "sample", "status": "listed", "awarded": "2026-01-01"}},
            "does not award marks",
        ),
        ({"kitemark": {"scheme": "gold-star", "status": "listed"}}, "not in kitemark.yml"),
        # Numbers and verification dates come with the page they were read on.
        ({"phones": [{"number": "0113 496 0001", "type": "voice"}]}, "needs a source"),
        ({"source": "the website"}, "last_verified needs a source"),
        (
            {"phones": [{"number": "0113 496 0001", "source": "https://e.org", "24/7": None}]},
            "quote a description",
        ),
        ({"phone": [{"number": "0113 496 0001"}]}, "unknown field 'phone'"),
        # Other names a service goes by (README, fifty-eighth session): short texts, in a list.
        ({"alternate_names": 7}, "alternate_names must be a list"),
        ({"alternate_names": "perinatal team"}, "alternate_names must be a list"),
        ({"alternate_names": ["perinatal team", " "]}, "alternate_names must be a list"),
        ({"alternate_names": ["x" * 61]}, "longer than 60 characters"),
        ({"id": "rugby-mums-group"}, "duplicate id"),
        (
            {"schedules": [{"days": ["mon"], "opens_at": "25:00", "closes_at": "17:00"}]},
            "schedule time '25:00'",
        ),
        (
            {
                "schedules": [
                    {"days": ["mon"], "opens_at": "09:00", "closes_at": "17:00"},
                    {"days": ["mon"], "opens_at": "16:00", "closes_at": "20:00"},
                ]
            },
            "schedules overlap",
        ),
        (
            {
                "schedules": [
                    {"days": ["sun"], "opens_at": "22:00", "closes_at": "03:00"},
                    {"days": ["mon"], "opens_at": "02:00", "closes_at": "09:00"},
                ]
            },
            "schedules overlap",
        ),
        (
            {"schedules": [{"days": ["funday"], "opens_at": "09:00", "closes_at": "17:00"}]},
            "schedule days",
        ),
    ],
)
def test_bad_entries_name_file_and_entry_and_build_nothing(services_dir, tmp_path, changes, reason):
    out = tmp_path / "catalogue.db"
    build_fixture(services_dir, out)
    before = out.read_bytes()
    write_services(services_dir, [_entry(**changes)])
    with pytest.raises(CatalogueError) as err:
        build_fixture(services_dir, out)
    assert "extra.yml" in str(err.value)
    assert reason in str(err.value)
    assert out.read_bytes() == before  # the old catalogue is untouched


def test_a_service_with_no_cost_options_is_not_called_free(services_dir, tmp_path):
    # Every service without a cost was recorded as free, with no source saying so (README, "Is it
    # free?", fifty-third session).
    write_services(services_dir, [_entry(), _entry(id="free-service", cost_options="free")])
    out = tmp_path / "catalogue.db"
    build_fixture(services_dir, out)
    catalogue = Catalogue.open(out, frozenset(get_areas().district_names))
    free = ids(catalogue, needs=("low-mood",), district="rugby", cost="free", limit=50)
    assert "free-service" in free and "new-service" not in free
    assert "new-service" in ids(catalogue, needs=("low-mood",), district="rugby", limit=50)
    assert catalogue.get("new-service", today=TODAY, when=NOON).cost is None


@pytest.mark.parametrize(
    "changes",
    [
        {"description": "A free group for mums.", "cost_options": "free"},
        {"description": "A free first session, then a small charge.", "cost_options": "low-cost"},
        {"description": "A group for mums."},
    ],
)
def test_a_description_saying_free_builds_with_a_recorded_cost(services_dir, tmp_path, changes):
    write_services(services_dir, [_entry(**changes)])
    out = tmp_path / "catalogue.db"
    build_fixture(services_dir, out)
    catalogue = Catalogue.open(out, frozenset(get_areas().district_names))
    found = catalogue.get("new-service", today=TODAY, when=NOON)
    assert found is not None and found.cost == changes.get("cost_options")


def test_a_service_is_found_by_another_name_it_goes_by(services_dir, tmp_path):
    # "is the perinatal team free" (README, "Other names a service goes by", fifty-eighth
    # session): the name index searches the other names too, and the export carries the first.
    from cradle.catalogue.oruk import export_services

    write_services(
        services_dir,
        [_entry(name="Perinatal mental health team", alternate_names=["perinatal team", "pmh"])],
    )
    out = tmp_path / "catalogue.db"
    build_fixture(services_dir, out)
    catalogue = Catalogue.open(out, frozenset(get_areas().district_names))
    found = catalogue.with_names_like(["pmh"], when=NOON)
    assert [s.id for s in found] == ["new-service"]
    assert found[0].names == ("Perinatal mental health team", "perinatal team", "pmh")
    assert not catalogue.with_names_like(["zzz"], when=NOON)
    exported = {s["id"]: s for s in export_services(catalogue)["content"]}
    assert exported["new-service"]["alternate_name"] == "perinatal team"


def _phone(number: str) -> list[dict[str, str]]:
    return [{"number": number, "type": "voice", "source": "https://example.org/new"}]


def test_a_service_is_found_by_its_phone_number_as_typed(services_dir, tmp_path):
    # "is the 0808 2000 247 one for men" (README, "a phone number in a question about a service",
    # sixtieth session): numbers kept as written are compared by their digits; a service parents
    # may not see is not found by its number either.
    pending = {"scheme": "fixture", "status": "pending"}
    write_services(
        services_dir,
        [
            _entry(phones=_phone("(01926) 410 410")),
            _entry(id="unlisted-service", phones=_phone("+44 24 7600 0000"), kitemark=pending),
            _entry(id="plus-service", phones=_phone("+44 1788 000 000")),
        ],
    )
    out = tmp_path / "catalogue.db"
    build_fixture(services_dir, out)
    catalogue = Catalogue.open(out, frozenset(get_areas().district_names))
    assert [s.id for s in catalogue.with_phone(["01926410410"], when=NOON)] == ["new-service"]
    assert [s.id for s in catalogue.with_phone(["01788000000"], when=NOON)] == ["plus-service"]
    assert not catalogue.with_phone(["02476000000"], when=NOON)
    assert not catalogue.with_phone(["01926"], when=NOON)
    assert not catalogue.with_phone([], when=NOON)


@pytest.mark.parametrize("hour", [12, 2])
def test_a_search_without_crisis_lines_leaves_them_out_by_day_and_at_night(real_catalogue, hour):
    # "someone to talk to in the evenings, not a crisis line" (README, sixtieth session): no
    # service with the crisis need, nor one added as the backup at night.
    from cradle.service_request import get_request_reader

    crisis = {
        s.id for s in load_services(content_dir() / "services", get_areas()) if CRISIS in s.needs
    }
    query = SearchQuery(
        needs=get_request_reader().no_need_named,
        district="stratford-on-avon",
        when=NOON.replace(hour=hour),
    )
    assert crisis & {r.id for r in real_catalogue.search(query).results}  # the list as before
    found = real_catalogue.search(dataclasses.replace(query, without_crisis_lines=True)).results
    assert found and not crisis & {r.id for r in found}, [r.id for r in found]


def test_a_yaml_syntax_error_names_the_line(services_dir, tmp_path):
    (services_dir / "broken.yml").write_text("services:\n  - id: x\n   name: bad indent\n")
    with pytest.raises(Exception) as err:
        build_fixture(services_dir, tmp_path / "c.db")
    assert "broken.yml:3" in str(err.value)


def test_missing_catalogue_is_a_clear_error(tmp_path: Path):
    with pytest.raises(CatalogueUnavailable, match="cradle catalogue build"):
        Catalogue.open(tmp_path / "nope.db", frozenset())


def test_catalogue_is_opened_read_only(fixture_catalogue):
    with pytest.raises(Exception, match="readonly"):
        fixture_catalogue._db.execute("DELETE FROM services")


def test_shipped_catalogue_builds(tmp_path):
    report = build_catalogue(content_dir() / "services", tmp_path / "c.db")
    assert report.services >= 10


@pytest.mark.parametrize(
    ("asked", "audience", "instead"),
    [
        # An abuse line for women, asked about for a man: the one for men, every need met
        # (README, "Can men call the National Domestic Abuse Helpline?", fifty-ninth session).
        ("women-line", "dad-or-partner", "men-line"),
        ("men-line", "mum", "women-line"),
        # A stay-and-play for dads, asked about for a mum: the specialist team shares one need
        # only, and the group for parents in general is not "for mums", so none.
        ("dads-group", "mum", None),
    ],
)
def test_a_service_for_someone_else_is_matched_only_by_one_for_them_with_the_same_help(
    services_dir, tmp_path, asked, audience, instead
):
    def entry(service_id, audiences, needs):
        # County-wide: with no place named, a search looks county-wide and nationally.
        return _entry(
            id=service_id,
            name=service_id,
            audiences=audiences,
            needs=needs,
            service_areas=["warwickshire"],
        )

    write_services(
        services_dir,
        [
            entry("women-line", ["mums"], ["domestic-abuse", "relationships"]),
            entry("men-line", ["dads-and-partners"], ["domestic-abuse", "relationships"]),
            entry(
                "dads-group", ["dads-and-partners"], ["dads", "bonding", "meeting-other-parents"]
            ),
            entry("mums-team", ["mums"], ["bonding", "low-mood"]),
            entry("parents-group", ["parents"], ["bonding", "meeting-other-parents"]),
        ],
    )
    out = tmp_path / "catalogue.db"
    build_fixture(services_dir, out)
    catalogue = Catalogue.open(out, frozenset(get_areas().district_names))
    found = catalogue.instead_for(catalogue.get(asked, when=NOON), audience, when=NOON)
    assert (found.id if found else None) == instead
