#!/usr/bin/env bash
# Sourced by scripts/test.sh and bench/run.sh: a throwaway PostgreSQL cluster in
# a temporary folder, on a free port of 127.0.0.1, stopped on exit. As root it
# runs as the postgres user (PostgreSQL refuses root). Missing server binaries
# are installed from Debian's packages rather than skipped.
# After `start_throwaway_postgres`: PG_BINDIR, PG_DATA, PG_PORT, PG_URL are set.
# PG_EXTRA_OPTIONS adds server options (bench/run.sh sizes shared_buffers with it).
# PG_DURABLE=1 starts the cluster with a production database's durability (fsync,
# synchronous_commit and full_page_writes on: every commit waits for its WAL flush);
# unset or 0 (the tests) turns all three off, which is fast and loses data on a crash.
# PG_DURABILITY is set to "durable" or "non-durable" to say which one runs.
# A hot standby the tests make (tests/reliability/test_read_replica.py: standby-* beside
# the data folder) is stopped with it if a test run ended before removing it.

pg_bindir() {
  local dir
  for dir in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
    [ -x "$dir/initdb" ] && { echo "$dir"; return 0; }
  done
  command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
  return 1
}

install_postgres() {
  echo "PostgreSQL server binaries missing: installing them (apt-get install -y postgresql)"
  local sudo=()
  [ "$(id -u)" = 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq &&
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
}

stop_throwaway_postgres() {
  [ -n "${PG_TMP:-}" ] || return 0
  local standby
  for standby in "$PG_TMP"/standby-*; do
    [ -d "$standby" ] || continue
    "${PG_RUN_AS[@]}" "$PG_BINDIR/pg_ctl" -D "$standby" -m immediate stop >/dev/null 2>&1 || true
  done
  "${PG_RUN_AS[@]}" "$PG_BINDIR/pg_ctl" -D "$PG_DATA" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PG_TMP"
  PG_TMP=""
}

start_throwaway_postgres() {
  local python=${1:-python3}
  PG_BINDIR=$(pg_bindir) || { install_postgres && PG_BINDIR=$(pg_bindir); } ||
    { echo "could not install PostgreSQL" >&2; return 1; }
  PG_TMP=$(mktemp -d /tmp/salw-pg.XXXXXX)
  PG_DATA="$PG_TMP/data"
  PG_RUN_AS=()
  if [ "$(id -u)" = 0 ]; then
    chown postgres "$PG_TMP"
    PG_RUN_AS=(runuser -u postgres --)
  fi
  local durability
  if [ "${PG_DURABLE:-0}" = 1 ]; then
    PG_DURABILITY=durable
    durability="-c fsync=on -c synchronous_commit=on -c full_page_writes=on"
  else
    PG_DURABILITY=non-durable
    durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  fi
  PG_PORT=$("$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  trap stop_throwaway_postgres EXIT INT TERM
  "${PG_RUN_AS[@]}" "$PG_BINDIR/initdb" -D "$PG_DATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
    >"$PG_TMP/initdb.log" 2>&1 || { cat "$PG_TMP/initdb.log"; return 1; }
  # Streaming replication from 127.0.0.1, for start_throwaway_replica (initdb's
  # default pg_hba.conf may already allow it; the line is added when it does not).
  grep -Eq '^host[[:space:]]+replication[[:space:]]+all[[:space:]]+127\.0\.0\.1/32' "$PG_DATA/pg_hba.conf" ||
    echo "host replication all 127.0.0.1/32 trust" >>"$PG_DATA/pg_hba.conf"
  "${PG_RUN_AS[@]}" "$PG_BINDIR/pg_ctl" -D "$PG_DATA" -l "$PG_TMP/server.log" -w -t 60 start \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_TMP $durability -c max_connections=200 -c wal_level=replica -c max_wal_senders=4 ${PG_EXTRA_OPTIONS:-}" \
    >/dev/null || { cat "$PG_TMP/server.log"; return 1; }
  PG_URL="postgresql+psycopg://postgres@127.0.0.1:$PG_PORT/postgres"
  echo "throwaway PostgreSQL on 127.0.0.1:$PG_PORT ($PG_TMP), $PG_DURABILITY ($durability)"
}
