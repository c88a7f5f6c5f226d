#!/usr/bin/env bash
# Run every bench script with the venv's python and print its figures.
set -uo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
status=0
for script in bench/*.py; do
  [ -e "$script" ] || continue
  echo "== $script"
  PYTHONPATH=. "$VENV/bin/python" "$script" || status=$?
done
exit "$status"
