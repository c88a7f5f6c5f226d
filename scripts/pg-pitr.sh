#!/usr/bin/env bash
# PostgreSQL point-in-time recovery with the tools PostgreSQL ships (docs/backup-restore.md).
# Run as the user that owns the cluster (postgres). The cluster holds the three
# services' databases, so one restore brings auth, registry and declarations back
# to the same moment.
#
#   pg-pitr.sh archive-wal WAL_PATH ARCHIVED_PATH
#       archive_command: copy one WAL segment into the archive, atomically (a temporary
#       name, fsync, rename), never overwriting a different file of the same name.
#       postgresql.conf: archive_command = '/opt/salw/scripts/pg-pitr.sh archive-wal %p /var/lib/salw/wal-archive/%f'
#   pg-pitr.sh base-backup BACKUPS_DIR
#       pg_basebackup into BACKUPS_DIR/<UTC time>/ (plain format, with the WAL it needs,
#       checked by pg_verifybackup; compress the folder when you copy it off-site);
#       connects with libpq's variables (PGHOST, PGPORT, PGUSER). Prints the folder.
#   pg-pitr.sh restore BASE_BACKUP WAL_ARCHIVE NEW_DATA 'YYYY-MM-DD HH:MM:SS+00'
#       Prepare NEW_DATA (absent or empty) to recover to that moment: the base backup
#       unpacked, restore_command reading WAL_ARCHIVE, recovery_target_time, promote at
#       the target, recovery.signal. Then start PostgreSQL on NEW_DATA; it replays the
#       archived WAL up to the moment and opens for writes on a new timeline.
#   pg-pitr.sh prune BACKUPS_DIR WAL_ARCHIVE KEEP
#       Keep the KEEP newest base backups; delete older ones and the WAL segments that
#       only they needed (pg_archivecleanup).
set -euo pipefail

die() {
  echo "pg-pitr.sh: $*" >&2
  exit 1
}

pg_bin() {
  local name=$1 dir
  for dir in ${PG_BINDIR:-} /usr/lib/postgresql/*/bin; do
    [ -x "$dir/$name" ] && { echo "$dir/$name"; return 0; }
  done
  command -v "$name" 2>/dev/null && return 0
  die "$name not found (install PostgreSQL's client and server tools, or set PG_BINDIR)"
}

archive_wal() {
  [ $# = 2 ] || die "usage: archive-wal WAL_PATH ARCHIVED_PATH"
  local source=$1 target=$2
  if [ -e "$target" ]; then
    # PostgreSQL may archive a segment again after a crash: the same bytes are a success,
    # different bytes under the same name are a fault an operator must look at.
    cmp -s "$source" "$target" && exit 0
    die "$target exists and differs from $source; not overwriting"
  fi
  cp "$source" "$target.partial"
  sync "$target.partial"
  mv "$target.partial" "$target"
  sync "$(dirname "$target")"
}

base_backup() {
  [ $# = 1 ] || die "usage: base-backup BACKUPS_DIR"
  local folder
  folder="$1/$(date -u +%Y-%m-%dT%H%M%SZ)"
  mkdir -p "$1"
  [ ! -e "$folder" ] || die "$folder exists"
  "$(pg_bin pg_basebackup)" --pgdata="$folder" --format=plain --wal-method=stream \
    --checkpoint=fast --label="salw $(date -u +%FT%TZ)" --no-password
  # The manifest pg_basebackup writes is checked before the folder is called done.
  "$(pg_bin pg_verifybackup)" --quiet "$folder" ||
    die "pg_verifybackup refused $folder"
  echo "$folder"
}

restore() {
  [ $# = 4 ] || die "usage: restore BASE_BACKUP WAL_ARCHIVE NEW_DATA 'YYYY-MM-DD HH:MM:SS+00'"
  local backup=$1 archive=$2 data=$3 target=$4
  [ -f "$backup/backup_label" ] || die "$backup has no backup_label (not a base backup)"
  [ -d "$archive" ] || die "$archive is not a folder"
  [ -z "$(ls -A "$data" 2>/dev/null)" ] || die "$data is not empty; restore into a new folder"
  "$(pg_bin pg_verifybackup)" --quiet "$backup" ||
    die "pg_verifybackup refused $backup"
  archive=$(cd "$archive" && pwd)
  mkdir -p "$data"
  chmod 700 "$data"
  cp -a "$backup/." "$data/"
  cat >>"$data/postgresql.auto.conf" <<EOF
# pg-pitr.sh restore, $(date -u +%FT%TZ): recover to $target, then open for writes
restore_command = 'cp "$archive/%f" "%p"'
recovery_target_time = '$target'
recovery_target_inclusive = on
recovery_target_action = 'promote'
EOF
  touch "$data/recovery.signal"
  echo "ready: start PostgreSQL on $data; it recovers to $target and promotes"
}

prune() {
  [ $# = 3 ] || die "usage: prune BACKUPS_DIR WAL_ARCHIVE KEEP"
  local backups=$1 archive=$2 keep=$3 oldest label
  [[ $keep =~ ^[1-9][0-9]*$ ]] || die "KEEP must be a positive number"
  mapfile -t all < <(find "$backups" -mindepth 1 -maxdepth 1 -type d -name '????-??-??T*Z' | sort)
  [ "${#all[@]}" -gt "$keep" ] || { echo "nothing to prune (${#all[@]} base backups)"; return 0; }
  oldest=${all[${#all[@]}-keep]}
  # The oldest kept backup's first WAL segment: everything before it is needed by none.
  label=$(sed -n 's/^START WAL LOCATION: .* (file \(.*\))$/\1/p' "$oldest/backup_label")
  [ -n "$label" ] || die "cannot read the start WAL segment of $oldest"
  for folder in "${all[@]:0:${#all[@]}-keep}"; do
    rm -rf "$folder"
    echo "removed $folder"
  done
  "$(pg_bin pg_archivecleanup)" "$archive" "$label"
  echo "removed WAL before $label from $archive"
}

command=${1:-}
shift || true
case "$command" in
archive-wal) archive_wal "$@" ;;
base-backup) base_backup "$@" ;;
restore) restore "$@" ;;
prune) prune "$@" ;;
*) die "usage: pg-pitr.sh archive-wal|base-backup|restore|prune ... (see the top of this file)" ;;
esac
