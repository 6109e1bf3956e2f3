"""Open Referral UK import (against a local aiohttp server) and export."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from pathlib import Path

import pytest
import yaml
from aiohttp import web

from cradle.catalogue.build import build_catalogue
from cradle.catalogue.oruk import FeedImportError, ImportSettings, export_services, import_feed

FAST = ImportSettings(per_page=2, timeout=0.5, retries=2, backoff=0.01)


def oruk_service(n: int) -> dict:
    return {
        "id": f"svc-{n}",
        "name": f"Parent group {n}",
        "description": "A group for new parents.",
        "url": "https://example.org",
        "organization": {"id": "org", "name": "Example charity", "url": "https://example.org"},
        "contacts": [
            {"id": "c", "name": "Office", "phones": [{"id": "p", "number": "0113 496 0001"}]}
        ],
        "service_areas": [{"id": "a", "service_area": "Rugby"}],
        "service_taxonomys": [{"id": "t", "taxonomy": {"id": "x", "name": "Low mood"}}],
        "regular_schedules": [
            {"id": "s", "weekday": "Tuesday", "opens_at": "10:00:00", "closes_at": "12:00:00"}
        ],
        "cost_options": [{"id": "co", "option": "Free"}],
    }


def make_feed(pages: dict[int, object], delay: dict[int, float] | None = None):
    calls: list[int] = []

    async def handler(request: web.Request) -> web.Response:
        page = int(request.query.get("page", "1"))
        calls.append(page)
        if delay and page in delay:
            await asyncio.sleep(delay[page])
        body = pages.get(page)
        if isinstance(body, str):
            return web.Response(text=body, content_type="application/json")
        if body is None:
            return web.Response(status=500)
        return web.json_response(body)

    app = web.Application()
    app.router.add_get("/services", handler)
    return app, calls


def page(items: list, number: int, total: int) -> dict:
    return {"content": items, "number": number, "totalPages": total, "last": number == total}


async def test_a_full_import_writes_checked_entries_with_pending_kitemarks(
    aiohttp_server, tmp_path
):
    app, calls = make_feed(
        {1: page([oruk_service(1), oruk_service(2)], 1, 2), 2: page([oruk_service(3)], 2, 2)}
    )
    server = await aiohttp_server(app)
    out = tmp_path / "services" / "imported.yml"
    count = await import_feed(str(server.make_url("/services")), out, FAST, dt.date(2026, 11, 22))
    assert count == 3 and calls == [1, 2]
    text = out.read_text()
    assert "status: pending" in text and "rugby" in text and "low-mood" in text
    report = build_catalogue(out.parent, tmp_path / "c.db")
    assert report.services == 3


async def test_an_import_reads_other_names_and_lists_the_unusable_ones_for_the_officer(
    aiohttp_server, tmp_path
):
    # README, "Open Referral UK" (fifty-ninth and sixtieth sessions): a short other name is read,
    # one too long for a name a parent types or not a text goes to the header, a repeat of the
    # name and a blank are dropped.
    long_name = (
        "The Coventry and Warwickshire Partnership NHS Trust perinatal mental health service"
    )
    named = [
        {**oruk_service(1), "alternate_name": "  perinatal   team "},
        {**oruk_service(2), "alternate_name": long_name},
        {**oruk_service(3), "alternate_name": "parent GROUP 3"},
        {**oruk_service(4), "alternate_name": "   "},
        # Sixtieth session: not a text at all, listed for the officer rather than dropped.
        {**oruk_service(5), "alternate_name": 12345},
        {**oruk_service(6), "alternate_name": ["perinatal team", "PMHS"]},
    ]
    app, _ = make_feed({1: page(named, 1, 1)})
    server = await aiohttp_server(app)
    out = tmp_path / "services" / "imported.yml"
    count = await import_feed(str(server.make_url("/services")), out, FAST, dt.date(2026, 11, 22))
    assert count == 6
    entries = {e["id"]: e for e in yaml.safe_load(out.read_text())["services"]}
    assert entries["oruk-svc-1"]["alternate_names"] == ["perinatal team"]
    assert not any("alternate_names" in entries[f"oruk-svc-{n}"] for n in (2, 3, 4, 5, 6))
    header = [line for line in out.read_text().splitlines() if line.startswith("#")]
    assert f"# - oruk-svc-2: {long_name}" in header
    assert "# - oruk-svc-5: not a text (a number): 12345" in header
    assert '# - oruk-svc-6: not a text (a list): ["perinatal team", "PMHS"]' in header
    assert not any(line.startswith(("# - oruk-svc-3", "# - oruk-svc-4")) for line in header)
    assert build_catalogue(out.parent, tmp_path / "c.db").services == 6


@pytest.mark.parametrize(
    ("pages", "delay", "message"),
    [
        ({1: page([oruk_service(1)], 1, 2), 2: "{not json"}, None, "page 2 is not valid JSON"),
        ({1: page([oruk_service(1)], 1, 2)}, None, "page 2 failed after 2 attempts"),
        ({1: {"items": []}}, None, "not an ORUK services page"),
        ({1: page([oruk_service(1)], 1, 1)}, {1: 2.0}, "page 1 failed after 2 attempts"),
        ({1: page([{"id": "x"}], 1, 1)}, None, "could not be mapped"),
    ],
)
async def test_a_broken_feed_writes_nothing(aiohttp_server, tmp_path, pages, delay, message):
    app, _ = make_feed(pages, delay)
    server = await aiohttp_server(app)
    out = tmp_path / "imported.yml"
    out.write_text("# the previous import\n")
    with pytest.raises(FeedImportError, match=message):
        await import_feed(str(server.make_url("/services")), out, FAST)
    assert out.read_text() == "# the previous import\n"


def test_export_is_oruk_shaped(real_catalogue, tmp_path: Path):
    data = export_services(real_catalogue)
    assert data["totalElements"] == len(data["content"]) >= 10
    samaritans = next(s for s in data["content"] if s["id"] == "samaritans")
    assert samaritans["contacts"][0]["phones"][0]["number"] == "116 123"
    assert samaritans["service_areas"] == [
        {"id": "samaritans-area-national", "service_area": "national"}
    ]
    assert len(samaritans["regular_schedules"]) == 7
    assert samaritans["cost_options"] == [{"id": "samaritans-cost", "option": "free"}]
    # No cost option where the catalogue knows none (README, "Is it free?").
    saturdads = next(s for s in data["content"] if s["id"] == "saturdads-rugby")
    assert saturdads["cost_options"] == []
    json.dumps(data)  # serialisable
