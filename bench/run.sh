#!/usr/bin/env bash
# Run every bench script with the venv's python and print its figures. The
# PostgreSQL figures use a throwaway cluster (unless TEST_POSTGRES_URL is set: then
# that server, with whatever durability it has; every script prints it).
#
# BENCH_DURABILITY picks the throwaway cluster's settings:
#   durable (default)  fsync, synchronous_commit and full_page_writes on, as a
#                      production database has them;
#   non-durable        all three off (fast, loses data on a crash; the test suite's);
#   both               every script twice, durable first; the SQLite figures once.
# Scale and repetitions (each script prints the ones it used in its header line):
#   BENCH_REPEAT        repetitions of every timed figure (default 5)
#   BENCH_ITEMS         manifest items (registry_manifest, default 100,000),
#                       indexed items (registry_trace, default 5,000,000) and the items
#                       capacity fills (default 20,000,000: deploy/sizing.md's 30-year
#                       volume or 20 million if that is smaller; about 3.5 minutes per
#                       million on this 2-core machine, so over an hour at the default)
#   BENCH_DECLARATIONS (default 100,000), BENCH_YEARS (default 10), BENCH_ANALYSIS_QUERIES
#                       (traces per kind, default 40) (console_analysis; BENCH_ITEMS default
#                       5,000,000 there too: about 15 minutes in all on this machine)
#   BENCH_CAPACITY_QUERIES traces capacity times (default 200; statistics and
#                       reconciliation a tenth of it, at least 5)
#   BENCH_MISSION_ITEMS items of the holdings/reconciliation mission (default 50,000)
#   BENCH_SINGLE, BENCH_CLIENTS, BENCH_BATCHES, BENCH_BATCH_SIZE, BENCH_LOG_ENTRIES
#                       (declarations_log)
#   BENCH_TRACE_RATE, BENCH_TRACE_SECONDS, BENCH_SEIZURE_ITEMS (registry_trace)
#   BENCH_CONSOLE_PEOPLE (default 50), BENCH_CONSOLE_RATE (pages/s, default 10),
#   BENCH_CONSOLE_SECONDS (default 20), BENCH_CONSOLE_ROWS (rows per upload, default
#   1,000), BENCH_CONSOLE_UPLOADERS (uploads at once, default 10) (console_pages)
# A check of the scripts themselves, not of the figures (about 3 minutes on 2 cores):
#   BENCH_REPEAT=2 BENCH_ITEMS=2000 BENCH_MISSION_ITEMS=1500 BENCH_SINGLE=64 BENCH_CLIENTS=4 \
#   BENCH_BATCHES=2 BENCH_BATCH_SIZE=100 BENCH_LOG_ENTRIES=20000 BENCH_TRACE_RATE=200 \
#   BENCH_TRACE_SECONDS=3 BENCH_SEIZURE_ITEMS=1000 BENCH_CAPACITY_QUERIES=20 BENCH_CONSOLE_PEOPLE=6 \
#   BENCH_CONSOLE_RATE=10 BENCH_CONSOLE_SECONDS=3 BENCH_CONSOLE_ROWS=100 PG_EXTRA_OPTIONS="-c shared_buffers=256MB" \
#   make bench
# BENCH_ONLY=registry_trace runs one script (a name without .py).
set -uo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
BENCH_DURABILITY=${BENCH_DURABILITY:-durable}
case $BENCH_DURABILITY in
  durable) modes=(durable) ;;
  non-durable) modes=(non-durable) ;;
  both) modes=(durable non-durable) ;;
  *) echo "BENCH_DURABILITY must be durable, non-durable or both" >&2; exit 2 ;;
esac

run_scripts() {
  local script status=0
  for script in bench/*.py; do
    [ -e "$script" ] || continue
    case $(basename "$script") in _*) continue ;; esac  # helpers (bench/_common.py, _loadgen.py)
    if [ -n "${BENCH_ONLY:-}" ] && [ "$(basename "$script" .py)" != "$BENCH_ONLY" ]; then
      continue
    fi
    echo "== $script"
    PYTHONPATH=. "$VENV/bin/python" "$script" || status=$?
  done
  return "$status"
}

status=0
if [ -n "${TEST_POSTGRES_URL:-}" ]; then
  echo "== PostgreSQL from TEST_POSTGRES_URL (its own durability settings; BENCH_DURABILITY ignored)"
  run_scripts || status=$?
  exit "$status"
fi
# shellcheck source=scripts/pg-cluster.sh
source scripts/pg-cluster.sh
first=1
for mode in "${modes[@]}"; do
  durable=0
  [ "$mode" = durable ] && durable=1
  echo "==== PostgreSQL cluster: $mode"
  # Sized like a database server of this machine (a quarter of its 24 GiB), so the
  # trace bench's 5 million items and their indexes are served from shared buffers.
  PG_DURABLE=$durable PG_EXTRA_OPTIONS=${PG_EXTRA_OPTIONS:-"-c shared_buffers=4GB"} \
    start_throwaway_postgres "$VENV/bin/python" || exit 1
  # The cluster is ours: the holdings bench may restart it for its cold figures.
  export TEST_POSTGRES_URL="$PG_URL" BENCH_PG_BINDIR="$PG_BINDIR" BENCH_PG_DATA="$PG_DATA"
  # SQLite does not depend on the cluster: its figures once, on the first pass.
  BENCH_SQLITE=$first run_scripts || status=$?
  stop_throwaway_postgres
  unset TEST_POSTGRES_URL BENCH_PG_BINDIR BENCH_PG_DATA
  first=0
done
exit "$status"
