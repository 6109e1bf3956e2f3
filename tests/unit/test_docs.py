"""Docs are tests: README commands exist, and every CLI verb is documented."""

from __future__ import annotations

import re
import subprocess

from cradle.cli import build_parser
from cradle.paths import PROJECT_ROOT

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
MAKEFILE = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")


def cli_verbs() -> list[str]:
    parser = build_parser()
    verbs = []
    for action in parser._subparsers._group_actions:  # type: ignore[union-attr]
        for name, sub in action.choices.items():
            nested = [a for a in sub._actions if a.__class__.__name__ == "_SubParsersAction"]
            if nested:
                verbs.extend(f"{name} {child}" for child in nested[0].choices)
            else:
                verbs.append(name)
    return verbs


def test_every_cli_verb_is_in_the_readme():
    missing = [verb for verb in cli_verbs() if f"cradle {verb}" not in README]
    assert missing == []


def test_every_make_target_in_the_readme_exists():
    targets = set(re.findall(r"^([a-zA-Z_-]+):", MAKEFILE, re.M))
    used = set(re.findall(r"`make ([a-z-]+)", README))
    assert used and used <= targets, used - targets


def test_ci_runs_only_make_test():
    ci = (PROJECT_ROOT / ".ci" / "run").read_text()
    commands = [line for line in ci.splitlines() if line and not line.startswith("#")]
    assert commands[-1] == "make test"


def test_reply_contract_is_documented():
    assert '"safety": "none" | "support" | "urgent" | "emergency"' in README


def test_every_verb_has_help():
    for verb in cli_verbs():
        result = subprocess.run(
            [str(PROJECT_ROOT / ".venv" / "bin" / "cradle"), *verb.split(), "--help"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0 and "usage:" in result.stdout, verb
