"""Each Rasa worker says when it has warmed up, so that `cradle serve` says ready only then.

A parse through Rasa's port reaches whichever worker takes it, so it cannot tell whether the
others have loaded their models: the first parent to reach a cold worker waited about a second
(docs/performance.md). Each worker leaves a file named by its process id in one folder
(CRADLE_WARM_DIR, set by the launcher); the launcher counts the files of processes still alive,
so a restarted server's old marks do not count. Each launcher has its own folder, named by its
own process id, so that a test or bench stack started beside `make run` on the same var/ neither
clears nor counts the other's marks.
"""

from __future__ import annotations

import os
from pathlib import Path

WARM_DIR_ENV = "CRADLE_WARM_DIR"


def mark_warm(folder: str | Path | None = None) -> None:
    """Leave this process's mark. Does nothing outside the launcher (no folder is set)."""
    folder = folder or os.environ.get(WARM_DIR_ENV)
    if not folder:
        return
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    (path / str(os.getpid())).touch()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, someone else's
        return True
    return True


def warm_workers(folder: Path) -> int:
    """How many live processes have left their mark in `folder`."""
    if not folder.is_dir():
        return 0
    return sum(1 for f in folder.iterdir() if f.name.isdigit() and _alive(int(f.name)))


def clear(folder: Path) -> None:
    """Remove every mark (before a fresh start)."""
    if folder.is_dir():
        for f in folder.iterdir():
            if f.name.isdigit() and f.is_file():
                f.unlink(missing_ok=True)


def launcher_folder(root: Path) -> Path:
    """This launcher's own folder of marks under `root`."""
    return root / str(os.getpid())


def prune(root: Path) -> None:
    """Remove the folders of launchers that have ended, marks and all.

    Marks left directly in `root` (by versions before launchers had their own folder) go too.
    """
    if not root.is_dir():
        return
    clear(root)
    for folder in root.iterdir():
        if folder.is_dir() and folder.name.isdigit() and not _alive(int(folder.name)):
            clear(folder)
            if not any(folder.iterdir()):
                folder.rmdir()
