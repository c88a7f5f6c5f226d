#!/usr/bin/env bash
# Run the whole suite on SQLite and, beside it, the database tests on a throwaway
# PostgreSQL 15 cluster made in a temporary folder and always stopped (the read-replica
# tests make a hot standby of it with pg_basebackup -R for as long as they run).
# The browser journey (tests/e2e/test_browser_signin.py) drives Debian's chromium:
# installed here when /usr/bin/chromium is missing, never downloaded by Playwright.
set -uo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
# No cache: two pytest processes share the folder (the passes run side by side).
PYTEST=("$VENV/bin/python" -m pytest -p no:cacheprovider)
# shellcheck source=scripts/pg-cluster.sh
source scripts/pg-cluster.sh

install_chromium() {
  [ -x /usr/bin/chromium ] && return 0
  echo "chromium missing: installing it (apt-get install -y chromium)"
  local sudo=()
  [ "$(id -u)" = 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq &&
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
}
install_chromium || { echo "could not install chromium" >&2; exit 1; }

# Fast (seconds) and needs no database: a broken link or page fails before the suites.
echo "== Documentation: mkdocs build --strict"
docs_site=$(mktemp -d)
NO_MKDOCS_2_WARNING=1 "$VENV/bin/mkdocs" build --strict --site-dir "$docs_site" || { rm -rf "$docs_site"; exit 1; }
rm -rf "$docs_site"

start_throwaway_postgres "$VENV/bin/python" || exit 1

# The two passes run side by side (two cores: about the longer one's time instead of the
# sum); TEST_PASSES=serial runs them one after the other. The PostgreSQL pass writes to a
# file, printed when the SQLite pass is done.
pg_pass=(env TEST_PG_BINDIR="$PG_BINDIR" TEST_PG_DATA="$PG_DATA" TEST_PG_PORT="$PG_PORT"
  TEST_DATABASE=postgresql TEST_POSTGRES_URL="$PG_URL" "${PYTEST[@]}" -m db)
status=0
pg_status=0
if [ "${TEST_PASSES:-parallel}" = serial ]; then
  echo "== SQLite: whole suite"
  TEST_DATABASE=sqlite "${PYTEST[@]}" "$@" || status=$?
  echo "== PostgreSQL: database tests"
  "${pg_pass[@]}" "$@" || pg_status=$?
else
  pg_log=$(mktemp /tmp/salw-pg-pass.XXXXXX)
  "${pg_pass[@]}" "$@" >"$pg_log" 2>&1 &
  pg_pid=$!
  trap 'kill "$pg_pid" 2>/dev/null; wait "$pg_pid" 2>/dev/null; stop_throwaway_postgres; rm -f "$pg_log"' EXIT INT TERM
  echo "== SQLite: whole suite (the PostgreSQL pass runs beside it; its output follows)"
  TEST_DATABASE=sqlite "${PYTEST[@]}" "$@" || status=$?
  echo "== SQLite pass done; waiting for the PostgreSQL pass"
  wait "$pg_pid" || pg_status=$?
  echo "== PostgreSQL: database tests"
  cat "$pg_log"
fi
# pytest exits 5 when a selection holds no test; that is not a failure here.
[ "$pg_status" = 5 ] && pg_status=0
[ "$status" = 5 ] && status=0
[ "$status" = 0 ] && status=$pg_status
exit "$status"
