"""Frozen evaluation files are refused once they change."""

from __future__ import annotations

import pytest

from cradle.frozen import body_checksum, freeze, grouped_messages, grouped_parts, read_frozen
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


def frozen_part(folder, body: str):
    path = folder / "part1.yml"
    path.write_text(body)
    freeze(path)
    return path


def test_grouped_messages_reads_every_part_in_order(tmp_path):
    frozen_part(tmp_path, 'messages:\n  - text: "hi"\n    group: a\n')
    (tmp_path / "part2.yml").write_text('messages:\n  - text: "yo"\n    group: b\n')
    freeze(tmp_path / "part2.yml")
    assert grouped_messages(tmp_path, ("a", "b")) == [("hi", "a"), ("yo", "b")]
    # Each part kept apart, by file name: a change is judged on the part written for it.
    assert grouped_parts(tmp_path, ("a", "b")) == {
        "part1.yml": [("hi", "a")],
        "part2.yml": [("yo", "b")],
    }


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ('messages:\n  - text: "hi"\n    group: c\n', "text and group"),
        ("messages:\n  - group: a\n", "text and group"),
        ("messages: []\n", "no frozen parts"),
    ],
)
def test_grouped_messages_refuses_a_bad_part_by_name(tmp_path, body, error):
    frozen_part(tmp_path, body)
    with pytest.raises(ContentError, match=error):
        grouped_messages(tmp_path, ("a", "b"))


def test_grouped_messages_refuses_a_changed_part(tmp_path):
    path = frozen_part(tmp_path, 'messages:\n  - text: "hi"\n    group: a\n')
    path.write_text(path.read_text().replace("hi", "hello"))
    with pytest.raises(ContentError, match="checksum"):
        grouped_messages(tmp_path, ("a",))
