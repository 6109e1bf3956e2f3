"""Insight log, report with small-number suppression, retention on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
from pathlib import Path

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from cradle.areas import get_areas
from cradle.insights import InsightLog, Turn, in_office_hours
from cradle.logscrub import MessageScrubber
from cradle.report import build_report, generate_demo, render_html, shown, write_csv
from cradle.retention import parse_age, purge_events, sqlite_url
from cradle.throwaway_postgres import postgres_server

UTC = dt.timezone.utc
DISTRICTS = frozenset(get_areas().district_names)


@pytest.mark.parametrize(
    ("when", "office"),
    [
        (dt.datetime(2026, 11, 23, 10, 0, tzinfo=UTC), True),  # Monday 10:00 GMT
        (dt.datetime(2026, 11, 23, 17, 30, tzinfo=UTC), False),
        (dt.datetime(2026, 11, 22, 12, 0, tzinfo=UTC), False),  # Sunday
        (dt.datetime(2026, 12, 25, 11, 0, tzinfo=UTC), False),  # Christmas Day
        (dt.datetime(2026, 7, 1, 8, 30, tzinfo=UTC), True),
    ],  # 09:30 BST
)
def test_office_hours(when, office):
    assert in_office_hours(when) is office


def test_only_allowlisted_values_are_written():
    log = InsightLog(None, DISTRICTS)
    log.record(
        Turn(
            when=dt.datetime(2026, 11, 23, 3, 0, tzinfo=UTC),
            channel="sms",
            topic="I want to die 07700900123",
            safety="very bad",
            audience="i'm a dad",
            district="x' OR 1=1",
            services=("samaritans", "<script>"),
            gap_need="low-mood",
            gap_group="parents like me in Rugby",
            feedback="it was rubbish",
            feedback_reason="free text here",
        )
    )
    [row] = log.rows(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert row == {
        "date": "2026-11-23",
        "month": "2026-11",
        "hour": 3,
        "weekday": "Monday",
        "office_hours": 0,
        "channel": "sms",
        "topic": None,
        "safety": "none",
        "audience": None,
        "district": None,
        "services": '["samaritans"]',
        "gap": 0,
        "gap_need": None,
        "gap_district": None,
        "feedback": None,
        "feedback_reason": None,
        "gap_group": None,
    }


@pytest.mark.parametrize(("count", "text"), [(0, "0"), (1, "<5"), (4, "<5"), (5, "5"), (12, "12")])
def test_small_numbers_are_suppressed(count, text):
    assert shown(count) == text


def test_the_report_suppresses_small_counts_and_renders_charts(tmp_path: Path):
    log = InsightLog(tmp_path / "insights.db", DISTRICTS)
    when = dt.datetime(2026, 11, 10, 22, 0, tzinfo=UTC)
    for _ in range(7):
        log.record(
            Turn(
                when=when,
                channel="web",
                topic="low-mood",
                audience="dad-or-partner",
                district="rugby",
                gap_need="low-mood",
                feedback="yes",
            )
        )
    for _ in range(3):
        log.record(
            Turn(
                when=when,
                channel="sms",
                topic="bonding",
                district="rugby",
                services=("samaritans",),
            )
        )
    report = build_report(log, dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    page = render_html(report)
    assert "data:image/png;base64," in page
    assert "<td>Bonding with your baby</td><td>&lt;5</td>" in page
    assert "<td>Feeling low or down</td><td>7</td>" in page
    assert ">3<" not in page.replace("2026-11", "")
    out = tmp_path / "report.csv"
    write_csv(report, out)
    csv_text = out.read_text()
    assert '"Topics asked about, by month",Bonding with your baby,2026-11,<5' in csv_text
    assert ",3\n" not in csv_text


def test_the_demo_month_goes_through_the_real_log(tmp_path: Path):
    log = InsightLog(tmp_path / "demo.db", DISTRICTS)
    count = generate_demo(log, days=3, end=dt.date(2026, 11, 22), per_day=20)
    assert count == InsightLog(tmp_path / "demo.db", DISTRICTS).count() > 0


def test_the_scrubber_removes_registered_text_and_phone_numbers():
    scrubber = MessageScrubber()
    scrubber.register("my secret purple elephant")
    line = "Received user message 'my secret purple elephant, call 07700 900123' from +447700900123"
    assert scrubber.scrub(line) == "Received user message '[message], call [phone]' from [phone]"


@pytest.mark.parametrize("text", ["30d", "30", " 7d "])
def test_parse_age(text):
    assert parse_age(text) in (30, 7)


@pytest.mark.parametrize("text", ["0d", "-1d", "thirty", "30w", ""])
def test_bad_ages_are_refused(text):
    with pytest.raises(ValueError):
        parse_age(text)


async def _fill_store(store: SQLTrackerStore) -> None:
    now = time.time()
    for sender, age_days in (("old-1", 40), ("old-2", 31), ("new-1", 1)):
        stamp = now - age_days * 86400
        tracker = DialogueStateTracker.from_events(
            sender,
            [
                ActionExecuted("action_listen", timestamp=stamp),
                UserUttered("hello", {"name": "greet", "confidence": 1.0}, timestamp=stamp),
            ],
        )
        await store.save(tracker)


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
async def test_purge_deletes_only_old_events_on_both_stores(tmp_path, dialect):
    domain = Domain.load("domain.yml")
    if dialect == "sqlite":
        path = tmp_path / "tracker.db"
        store = SQLTrackerStore(domain, dialect="sqlite", db=str(path))
        await _fill_store(store)
        result = purge_events(sqlite_url(str(path)), 30)
    else:
        with postgres_server() as url:
            port = int(url.rsplit(":", 1)[1].split("/")[0])
            store = SQLTrackerStore(
                domain,
                dialect="postgresql",
                host="127.0.0.1",
                port=port,
                db="postgres",
                username="postgres",
            )
            await _fill_store(store)
            result = purge_events(url, 30)
            left = purge_events(url, 30)
            store.engine.dispose()
            assert (left.before, left.deleted) == (2, 0)
    assert (result.before, result.deleted, result.after) == (6, 4, 2)


def test_every_replica_writes_one_log_in_postgresql_and_the_report_reads_it(tmp_path: Path):
    when = dt.datetime(2026, 11, 10, 22, 0, tzinfo=UTC)
    with postgres_server() as url:
        replicas = [InsightLog(url, DISTRICTS), InsightLog(url, DISTRICTS)]
        for number, log in enumerate(replicas):
            for _ in range(5 + number):
                log.record(Turn(when=when, channel="web", topic="low-mood", district="rugby"))
        report = build_report(
            InsightLog(url, DISTRICTS), dt.date(2026, 11, 1), dt.date(2026, 11, 30)
        )
        for log in replicas:
            log.close()
    assert report.turns == 11
    assert "<td>Feeling low or down</td><td>11</td>" in render_html(report)


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_a_log_kept_before_the_group_column_keeps_its_rows_and_gets_the_column(tmp_path, dialect):
    import sqlalchemy as sa

    from cradle.insights import TURNS

    # The table as the twenty-eighth session's version made it (no gap_group), with a row.
    old = sa.Table(
        TURNS.name, sa.MetaData(), *[c.copy() for c in TURNS.columns if c.name != "gap_group"]
    )
    row = {
        "date": "2026-11-02",
        "month": "2026-11",
        "hour": 4,
        "weekday": "Monday",
        "office_hours": 0,
        "channel": "sms",
        "topic": "bonding",
        "safety": "none",
        "services": "[]",
        "gap": 0,
    }

    def check(target: str) -> None:
        engine = sa.create_engine(target)
        old.create(engine)
        with engine.begin() as db:
            db.execute(old.insert(), [row])
        log = InsightLog(engine, DISTRICTS)
        InsightLog(engine, DISTRICTS)  # a second replica starting: nothing to add, no error
        when = dt.datetime(2026, 11, 3, 10, 0, tzinfo=UTC)
        log.record(Turn(when=when, channel="web", district="rugby", gap_group="lgbtq-parents"))
        rows = log.rows(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
        assert [(r["topic"], r["gap_group"]) for r in rows] == [
            ("bonding", None),
            (None, "lgbtq-parents"),
        ]
        engine.dispose()

    if dialect == "sqlite":
        check(f"sqlite:///{tmp_path / 'tracker.db'}")
    else:
        with postgres_server() as url:
            check(url)


def test_the_report_counts_groups_asking_for_services_not_listed_for_them():
    log = InsightLog(None, DISTRICTS)
    when = dt.datetime(2026, 11, 10, 22, 0, tzinfo=UTC)
    for _ in range(6):
        log.record(Turn(when=when, channel="web", district="rugby", gap_group="lgbtq-parents"))
    page = render_html(build_report(log, dt.date(2026, 11, 1), dt.date(2026, 11, 30)))
    assert "Groups of parents, or kinds of help, asked for and not listed" in page
    assert "<td>LGBTQ+ parents</td><td>rugby</td><td>6</td>" in page


def test_rows_from_the_old_insights_file_are_imported_once_not_lost(tmp_path: Path):
    old = tmp_path / "insights.db"
    with sqlite3.connect(old) as db:
        db.execute(
            "CREATE TABLE turns (date TEXT, month TEXT, hour INT, weekday TEXT, office_hours INT,"
            " channel TEXT, topic TEXT, safety TEXT, audience TEXT, district TEXT, services TEXT,"
            " gap INT, gap_need TEXT, gap_district TEXT, feedback TEXT, feedback_reason TEXT)"
        )
        db.execute(
            "INSERT INTO turns VALUES ('2026-11-02', '2026-11', 4, 'Monday', 0, 'sms', 'bonding',"
            " 'none', NULL, 'rugby', '[]', 0, NULL, NULL, 'yes', NULL)"
        )
    log = InsightLog(tmp_path / "tracker.db", DISTRICTS)
    assert log.import_legacy(old) == 1
    assert log.import_legacy(old) == 0  # renamed: a second start imports nothing twice
    [row] = log.rows(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert (row["topic"], row["district"], row["feedback"]) == ("bonding", "rugby", "yes")


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["--db-url", "postgresql://nobody@127.0.0.1:1/cradle"], "port 1 failed"),
        (["--db", "/nonexistent/insights.db"], "no insight log at /nonexistent/insights.db"),
        (["--db", "{demo}", "--from", "1 Nov"], "--from and --to are dates"),
    ],
    ids=["database unreachable", "no such file", "bad date"],
)
def test_the_report_command_names_what_is_wrong(tmp_path, capsys, args, error):
    from cradle.cli import main

    demo = tmp_path / "demo.db"
    InsightLog(demo, DISTRICTS).close()
    args = [a.replace("{demo}", str(demo)) for a in args]
    base = ["report", "--from", "2026-11-01", "--to", "2026-11-30", "--out", str(tmp_path / "r")]
    assert main(base + args) == 2
    assert error in capsys.readouterr().err
    assert not (tmp_path / "r").exists()
