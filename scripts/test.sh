#!/usr/bin/env bash
# Run the whole suite on SQLite, then the database tests on a throwaway
# PostgreSQL 15 cluster made in a temporary folder and always stopped.
set -uo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
PYTEST=("$VENV/bin/python" -m pytest)

pg_bindir() {
  local dir
  for dir in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
    [ -x "$dir/initdb" ] && { echo "$dir"; return 0; }
  done
  command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
  return 1
}

if ! BINDIR=$(pg_bindir); then
  echo "PostgreSQL server binaries missing: installing them (apt-get install -y postgresql)"
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
  BINDIR=$(pg_bindir) || { echo "could not install PostgreSQL" >&2; exit 1; }
fi

PGTMP=$(mktemp -d /tmp/salw-pg.XXXXXX)
RUN_AS=()
if [ "$(id -u)" = 0 ]; then
  # PostgreSQL refuses to run as root: the cluster belongs to the postgres user.
  chown postgres "$PGTMP"
  RUN_AS=(runuser -u postgres --)
fi
PORT=$("$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

stop_cluster() {
  "${RUN_AS[@]}" "$BINDIR/pg_ctl" -D "$PGTMP/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PGTMP"
}
trap stop_cluster EXIT INT TERM

"${RUN_AS[@]}" "$BINDIR/initdb" -D "$PGTMP/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$PGTMP/initdb.log" 2>&1 \
  || { cat "$PGTMP/initdb.log"; exit 1; }
"${RUN_AS[@]}" "$BINDIR/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/server.log" -w -t 60 start \
  -o "-c listen_addresses=127.0.0.1 -p $PORT -k $PGTMP -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >/dev/null \
  || { cat "$PGTMP/server.log"; exit 1; }
echo "throwaway PostgreSQL on 127.0.0.1:$PORT ($PGTMP)"

status=0
echo "== SQLite: whole suite"
TEST_DATABASE=sqlite "${PYTEST[@]}" "$@" || status=$?
echo "== PostgreSQL: database tests"
export TEST_PG_BINDIR="$BINDIR" TEST_PG_DATA="$PGTMP/data" TEST_PG_PORT="$PORT"
TEST_DATABASE=postgresql TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:$PORT/postgres" \
  "${PYTEST[@]}" -m db "$@"
pg_status=$?
# pytest exits 5 when a selection holds no test; that is not a failure here.
[ "$pg_status" = 5 ] && pg_status=0
[ "$status" = 5 ] && status=0
[ "$status" = 0 ] && status=$pg_status
exit "$status"
