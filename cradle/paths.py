"""Where Cradle's files live. Every path can be moved with an environment variable."""

from __future__ import annotations

import os
from pathlib import Path

# The repository root: cradle/ sits directly inside it (the package is installed editable).
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def content_dir() -> Path:
    """Reviewed content that parents read (CRADLE_CONTENT_DIR, default content/)."""
    return Path(os.environ.get("CRADLE_CONTENT_DIR", PROJECT_ROOT / "content"))


def var_dir() -> Path:
    """Runtime data: tracker store, catalogue, logs (CRADLE_VAR_DIR, default var/)."""
    return Path(os.environ.get("CRADLE_VAR_DIR", PROJECT_ROOT / "var"))


def catalogue_path() -> Path:
    """The compiled service catalogue (CRADLE_CATALOGUE, default var/catalogue.db)."""
    return Path(os.environ.get("CRADLE_CATALOGUE", var_dir() / "catalogue.db"))


def lock_db_path(configured: str | None = None) -> Path:
    """Rasa's conversation locks: endpoints.yml's `db` (the launcher sets it from
    CRADLE_LOCK_DB), else CRADLE_LOCK_DB, else var/locks.db."""
    return Path(configured or os.environ.get("CRADLE_LOCK_DB") or var_dir() / "locks.db")
