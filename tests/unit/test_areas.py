"""Places parents type resolve to the right district, through the shipped lookup table."""

from __future__ import annotations

import pytest

from cradle.areas import get_areas, load_areas
from cradle.yamlio import ContentError


@pytest.mark.parametrize(
    ("typed", "district"),
    [
        ("Rugby", "rugby"),
        ("rugby", "rugby"),
        ("CV21", "rugby"),
        ("cv21 3AB", "rugby"),
        ("CV37", "stratford-on-avon"),
        ("Stratford-upon-Avon", "stratford-on-avon"),
        ("Leamington Spa", "warwick"),
        ("  kenilworth ", "warwick"),
        ("Nuneaton", "nuneaton-and-bedworth"),
        ("CV12", "nuneaton-and-bedworth"),
        ("Atherstone", "north-warwickshire"),
        ("nuneaton-and-bedworth", "nuneaton-and-bedworth"),
    ],
)
def test_known_places(typed, district):
    assert get_areas().resolve(typed).district == district


@pytest.mark.parametrize(
    "typed",
    ["Narnia", "London", "", "CV99", "x' OR 1=1", "national", "warwickshire", "Warwickshire"],
)
def test_unknown_places_resolve_to_nothing(typed):
    assert get_areas().resolve(typed).district is None


def test_coventry_is_outside_the_county_with_a_note():
    match = get_areas().resolve("CV1")
    assert match.district is None and "Coventry" in (match.outside_note or "")


def test_the_lookup_table_records_its_source():
    assert "Royal Mail" in get_areas().source


@pytest.mark.parametrize(
    ("typed", "district"),
    [
        ("Lemington", "warwick"),
        ("nuneton", "nuneaton-and-bedworth"),
        ("Nunnaton", "nuneaton-and-bedworth"),
        ("warwik", "warwick"),
        ("stratferd", "stratford-on-avon"),
        ("atherston", "north-warwickshire"),
        ("rugy", None),  # too short to guess
        ("birmingham", None),
        ("x' OR 1=1", None),
    ],
)
def test_common_misspellings_resolve_and_nothing_else_is_guessed(typed, district):
    assert get_areas().resolve(typed).district == district


@pytest.mark.parametrize(
    ("text", "district"),
    [
        ("are there any groups for dads in rugby", "rugby"),
        ("anything near CV34 please", "warwick"),
        ("groups in stratford upon avon", "stratford-on-avon"),
        ("who can I text for help at night", None),
    ],
)
def test_a_place_named_in_a_sentence_is_found(text, district):
    assert get_areas().find_in_text(text).district == district


@pytest.mark.parametrize("value", ["[Leamington, Kenilworth]", "''", "7"])
def test_a_district_named_in_words_must_be_text(tmp_path, value):
    path = tmp_path / "areas.yml"
    path.write_text(f"districts:\n  - id: warwick\n    name: Warwick\n    in_words: {value}\n")
    with pytest.raises(ContentError, match="in_words of 'warwick' must be text"):
        load_areas(path)


def test_a_district_named_in_words_keeps_its_towns_in_replies():
    assert get_areas().named("warwick").startswith("Warwick district (Leamington")
    assert get_areas().named("rugby") == "Rugby"  # no in_words: its own name
