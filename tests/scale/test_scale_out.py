"""Scale-out on real PostgreSQL and Redis: two Rasa replicas, one action server, 50 concurrent
multi-turn conversations with alternate turns sent to alternate replicas."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from cradle.catalogue.build import build_catalogue
from cradle.launcher import DEFAULT_MODEL, Stack, StackConfig, free_port, scale_out_env
from cradle.paths import content_dir
from cradle.throwaway_postgres import postgres_server
from cradle.throwaway_redis import RedisServer, redis_server
from tests.conftest import TWILIO_TOKEN
from tests.integration.test_sms import text_sms

pytestmark = pytest.mark.integration
TURNS = ["hello", "i feel so low since the baby came", "yes please", "Rugby", "thanks"]
# What the tracker keeps of each turn: "Rugby", typed after "Which town or area?", is the title of
# that question's Rugby button, so it is sent on as the button's command (cradle.turn.typed_button).
KEPT = [*TURNS[:3], '/inform{"area": "rugby"}', TURNS[4]]


@pytest.fixture(scope="module")
def scaled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Stack, RedisServer]]:
    var = tmp_path_factory.mktemp("scale")
    catalogue = var / "catalogue.db"
    build_catalogue(content_dir() / "services", catalogue)
    with postgres_server() as pg_url, redis_server() as redis:
        config = StackConfig.on_free_ports(
            replicas=2,
            model=DEFAULT_MODEL,
            var=var,
            catalogue=catalogue,
            endpoints="endpoints.scale.yml",
            rasa_workers=1,  # one process per replica, as the bench runs them
            extra_env={
                **scale_out_env(pg_url, redis.port),
                "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
                "CRADLE_SENDER_KEY": "test-sender-key",
                "CRADLE_SMS_PUBLIC_URL": "https://cradle.example.org",
            },
        )
        with Stack(config) as stack:
            yield stack, redis


def post(url: str, body: dict) -> list[dict]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=60) as reply:
        return json.load(reply)


def converse(stack: Stack, sender: str, replicas: list[str]) -> list[list[str]]:
    replies = []
    for number, text in enumerate(TURNS):
        url = replicas[number % len(replicas)]
        messages = post(f"{url}/webhooks/rest/webhook", {"sender": sender, "message": text})
        replies.append(
            [m.get("text", "") for m in messages if m.get("text")]
            + [json.dumps(messages[-1]["custom"]["services"])]
        )
    return replies


def test_fifty_conversations_across_two_replicas_lose_nothing(scaled):
    stack, _ = scaled
    replicas = stack.rasa_urls()
    assert len(replicas) == 2
    reference = converse(stack, "reference", replicas[:1])  # what a single server says
    senders = [f"parent-{n:02d}" for n in range(50)]
    with ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(lambda s: converse(stack, s, replicas), senders))
    assert all(result == reference for result in results)
    assert_every_turn_kept_in_order(stack, senders)


def assert_every_turn_kept_in_order(stack: Stack, senders: list[str]) -> None:
    for sender in senders:
        events = stack.tracker(sender)["events"]
        user_texts = [e["text"] for e in events if e["event"] == "user"]
        assert user_texts == KEPT, sender  # every turn, in order
        kinds = [e["event"] for e in events if e["event"] in ("user", "bot")]
        # no interleaving: each user message is answered before the next one is processed
        starts = [i for i, kind in enumerate(kinds) if kind == "user"]
        assert all(kinds[i + 1] == "bot" for i in starts), sender


def test_with_redis_stopped_the_reply_is_a_clear_safe_error_and_no_turn_is_half_kept(scaled):
    stack, redis = scaled
    before = len(stack.tracker("redis-down")["events"])
    redis.stop()
    try:
        messages = post(
            f"{stack.config.rasa_url}/webhooks/rest/webhook",
            {"sender": "redis-down", "message": "how do i bond with my baby"},
        )
        texts = [m.get("text", "") for m in messages if m.get("text")]
        assert any("something went wrong" in t and "116 123" in t for t in texts)
        crisis = post(
            f"{stack.config.rasa_url}/webhooks/rest/webhook",
            {"sender": "redis-down", "message": "I want to die"},
        )
        assert "116 123" in crisis[0]["text"]  # crisis help does not need Redis
        assert len(stack.tracker("redis-down")["events"]) == before
    finally:
        redis.start()
    messages = post(
        f"{stack.config.rasa_url}/webhooks/rest/webhook",
        {"sender": "redis-down", "message": "how do i bond with my baby"},
    )
    assert messages[-1]["custom"]["topic"] == "bonding"
    user_texts = [e["text"] for e in stack.tracker("redis-down")["events"] if e["event"] == "user"]
    assert user_texts == ["how do i bond with my baby"]


def test_the_tracker_store_in_use_is_postgresql(scaled):
    stack, _ = scaled
    assert not Path(stack.config.var, "tracker.db").exists()


def test_an_unreachable_tracker_database_is_named_at_start(tmp_path):
    from cradle.launcher import LaunchError
    from cradle.preflight import PreflightError, preflight

    closed = free_port()
    env = {
        "CRADLE_ACTION_URL": "http://127.0.0.1:1/webhook",
        "CRADLE_PG_HOST": "127.0.0.1",
        "CRADLE_PG_PORT": str(closed),
        "CRADLE_PG_DB": "cradle",
        "CRADLE_PG_USER": "cradle",
        "CRADLE_PG_PASSWORD": "",
        "CRADLE_REDIS_HOST": "127.0.0.1",
        "CRADLE_REDIS_PORT": str(free_port()),
        "CRADLE_REDIS_PASSWORD": "",
        "CRADLE_REDIS_DB": "1",
    }
    with pytest.raises(
        PreflightError,
        match=f"cannot connect to the postgresql tracker store "
        f"at 127.0.0.1:{closed}/cradle as cradle",
    ):
        preflight(Path("endpoints.scale.yml"), env)
    with pytest.raises(PreflightError, match="needs the environment variable CRADLE_PG_HOST"):
        preflight(
            Path("endpoints.scale.yml"), {k: v for k, v in env.items() if k != "CRADLE_PG_HOST"}
        )
    config = StackConfig.on_free_ports(
        endpoints="endpoints.scale.yml",
        var=tmp_path,
        extra_env=env,
    )
    with pytest.raises(LaunchError, match="cannot connect to the postgresql tracker store"):
        Stack(config).start()


def test_a_stopped_redis_is_named_at_start(tmp_path):
    from cradle.preflight import PreflightError, check_lock_store

    port = free_port()
    with pytest.raises(PreflightError, match=f"Redis lock store at 127.0.0.1:{port}"):
        check_lock_store({"type": "redis", "url": "127.0.0.1", "port": port})


def _shared_tables(stack: Stack) -> tuple[set[str], int]:
    """The tables in the scale-out PostgreSQL, and how many SMS turns its insight log holds."""
    import sqlalchemy as sa

    from cradle.shared_state import state_url

    env = {k: v for k, v in stack.env().items() if k.startswith("CRADLE_PG_")}
    engine = sa.create_engine(state_url(env))
    try:
        with engine.connect() as db:
            tables = set(sa.inspect(db).get_table_names())
            if "cradle_insights" not in tables:
                return tables, 0
            query = "SELECT COUNT(*) FROM cradle_insights WHERE channel = 'sms'"
            return tables, int(db.execute(sa.text(query)).scalar_one())
    finally:
        engine.dispose()


def test_an_sms_stop_sent_to_one_replica_is_honoured_by_the_other(scaled):
    stack, _ = scaled
    first, second = stack.config.rasa_url, f"http://127.0.0.1:{stack.config.extra_rasa_ports[0]}"
    number = "+447700900123"
    _, rows_at_start = _shared_tables(stack)
    assert text_sms(stack, number, "hello", rasa_url=second)
    assert text_sms(stack, number, "STOP", rasa_url=first) is None
    assert text_sms(stack, number, "hello", rasa_url=second) is None  # nothing more is sent
    crisis = text_sms(stack, number, "i want to end my life", rasa_url=second)
    assert crisis and "116 123" in crisis  # crisis help is never withheld
    assert "MENU" in (text_sms(stack, number, "START", rasa_url=second) or "")
    _, rows_before = _shared_tables(stack)
    assert text_sms(stack, number, "hello", rasa_url=first)
    tables, rows_after = _shared_tables(stack)
    # The opt-out and the insight rows live in PostgreSQL beside the tracker store, not in files
    # on one host: turns answered by either replica reach the one log the report reads.
    assert {"cradle_sms_opt_outs", "cradle_sms_options", "cradle_insights", "events"} <= tables
    assert rows_before > rows_at_start  # written by the second replica
    assert rows_after == rows_before + 1  # and by the first
    assert not (stack.config.var / "sms_state.db").exists()
    assert not (stack.config.var / "insights.db").exists()
