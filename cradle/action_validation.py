"""Rasa checks every reply from the action server against its JSON schema; do the same check
with a validator built once.

Rasa 3.6 calls `jsonschema.validate` for each reply, which first validates the schema itself
against the JSON Schema meta-schema and builds a new validator: 14 ms of the 15 ms each check
takes, on every turn that runs a custom action (py-spy: 42% of the Rasa server's time in a
topic question; see docs/performance.md). The reply is still checked against the same schema,
with the same error, by the same validator class `jsonschema.validate` picks.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from jsonschema import exceptions, validators
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

_installed = False


@functools.lru_cache(maxsize=8)
def _validator(schema_json: str) -> Any:
    """The validator `jsonschema.validate` would build for this schema, after the same check."""
    schema = json.loads(schema_json)
    cls = validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def validate_action_result(action: RemoteAction, result: dict[str, Any]) -> bool:
    """What RemoteAction._validate_action_result does, with the validator built once."""
    schema = json.dumps(action.action_response_format_spec(), sort_keys=True)
    error = exceptions.best_match(_validator(schema).iter_errors(result))
    if error is not None:
        error.message += (
            ". Failed to validate Action server response from API, "
            "make sure your response from the Action endpoint is valid. "
            "For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise error
    return True


def install() -> None:
    """Use it for every remote action in this process (once)."""
    global _installed
    if not _installed:
        RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]
        _installed = True
