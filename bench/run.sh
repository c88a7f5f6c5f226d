#!/usr/bin/env bash
# Run every bench script with the venv's python and print its figures. The
# PostgreSQL figures use one throwaway cluster (unless TEST_POSTGRES_URL is set).
# BENCH_ITEMS sizes the trace benchmark (default 5,000,000 indexed items).
set -uo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
if [ -z "${TEST_POSTGRES_URL:-}" ]; then
  # shellcheck source=scripts/pg-cluster.sh
  source scripts/pg-cluster.sh
  start_throwaway_postgres "$VENV/bin/python" || exit 1
  export TEST_POSTGRES_URL="$PG_URL"
fi
status=0
for script in bench/*.py; do
  [ -e "$script" ] || continue
  echo "== $script"
  PYTHONPATH=. "$VENV/bin/python" "$script" || status=$?
done
exit "$status"
