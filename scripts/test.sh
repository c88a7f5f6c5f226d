#!/usr/bin/env bash
# Run the whole suite on SQLite, then the database tests on a throwaway
# PostgreSQL 15 cluster made in a temporary folder and always stopped (the read-replica
# tests make a hot standby of it with pg_basebackup -R for as long as they run).
# The browser journey (tests/e2e/test_browser_signin.py) drives Debian's chromium:
# installed here when /usr/bin/chromium is missing, never downloaded by Playwright.
set -uo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
PYTEST=("$VENV/bin/python" -m pytest)
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

status=0
echo "== SQLite: whole suite"
TEST_DATABASE=sqlite "${PYTEST[@]}" "$@" || status=$?
echo "== PostgreSQL: database tests"
export TEST_PG_BINDIR="$PG_BINDIR" TEST_PG_DATA="$PG_DATA" TEST_PG_PORT="$PG_PORT"
TEST_DATABASE=postgresql TEST_POSTGRES_URL="$PG_URL" "${PYTEST[@]}" -m db "$@"
pg_status=$?
# pytest exits 5 when a selection holds no test; that is not a failure here.
[ "$pg_status" = 5 ] && pg_status=0
[ "$status" = 5 ] && status=0
[ "$status" = 0 ] && status=$pg_status
exit "$status"
