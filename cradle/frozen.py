"""Frozen evaluation files: written blind, never edited, and refused if they change.

A frozen file's first line is `# sha256: <checksum of the rest>`. The tests keep their own
copies of the checksums, so editing a file and its header together still fails.
Freeze a new file with `python -m cradle.frozen FILE` (it writes the header once); check one
with `python -m cradle.frozen --check FILE`.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from cradle.yamlio import ContentError, load_yaml

HEADER = "# sha256: "


def body_checksum(text: str) -> str:
    """sha256 of everything after the first line (the first line holds the checksum)."""
    body = text.split("\n", 1)[1] if "\n" in text else ""
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def read_frozen(path: Path) -> str:
    """The text of a frozen file; refuses one whose body no longer matches its checksum."""
    text = path.read_text(encoding="utf-8")
    first = text.split("\n", 1)[0]
    if not first.startswith(HEADER):
        raise ContentError(path, f"the first line must be '{HEADER}<checksum of the rest>'")
    if first.removeprefix(HEADER).strip() != body_checksum(text):
        raise ContentError(path, "the frozen set changed: its checksum no longer matches")
    return text


def freeze(path: Path) -> str:
    """Put the checksum header on a new file, once. Refuses a file that is already frozen."""
    text = path.read_text(encoding="utf-8")
    if text.startswith(HEADER):
        raise ContentError(path, "already frozen: frozen files are never edited")
    body = text if text.endswith("\n") else text + "\n"
    checksum = hashlib.sha256(body.encode("utf-8")).hexdigest()
    path.write_text(f"{HEADER}{checksum}\n{body}", encoding="utf-8")
    return checksum


def frozen_entries(folder: Path, key: str) -> list[tuple[Path, Any]]:
    """Every entry under `key` in every frozen part (`*.yml`) in `folder`, with its part's path;
    a part whose checksum no longer matches is refused, and so is a folder with no entries."""
    entries: list[tuple[Path, Any]] = []
    for path in sorted(folder.glob("*.yml")):
        read_frozen(path)
        entries.extend((path, entry) for entry in load_yaml(path).get(key) or [])
    if not entries:
        raise ContentError(folder, f"no frozen parts with '{key}' found")
    return entries


def grouped_messages(folder: Path, groups: Iterable[str]) -> list[tuple[str, str]]:
    """Every message of the frozen parts in `folder` as (text, group), each with a known group."""
    return [message for part in grouped_parts(folder, groups).values() for message in part]


def grouped_parts(folder: Path, groups: Iterable[str]) -> dict[str, list[tuple[str, str]]]:
    """The frozen parts in `folder` by file name, each a list of (text, group): a change is
    judged on the part written for it, so each part's counts are kept apart."""
    known = frozenset(groups)
    parts: dict[str, list[tuple[str, str]]] = {}
    for path, entry in frozen_entries(folder, "messages"):
        if (
            not isinstance(entry, dict)
            or entry.get("group") not in known
            or not isinstance(entry.get("text"), str)
        ):
            raise ContentError(path, f"each message needs text and group: {entry!r}")
        parts.setdefault(path.name, []).append((entry["text"], entry["group"]))
    return parts


def nlu_parts(folder: Path) -> dict[int, Path]:
    """The frozen held-out NLU parts in a folder, by number: frozen.yml is part 1, frozen_N.yml
    part N. The Makefile's `test-nlu` finds them the same way."""
    parts = {1: folder / "frozen.yml"} if (folder / "frozen.yml").exists() else {}
    for path in folder.glob("frozen_*.yml"):
        number = path.stem.removeprefix("frozen_")
        if number.isdigit():
            parts[int(number)] = path
    return dict(sorted(parts.items()))


def main(argv: list[str]) -> int:
    """`python -m cradle.frozen FILE...` freezes new files; `--check FILE...` verifies them."""
    check = argv[:1] == ["--check"]
    for name in argv[1:] if check else argv:
        try:
            checksum = body_checksum(read_frozen(Path(name))) if check else freeze(Path(name))
        except ContentError as err:
            print(f"FAILED: {err}", file=sys.stderr)
            return 1
        print(f"{name}: {'unchanged' if check else 'frozen'}, sha256 {checksum}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
