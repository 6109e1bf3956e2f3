"""The marks each Rasa worker leaves when warmed up, which `cradle serve` waits for."""

from __future__ import annotations

import os
import subprocess
import sys

from cradle import warm_marks


def test_a_worker_marks_itself_and_is_counted_while_alive(tmp_path):
    folder = tmp_path / "warm"
    assert warm_marks.warm_workers(folder) == 0  # no folder yet: nobody is warm
    warm_marks.mark_warm(folder)
    assert (folder / str(os.getpid())).is_file()
    assert warm_marks.warm_workers(folder) == 1


def test_the_mark_of_a_process_that_has_ended_does_not_count(tmp_path):
    # A restarted server's old workers must not make the new ones look warm.
    subprocess.run(
        [sys.executable, "-c", "from cradle import warm_marks; warm_marks.mark_warm()"],
        env={**os.environ, warm_marks.WARM_DIR_ENV: str(tmp_path)},
        check=True,
    )
    assert len(list(tmp_path.iterdir())) == 1  # it left its mark, then ended
    assert warm_marks.warm_workers(tmp_path) == 0


def test_clear_removes_every_mark_and_nothing_else(tmp_path):
    warm_marks.mark_warm(tmp_path)
    (tmp_path / "README").write_text("not a mark")
    warm_marks.clear(tmp_path)
    assert [f.name for f in tmp_path.iterdir()] == ["README"]


def test_outside_the_launcher_no_mark_is_left(tmp_path, monkeypatch):
    monkeypatch.delenv(warm_marks.WARM_DIR_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    warm_marks.mark_warm()
    assert list(tmp_path.iterdir()) == []
