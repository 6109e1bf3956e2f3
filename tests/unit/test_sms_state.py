"""SMS opt-outs and numbered options live in the tracker store's database, so every replica
shares them: SQLite by default, PostgreSQL when scaled out (a real server here)."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from cradle import sms_state
from cradle.shared_state import state_url
from cradle.sms_state import SmsState
from cradle.throwaway_postgres import postgres_server


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path, monkeypatch) -> Iterator[str]:
    monkeypatch.setenv("CRADLE_VAR_DIR", str(tmp_path))
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'tracker.db'}"
    else:
        with postgres_server() as url:
            yield url


def replica(url: str) -> SmsState:
    """A separate engine per instance, as in two server processes."""
    return SmsState(sa.create_engine(url))


def test_a_stop_sent_to_one_replica_is_honoured_by_another(database):
    first, second = replica(database), replica(database)
    first.opt_out("sms-abc")
    assert second.opted_out("sms-abc")
    assert not second.opted_out("sms-other")
    second.opt_out("sms-abc")  # a second STOP is harmless
    second.opt_in("sms-abc")
    assert not first.opted_out("sms-abc")


def test_numbered_options_are_shared_and_expire(database, monkeypatch):
    first, second = replica(database), replica(database)
    first.remember_options("sms-abc", ["/affirm", "/deny"], "Reply 1=Yes 2=No")
    assert second.option("sms-abc", 2) == "/deny"
    assert second.option("sms-abc", 3) is None
    assert second.options_prompt("sms-abc") == "Reply 1=Yes 2=No"
    first.remember_options("sms-abc", ["/greet"], "Reply 1=Hello")
    assert second.option("sms-abc", 1) == "/greet"
    later = time.time() + sms_state.OPTIONS_TTL_SECONDS + 60
    monkeypatch.setattr(sms_state.time, "time", lambda: later)
    assert second.option("sms-abc", 1) is None
    assert second.options_prompt("sms-abc") == ""


def test_a_conversation_is_new_until_a_reply_and_again_after_a_days_quiet(database, monkeypatch):
    # README, "A new texter is told Cradle is automated".
    first, second = replica(database), replica(database)
    assert second.to_be_told("sms-new")
    first.remember_options("sms-new", [], "")  # every reply remembers its options, even none
    assert not second.to_be_told("sms-new")
    assert second.to_be_told("sms-someone-else")
    # Crisis help filled the last reply: the next one tells it.
    first.remember_options("sms-crisis", ["/affirm"], "Reply 1=I'm safe for now", untold=True)
    assert second.to_be_told("sms-crisis")
    first.remember_options("sms-crisis", [], "")
    assert not second.to_be_told("sms-crisis")
    later = time.time() + sms_state.OPTIONS_TTL_SECONDS + 60
    monkeypatch.setattr(sms_state.time, "time", lambda: later)
    assert second.to_be_told("sms-new")


def test_help_marks_a_number_told_and_keeps_the_options_it_was_offered(database):
    # README, "HELP and START count as telling a texter".
    first, second = replica(database), replica(database)
    first.mark_told("sms-help-first")
    assert not second.to_be_told("sms-help-first")
    assert second.option("sms-help-first", 1) is None
    first.remember_options("sms-list", ["/a", "/b"], "Reply 1=A 2=B", untold=True)
    first.mark_told("sms-list")
    assert not second.to_be_told("sms-list")
    assert second.option("sms-list", 2) == "/b"
    assert second.options_prompt("sms-list") == "Reply 1=A 2=B"


def test_purge_deletes_remembered_options_after_their_day_and_never_an_opt_out(
    database, monkeypatch
):
    # README, "A texter's remembered options are deleted after their 24 hours".
    from cradle.retention import purge_events

    state = replica(database)
    state.remember_options("sms-old", ["/affirm"], "Reply 1=Yes")
    state.opt_out("sms-old")
    later = time.time() + sms_state.OPTIONS_TTL_SECONDS + 60
    monkeypatch.setattr(sms_state.time, "time", lambda: later)
    state.remember_options("sms-fresh", ["/deny"], "Reply 1=No")
    assert purge_events(database, 30, now=later).options_deleted == 1
    with sa.create_engine(database).connect() as db:
        left = db.execute(sa.select(sms_state.OPTIONS.c.sender)).scalars().all()
    assert left == ["sms-fresh"] and state.option("sms-fresh", 1) == "/deny"
    assert state.opted_out("sms-old")
    assert purge_events(database, 30, now=later).options_deleted == 0


def test_purge_of_a_database_without_the_tables_deletes_nothing(tmp_path):
    from cradle.retention import purge_events

    result = purge_events(f"sqlite:///{tmp_path / 'empty.db'}", 30)
    assert (result.before, result.deleted, result.options_deleted) == (0, 0, 0)


def test_opt_outs_from_the_old_state_file_are_imported_not_lost(tmp_path, monkeypatch):
    monkeypatch.setenv("CRADLE_VAR_DIR", str(tmp_path))
    with sqlite3.connect(tmp_path / "sms_state.db") as old:
        old.execute("CREATE TABLE opt_outs (sender TEXT PRIMARY KEY, at REAL)")
        old.execute("INSERT INTO opt_outs VALUES ('sms-old', 1.0)")
    state = replica(f"sqlite:///{tmp_path / 'tracker.db'}")
    assert state.opted_out("sms-old")
    assert not (tmp_path / "sms_state.db").exists()
    assert (tmp_path / "sms_state.db.imported").exists()


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"CRADLE_TRACKER_DB": "/srv/cradle/tracker.db"}, "sqlite:////srv/cradle/tracker.db"),
        (
            {
                "CRADLE_PG_HOST": "db",
                "CRADLE_PG_PORT": "5433",
                "CRADLE_PG_DB": "rasa",
                "CRADLE_PG_USER": "cradle",
                "CRADLE_PG_PASSWORD": "s3cret",
            },
            "postgresql://cradle:s3cret@db:5433/rasa",
        ),
        ({"CRADLE_STATE_URL": "postgresql://x@y/z", "CRADLE_PG_HOST": "db"}, "postgresql://x@y/z"),
    ],
    ids=["sqlite beside the tracker", "the scale-out profile's PostgreSQL", "explicit"],
)
def test_the_state_lives_in_the_tracker_database(env, expected):
    url = state_url(env)
    assert (url if isinstance(url, str) else url.render_as_string(hide_password=False)) == expected


def test_the_purge_command_says_how_many_options_it_deleted(tmp_path, monkeypatch, capsys):
    from cradle.cli import main

    monkeypatch.setenv("CRADLE_VAR_DIR", str(tmp_path))
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    replica(url).remember_options("sms-old", ["/affirm"], "Reply 1=Yes")
    later = time.time() + sms_state.OPTIONS_TTL_SECONDS + 60
    monkeypatch.setattr("cradle.retention.time.time", lambda: later)
    assert main(["purge", "--older-than", "30d", "--db-url", url]) == 0
    assert "and 1 texters' numbered options older than 24 hours" in capsys.readouterr().out
