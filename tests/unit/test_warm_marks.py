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


def test_each_launcher_has_its_own_folder_and_ended_launchers_folders_go(tmp_path):
    # A test stack started beside `make run` on the same var/ must not clear or count the
    # other's marks; the folders of launchers that have ended are removed at the next start.
    mine = warm_marks.launcher_folder(tmp_path)
    assert mine == tmp_path / str(os.getpid())
    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    other = tmp_path / ended
    warm_marks.mark_warm(mine)
    (other / "12345").parent.mkdir()
    (other / "12345").touch()
    (tmp_path / "999999").touch()  # a mark left in the root by an older version
    warm_marks.prune(tmp_path)
    assert not other.exists() and not (tmp_path / "999999").exists()
    assert warm_marks.warm_workers(mine) == 1  # a live launcher's folder is kept


def test_clearing_one_launchers_folder_leaves_anothers_marks(tmp_path):
    one, two = tmp_path / "101", tmp_path / "102"
    warm_marks.mark_warm(one)
    warm_marks.mark_warm(two)
    warm_marks.clear(one)
    assert warm_marks.warm_workers(one) == 0
    assert warm_marks.warm_workers(two) == 1
