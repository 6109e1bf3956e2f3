"""Check an endpoints file before starting Rasa, so a wrong address or a stopped database is
reported in one plain sentence instead of a stack trace from deep inside Rasa."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import redis
import sqlalchemy as sa
import yaml

from cradle.paths import lock_db_path

_VAR = re.compile(r"\$\{([^}]+)\}")


class PreflightError(RuntimeError):
    """What is wrong, and where."""


def _expand(value: Any, env: dict[str, str], where: str) -> Any:
    if isinstance(value, dict):
        return {k: _expand(v, env, f"{where}.{k}") for k, v in value.items()}
    if isinstance(value, str):
        missing = [name for name in _VAR.findall(value) if name not in env]
        if missing:
            raise PreflightError(
                f"{where} needs the environment variable {missing[0]}, which is not set"
            )
        return _VAR.sub(lambda m: env[m.group(1)], value)
    return value


def load_endpoints(path: Path, env: dict[str, str] | None = None) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return _expand(data, dict(os.environ) if env is None else env, path.name)


def check_tracker_store(config: dict[str, Any]) -> None:
    if (config.get("type") or "").upper() != "SQL":
        return
    dialect = config.get("dialect", "sqlite")
    if dialect == "sqlite":
        _check_sqlite_folder(str(config.get("db", "rasa.db")), "tracker store")
        return
    host, port, db = config.get("url", "localhost"), config.get("port"), config.get("db")
    user = config.get("username")
    url = sa.engine.URL.create(
        dialect,
        username=user or None,
        password=config.get("password") or None,
        host=host,
        port=int(port) if port else None,
        database=db,
    )
    where = f"{host}:{port}/{db} as {user}"
    engine = sa.create_engine(url, connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except Exception as err:  # noqa: BLE001 - the message is what matters here
        reason = str(getattr(err, "orig", err)).strip().splitlines()[0]
        raise PreflightError(
            f"cannot connect to the {dialect} tracker store at {where}: {reason}"
        ) from err
    finally:
        engine.dispose()


def _check_sqlite_folder(db: str, what: str) -> None:
    folder = Path(db).resolve().parent
    if not folder.is_dir() or not os.access(folder, os.W_OK):
        raise PreflightError(f"the SQLite {what} folder {folder} does not exist or is not writable")


def check_lock_store(config: dict[str, Any]) -> None:
    if config.get("type") == "cradle.lock_store.SQLiteLockStore":
        _check_sqlite_folder(str(lock_db_path(config.get("db") or None)), "lock store")
        return
    if config.get("type") != "redis":
        return
    host, port = config.get("url", "localhost"), int(config.get("port") or 6379)
    client = redis.Redis(
        host=host,
        port=port,
        db=int(config.get("db") or 1),
        password=config.get("password") or None,
        socket_connect_timeout=5,
    )
    try:
        client.ping()
    except redis.RedisError as err:
        raise PreflightError(
            f"cannot connect to the Redis lock store at {host}:{port}: {err}"
        ) from err
    finally:
        client.close()


def preflight(path: Path, env: dict[str, str] | None = None) -> None:
    """Raise PreflightError naming the first thing that would stop Rasa from serving."""
    endpoints = load_endpoints(path, env)
    check_tracker_store(endpoints.get("tracker_store") or {})
    check_lock_store(endpoints.get("lock_store") or {})
