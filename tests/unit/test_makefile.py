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


def test_test_nlu_scores_every_frozen_part_it_finds(tmp_path):
    # A new frozen_N.yml is checked, scored and reported without editing the Makefile.
    shutil.copy(PROJECT_ROOT / "Makefile", tmp_path / "Makefile")
    (tmp_path / "tests" / "nlu").mkdir(parents=True)
    for name in ("frozen.yml", "frozen_2.yml", "frozen_10.yml", "test_nlu.yml"):
        (tmp_path / "tests" / "nlu" / name).touch()
    plan = subprocess.run(
        # -o: take the model as built, so only test-nlu's own commands are planned
        ["make", "-n", "--no-print-directory", "-o", "models/cradle.tar.gz", "test-nlu"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    assert "--check tests/nlu/frozen.yml tests/nlu/frozen_10.yml tests/nlu/frozen_2.yml" in plan
    assert "--part10 var/results/nlu-10/intent_report.json" in plan
    assert "--part2 var/results/nlu-2/intent_report.json" in plan
    # each file is scored into the folder the report reads for its part
    assert (
        "for run in tests/nlu/frozen.yml:nlu tests/nlu/frozen_10.yml:nlu-10 "
        "tests/nlu/frozen_2.yml:nlu-2 tests/nlu/test_nlu.yml:nlu-older;" in plan
    )
