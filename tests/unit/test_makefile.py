"""The Makefile retrains when what Rasa trains on changes, including a removed training file."""

import shutil
import subprocess
from pathlib import Path

import pytest

from cradle.paths import PROJECT_ROOT

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs GNU make")


def retrains(tree: Path) -> bool:
    # RASA=true stands in for `rasa train` so the rule runs without a model; only make's
    # decision is under test here.
    done = subprocess.run(
        ["make", "--no-print-directory", "models/cradle.tar.gz", "RASA=true"],
        cwd=tree,
        capture_output=True,
        text=True,
        check=True,
    )
    return "train: data, domain or config changed" in done.stdout


def test_adding_or_removing_a_training_file_retrains(tmp_path):
    shutil.copy(PROJECT_ROOT / "Makefile", tmp_path / "Makefile")
    for name in (
        "requirements.lock",
        "requirements-model.lock",
        "pyproject.toml",
        "scripts/setup.sh",
        "scripts/find-python310.sh",
        "config.yml",
        "domain.yml",
        "bot/data/nlu.yml",
        "bot/data/nlu_more.yml",
        "bot/components/a.py",
    ):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    (tmp_path / ".venv").mkdir()
    (tmp_path / ".venv/.cradle-installed").write_text("")  # newer than the requirements
    (tmp_path / "models").mkdir()

    assert retrains(tmp_path)
    assert not retrains(tmp_path)
    (tmp_path / "bot/data/nlu_more.yml").unlink()
    assert retrains(tmp_path)
    assert not retrains(tmp_path)
    (tmp_path / "bot/data/stories.yml").write_text("")
    assert retrains(tmp_path)
