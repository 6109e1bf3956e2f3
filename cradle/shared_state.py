"""Where state that every replica must share lives: the tracker store's own database.

SQLite under var/ on one machine; PostgreSQL in the scale-out profile, read from the same
CRADLE_PG_* variables as endpoints.scale.yml, so a STOP texted to one replica is known to all.
CRADLE_STATE_URL overrides both (any SQLAlchemy URL).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine

from cradle.paths import var_dir


def state_url(env: Mapping[str, str] | None = None) -> str | URL:
    """The tracker store's database, from the variables the endpoints files read."""
    env = os.environ if env is None else env
    if env.get("CRADLE_STATE_URL"):
        return env["CRADLE_STATE_URL"]
    if env.get("CRADLE_PG_HOST"):
        return URL.create(
            "postgresql",
            username=env.get("CRADLE_PG_USER") or None,
            password=env.get("CRADLE_PG_PASSWORD") or None,
            host=env["CRADLE_PG_HOST"],
            port=int(env["CRADLE_PG_PORT"]) if env.get("CRADLE_PG_PORT") else None,
            database=env.get("CRADLE_PG_DB") or None,
        )
    return f"sqlite:///{env.get('CRADLE_TRACKER_DB') or var_dir() / 'tracker.db'}"


@functools.lru_cache(maxsize=4)
def state_engine(url: str | URL | None = None) -> Engine:
    """One engine per database for the process (it pools connections); opened on first use."""
    target = url if url is not None else state_url()
    if isinstance(target, str) and target.startswith("sqlite:///"):
        os.makedirs(os.path.dirname(target.removeprefix("sqlite:///")) or ".", exist_ok=True)
        # Several processes write the same file (Rasa replicas, the CLI): wait, do not fail.
        return sa.create_engine(target, connect_args={"timeout": 10})
    return sa.create_engine(target, pool_pre_ping=True)
