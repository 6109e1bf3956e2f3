"""Frozen evaluation files are refused once they change."""

from __future__ import annotations

import pytest

from cradle.frozen import body_checksum, freeze, read_frozen
from cradle.yamlio import ContentError


def test_a_frozen_file_reads_back_unchanged(tmp_path):
    path = tmp_path / "set.yml"
    path.write_text("nlu:\n- intent: greet\n")
    checksum = freeze(path)
    text = read_frozen(path)
    assert text.splitlines()[0] == f"# sha256: {checksum}"
    assert body_checksum(text) == checksum
    assert text.endswith("nlu:\n- intent: greet\n")


@pytest.mark.parametrize(
    ("edit", "reason"),
    [
        (lambda t: t.replace("greet", "goodbye"), "checksum"),
        (lambda t: t + "- intent: thanks\n", "checksum"),
        (lambda t: t.split("\n", 1)[1], "first line"),
    ],
    ids=["a word changed", "a line added", "header removed"],
)
def test_an_edited_file_is_refused(tmp_path, edit, reason):
    path = tmp_path / "set.yml"
    path.write_text("nlu:\n- intent: greet\n")
    freeze(path)
    path.write_text(edit(path.read_text()))
    with pytest.raises(ContentError, match=reason):
        read_frozen(path)


def test_a_frozen_file_cannot_be_frozen_again(tmp_path):
    path = tmp_path / "set.yml"
    path.write_text("a: 1\n")
    freeze(path)
    with pytest.raises(ContentError, match="already frozen"):
        freeze(path)
