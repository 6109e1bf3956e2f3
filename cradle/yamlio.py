"""Read YAML files with errors that name the file and line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

# libyaml's loader when PyYAML was built with it (it is, from PyPI's wheels): the safety bank
# alone is some 12,000 messages, and the pure-Python loader takes seconds over it.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ContentError(ValueError):
    """A content or data file is missing or malformed. str() names the file (and line)."""

    def __init__(self, path: Path | str, message: str, line: int | None = None) -> None:
        self.path, self.line, self.message = str(path), line, message
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {message}")


def parse_yaml(text: str, path: Path | str, first_line: int = 1) -> Any:
    """Parse YAML text that starts at `first_line` of its file; errors name the file and line."""
    try:
        return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError:
        pass
    # Only on an error: the pure-Python loader, whose marks point at the line to fix (libyaml's
    # can point at the line after it).
    try:
        return yaml.safe_load(text)
    except yaml.MarkedYAMLError as err:
        line = err.problem_mark.line + first_line if err.problem_mark else None
        raise ContentError(path, f"not valid YAML: {err.problem}", line) from err
    except yaml.YAMLError as err:
        raise ContentError(path, f"not valid YAML: {err}") from err


def load_yaml(path: Path) -> dict[str, Any]:
    """Load a YAML file whose top level must be a mapping."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as err:
        raise ContentError(path, "file not found") from err
    except UnicodeDecodeError as err:
        raise ContentError(path, "not UTF-8 text") from err
    data = parse_yaml(text, path)
    if not isinstance(data, dict):
        raise ContentError(path, "expected a mapping of keys to values at the top level")
    return data
