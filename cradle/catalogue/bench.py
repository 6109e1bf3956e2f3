"""`make bench-catalogue`: build a synthetic 100,000-service catalogue and time searches.

Prints figures; it asserts nothing. Record what it prints in docs/performance.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import tempfile
import time
from pathlib import Path

import sqlite_utils

from cradle.areas import get_areas
from cradle.catalogue.build import write_database
from cradle.catalogue.hours import LONDON, Window
from cradle.catalogue.model import AUDIENCES, Service
from cradle.catalogue.search import needs_for_topic
from cradle.catalogue.store import Catalogue, SearchQuery
from cradle.content import topic_ids

WORDS = (
    "support",
    "group",
    "parents",
    "baby",
    "dads",
    "helpline",
    "counselling",
    "walk",
    "talk",
    "sleep",
    "crying",
    "mums",
    "peer",
    "online",
    "evening",
)


def synthetic_services(count: int, seed: int = 7) -> list[Service]:
    rng = random.Random(seed)
    topics = topic_ids()
    areas = [*get_areas().district_names, "warwickshire", "national"]
    services = []
    for i in range(count):
        always = rng.random() < 0.05
        windows = (
            []
            if always
            else [
                Window(
                    day, f"{rng.choice([8, 9, 10]):02d}:00", f"{rng.choice([16, 17, 18]):02d}:00"
                )
                for day in rng.sample(range(7), rng.randint(1, 5))
            ]
        )
        if not always and rng.random() < 0.1:
            windows.append(
                Window(
                    rng.choice(
                        [d for d in range(7) if d not in {w.weekday for w in windows}] or [0]
                    ),
                    "20:00",
                    "02:00",
                )
            )
        services.append(
            Service(
                id=f"svc-{i}",
                name=f"Service {i} {' '.join(rng.sample(WORDS, 2))}",
                description=" ".join(rng.choices(WORDS, k=12)),
                organization={"name": f"Org {i % 5000}"},
                url=f"https://example.org/{i}",
                email=None,
                phones=[
                    {
                        "number": "0113 496 0000",
                        "type": "voice",
                        "description": "",
                        "source": "https://example.org",
                    }
                ],
                areas=[rng.choice(areas)],
                audiences=rng.sample(AUDIENCES, rng.randint(1, 3)),
                needs=rng.sample(topics, rng.randint(1, 3)),
                stages=["0-3-months"],
                cost="free",
                always_open=always,
                windows=windows,
                closed_on=[],
                open_on_bank_holidays=False,
                attending_types=["phone"],
                languages=["en"],
                kitemark={
                    "scheme": "bench",
                    "status": rng.choice(["awarded"] * 9 + ["expired"]),
                    "awarded": "2026-01-01",
                    "expires": "2027-06-01",
                    "awarded_by": "Bench panel",
                    "scheme_name": "Bench scheme",
                    "real": True,
                    "label": "Kite-marked by the bench council",
                    "wording": "kite-marked services",
                },
                last_verified=dt.date(2026, rng.randint(1, 11), 1),
                source="https://example.org/synthetic",
            )
        )
    return services


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(0.95 * (len(ordered) - 1))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--services", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args(argv)
    areas = get_areas()
    rng = random.Random(11)
    topics = topic_ids()
    started = time.perf_counter()
    services = synthetic_services(args.services)
    generated = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        started = time.perf_counter()
        db = sqlite_utils.Database(path)
        write_database(db, services, areas)
        db.conn.commit()
        db.close()
        build = time.perf_counter() - started
        size_mb = path.stat().st_size / 1e6
        catalogue = Catalogue.open(path, frozenset(areas.district_names))
        when = dt.datetime(2026, 11, 24, 11, 0, tzinfo=LONDON)
        night = dt.datetime(2026, 11, 24, 23, 0, tzinfo=LONDON)
        districts = list(areas.district_names)
        kinds = {
            "need+area": lambda: SearchQuery(
                needs=(rng.choice(topics),),
                district=rng.choice(districts),
                when=when,
                audience=rng.choice(["mum", "dad-or-partner"]),
            ),
            "topic+area": lambda: SearchQuery(
                needs=needs_for_topic(rng.choice(topics)),
                district=rng.choice(districts),
                when=when,
                audience=rng.choice(["mum", "dad-or-partner", None]),
            ),
            "at 11pm": lambda: SearchQuery(
                needs=needs_for_topic(rng.choice(topics)),
                district=rng.choice(districts),
                when=night,
                audience=rng.choice(["mum", "dad-or-partner", None]),
            ),
            "full text": lambda: SearchQuery(
                text=" ".join(rng.sample(WORDS, 2)), when=when, district=rng.choice(districts)
            ),
            "open now": lambda: SearchQuery(
                needs=(rng.choice(topics),),
                district=rng.choice(districts),
                when=when,
                open_now=True,
            ),
        }
        print(
            f"catalogue benchmark: {args.services:,} synthetic services "
            f"(generated in {generated:.1f}s)"
        )
        print(f"build (write_database + FTS5 index): {build:.1f}s, {size_mb:.0f} MB")
        print(f"{'query':10} {'n':>5} {'p50 ms':>8} {'p95 ms':>8}")
        for name, make in kinds.items():
            catalogue.search(make())  # warm the page cache
            samples = []
            for _ in range(args.queries):
                query = make()
                t0 = time.perf_counter()
                catalogue.search(query)
                samples.append((time.perf_counter() - t0) * 1000)
            p50, p95 = percentiles(samples)
            print(f"{name:10} {args.queries:5d} {p50:8.2f} {p95:8.2f}")
        catalogue.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
