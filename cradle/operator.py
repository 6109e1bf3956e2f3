"""Who runs Cradle for parents: content/operator.yml, filled in by the deploying organisation."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cradle.paths import content_dir
from cradle.yamlio import ContentError, load_yaml

FIELDS = ("name", "website", "complaints_url")


@dataclass(frozen=True)
class Operator:
    name: str | None = None
    website: str | None = None
    complaints_url: str | None = None

    @property
    def named(self) -> bool:
        return self.name is not None


def load_operator(path: Path) -> Operator:
    """Read and check the file: all three fields together, addresses on https."""
    data = load_yaml(path)
    if set(data) - set(FIELDS):
        raise ContentError(path, f"expected only {', '.join(FIELDS)}")
    values = {key: data.get(key) for key in FIELDS}
    for key, value in values.items():
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise ContentError(path, f"{key} must be text, or null while no one is named")
    given = [key for key, value in values.items() if value is not None]
    if given and len(given) != len(FIELDS):
        raise ContentError(path, "name, website and complaints_url are filled in together")
    for key in ("website", "complaints_url"):
        value = values[key]
        if value is not None and not value.startswith("https://"):
            raise ContentError(path, f"{key} must be an https:// address")
    return Operator(**values)


@lru_cache(maxsize=4)
def _operator_for(path: str) -> Operator:
    return load_operator(Path(path))


def get_operator(path: Path | None = None) -> Operator:
    """The operator for the content folder, loaded once per process."""
    return _operator_for(str(path or content_dir() / "operator.yml"))
