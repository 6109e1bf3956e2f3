"""Development or production (CRADLE_ENV), and the secrets production may not run without.

Without CRADLE_SENDER_KEY a restart forgets every SMS opt-out and conversation (the phone-number
pseudonyms change); without CRADLE_SESSION_SECRET every web chat session ends on a restart and
replicas cannot share sessions. Development runs with random ones and says so; production
refuses to start.
"""

from __future__ import annotations

import logging
import os

logger = logging.getLogger(__name__)

SECRETS = {
    "CRADLE_SENDER_KEY": "SMS opt-outs and conversations would be forgotten on every restart",
    "CRADLE_SESSION_SECRET": "web chat sessions would end on every restart and differ per replica",
}


class MissingSecret(RuntimeError):
    """Production was asked to start without a secret it needs; the message says which and why."""


def is_production() -> bool:
    return os.environ.get("CRADLE_ENV", "development").strip().lower() == "production"


def secret(name: str) -> bytes | None:
    """The secret's value, or None in development (with a warning); production raises."""
    value = os.environ.get(name, "").strip()
    if value:
        return value.encode()
    if is_production():
        raise MissingSecret(f"{name} must be set when CRADLE_ENV=production: {SECRETS[name]}")
    logger.warning("%s is not set (development): %s", name, SECRETS[name])
    return None


def check_production_secrets() -> None:
    """Raise MissingSecret for the first missing secret, in production only."""
    if is_production():
        for name in SECRETS:
            secret(name)
