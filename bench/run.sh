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
  # Sized like a database server of this machine (a quarter of its 24 GiB), so the
  # trace bench's 5 million items and their indexes are served from shared buffers.
  PG_EXTRA_OPTIONS=${PG_EXTRA_OPTIONS:-"-c shared_buffers=4GB"} start_throwaway_postgres "$VENV/bin/python" || exit 1
  export TEST_POSTGRES_URL="$PG_URL"
fi
status=0
for script in bench/*.py; do
  [ -e "$script" ] || continue
  case $(basename "$script") in _*) continue ;; esac  # helpers (bench/_loadgen.py)
  echo "== $script"
  PYTHONPATH=. "$VENV/bin/python" "$script" || status=$?
done
exit "$status"
