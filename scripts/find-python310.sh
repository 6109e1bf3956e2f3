#!/usr/bin/env bash
# Print the path of a Python 3.10 interpreter, or explain how to get one.
# Rasa 3.6.21 needs Python >=3.8,<3.11; this project pins 3.10 (see docs/STACK notes in README).
set -euo pipefail

is_310() { "$1" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' >/dev/null 2>&1; }

candidates=()
[ -n "${CRADLE_PYTHON:-}" ] && candidates+=("$CRADLE_PYTHON")
for name in python3.10 python3 python; do
  p="$(command -v "$name" 2>/dev/null || true)"
  [ -n "$p" ] && candidates+=("$p")
done
# pyenv's shim fails unless PYENV_VERSION names 3.10, so look in its versions folder directly.
pyenv_root="${PYENV_ROOT:-$HOME/.pyenv}"
command -v pyenv >/dev/null 2>&1 && pyenv_root="$(pyenv root)"
for p in "$pyenv_root"/versions/3.10*/bin/python3.10 /usr/local/bin/python3.10 /usr/bin/python3.10; do
  [ -x "$p" ] && candidates+=("$p")
done

for p in "${candidates[@]}"; do
  if is_310 "$p"; then echo "$p"; exit 0; fi
done

cat >&2 <<'MSG'
ERROR: Cradle needs Python 3.10 (Rasa 3.6.21 supports Python 3.8-3.10 only), and none was found.
Looked at: $CRADLE_PYTHON, python3.10/python3/python on PATH, pyenv's versions folder,
/usr/local/bin and /usr/bin.
Install one of these, then run the command again:
  - pyenv:   pyenv install 3.10.13
  - Debian/Ubuntu: apt-get install python3.10 python3.10-venv (where your release has it)
  - or point CRADLE_PYTHON at any Python 3.10 interpreter: CRADLE_PYTHON=/path/to/python3.10 make run
MSG
exit 1
