"""Backups of the embedded register (SQLite files in ``var/``) and their restore.

A backup is a folder: one copy of each service's database made with SQLite's online
backup API (a consistent snapshot of that database, taken while the register serves),
the files of ``var/`` the register cannot do without (the log's signing key, the
operator's and the index relay's credentials), and ``manifest.json``, which lists every
file with its SHA-256 and records the declarations log's latest signed checkpoint in the
copy. ``log-verify.json`` beside it is that checkpoint in the state format of
``regctl log verify``, so the restored log can be proven to extend it.

The databases are copied one after the other: auth, declarations, then registry. The
registry's weapon index is fed from the declarations log, so copied after it, the index
holds at least every entry the declarations copy counts as delivered (never a gap the
relay would not refill).

A restore checks every SHA-256 before it writes anything, writes each file beside its
target and renames it into place, and never writes over a database: the target files
must be absent, or with ``force`` they are moved aside (``*.before-restore-<time>``),
never deleted. It is for a stopped register.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlmodel import Session

from services.common.database import is_sqlite
from services.common.settings import ServiceSettings

MANIFEST = "manifest.json"
VERIFY_STATE = "log-verify.json"
FORMAT = "salw-register-sqlite-backup/1"
# Back-up order (see the module docstring): the index after the log that feeds it.
ORDER = ("auth", "declarations", "registry")
# The files of var/ besides the databases that a restored register needs.
VAR_FILES = ("credentials.json", "declarations-index-client.json")
VAR_FOLDERS = ("keys",)


class BackupError(Exception):
    """The backup or restore cannot be done; the message says why (and what to do)."""


@dataclass(frozen=True)
class Target:
    """Where one service keeps its database."""

    service: str
    database: Path


def database_targets(settings: Sequence[ServiceSettings]) -> list[Target]:
    """Each service's SQLite file; BackupError if one is on PostgreSQL."""
    targets = []
    for service_settings in settings:
        url = service_settings.resolved_database_url()
        database = make_url(url).database
        if not is_sqlite(url) or not database or database == ":memory:":
            raise BackupError(
                f"{service_settings.service_name}'s database is not a SQLite file; back up"
                " PostgreSQL with its own tools: WAL archiving and base backups,"
                " docs/backup-restore.md"
            )
        targets.append(Target(service_settings.service_name, Path(database)))
    return sorted(targets, key=lambda target: ORDER.index(target.service))


def var_dir_of(settings: Sequence[ServiceSettings]) -> Path:
    """The one ``var/`` the services share (the embedded default)."""
    folders = {service_settings.var_dir.resolve() for service_settings in settings}
    if len(folders) != 1:
        raise BackupError(f"the services use different var/ folders: {sorted(folders)}")
    return folders.pop()


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _copy_database(source: Path, destination: Path) -> None:
    """SQLite's online backup: one consistent snapshot, while others read and write."""
    if not source.is_file():
        raise BackupError(f"{source} does not exist: has the register been started?")
    with (
        sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30) as reader,
        sqlite3.connect(destination) as writer,
    ):
        # One step (pages=-1): the copy is the database as of one read transaction.
        reader.backup(writer, pages=-1)
        # A self-contained file: no -wal beside it, in the backup or after a restore.
        writer.execute("PRAGMA journal_mode=DELETE")
        problems = [row[0] for row in writer.execute("PRAGMA quick_check")]
    reader.close()
    writer.close()
    if problems != ["ok"]:
        raise BackupError(f"the copy of {source} fails SQLite's quick_check: {problems[:5]}")


def _log_checkpoint(copy: Path, settings: ServiceSettings) -> dict[str, Any]:
    """The declarations log's size and latest checkpoint in the copy, signature checked."""
    from services.common.transparency.checkpoint import open_checkpoint
    from services.common.transparency.note import format_verifier_key
    from services.declarations.log import repository
    from services.declarations.log.keys import load_signer
    from services.declarations.settings import DeclarationsSettings

    assert isinstance(settings, DeclarationsSettings)
    # Read-only and immutable: reading the copy must not change a byte of it.
    engine = create_engine(f"sqlite:///file:{copy}?mode=ro&immutable=1&uri=true")
    try:
        with Session(engine) as session:
            log_size = repository.log_size(session)
            row = repository.latest_checkpoint(session)
    finally:
        engine.dispose()
    found: dict[str, Any] = {"log_size": log_size, "checkpoint": None}
    if row is None:
        return found
    has_key = settings.log_signing_key or settings.resolved_log_key_file().is_file()
    if not has_key:
        raise BackupError("the declarations log's signing key is missing from var/keys/")
    verifier = load_signer(settings).verifier
    checkpoint = open_checkpoint(row.signed_note, [verifier], origin=verifier.name)
    found["checkpoint"] = {
        "tree_size": checkpoint.size,
        "root_hash": base64.b64encode(checkpoint.root_hash).decode(),
        "verifier_key": format_verifier_key(verifier),
        "signed_note": row.signed_note,
    }
    return found


def _var_files(var_dir: Path) -> Iterable[Path]:
    for name in VAR_FILES:
        if (var_dir / name).is_file():
            yield Path(name)
    for folder in VAR_FOLDERS:
        if (var_dir / folder).is_dir():
            for path in sorted((var_dir / folder).rglob("*")):
                if path.is_file() and not path.name.endswith(".tmp"):
                    yield path.relative_to(var_dir)


def back_up(settings: Sequence[ServiceSettings], destination: Path) -> dict[str, Any]:
    """Copy the register into ``destination`` (new or empty); return the manifest."""
    if destination.exists() and any(destination.iterdir()):
        raise BackupError(f"{destination} is not empty: back up into a new folder")
    targets = database_targets(settings)
    var_dir = var_dir_of(settings)
    by_name = {service_settings.service_name: service_settings for service_settings in settings}
    destination.mkdir(parents=True, exist_ok=True)
    files: list[dict[str, Any]] = []
    log: dict[str, Any] = {}
    for target in targets:
        name = f"{target.service}.db"
        started = datetime.now(UTC)
        _copy_database(target.database, destination / name)
        files.append({"path": name, "service": target.service, "copied_at": started.isoformat()})
        if target.service == "declarations":
            log = _log_checkpoint(destination / name, by_name["declarations"])
    for relative in _var_files(var_dir):
        copy = destination / "var" / relative
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(var_dir / relative, copy)
        files.append({"path": f"var/{relative.as_posix()}"})
    for entry in files:
        path = destination / entry["path"]
        entry.update(sha256=sha256_of(path), bytes=path.stat().st_size)
    manifest = {
        "format": FORMAT,
        "created_at": datetime.now(UTC).isoformat(),
        "files": files,
        "declarations_log": log,
    }
    (destination / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    checkpoint = log.get("checkpoint")
    if checkpoint is not None:
        state = {key: checkpoint[key] for key in ("verifier_key", "tree_size", "root_hash")}
        (destination / VERIFY_STATE).write_text(json.dumps(state, indent=2) + "\n")
    return manifest


def read_manifest(source: Path) -> dict[str, Any]:
    """The backup's manifest, checked for shape."""
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"{source / MANIFEST} cannot be read: {exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{source / MANIFEST} is not a manifest of this register's backups")
    files = manifest.get("files")
    well_formed = isinstance(files, list) and all(
        isinstance(entry, dict)
        and isinstance(entry.get("path"), str)
        and isinstance(entry.get("sha256"), str)
        for entry in files
    )
    if not well_formed:
        raise BackupError(f"{source / MANIFEST}: 'files' is not a list of paths with SHA-256s")
    return manifest


def verify_files(source: Path, manifest: dict[str, Any]) -> list[str]:
    """Every problem with the backup's files (missing, altered, outside the folder)."""
    problems = []
    root = source.resolve()
    for entry in manifest["files"]:
        relative = entry["path"]
        path = (source / relative).resolve()
        if not relative or not path.is_relative_to(root):
            problems.append(f"{relative!r}: not a path inside the backup")
        elif not path.is_file():
            problems.append(f"{relative}: missing")
        elif sha256_of(path) != entry.get("sha256"):
            problems.append(f"{relative}: SHA-256 differs from the manifest")
    return problems


def _destinations(
    manifest: dict[str, Any], targets: Sequence[Target], var_dir: Path
) -> list[tuple[str, Path]]:
    databases = {f"{target.service}.db": target.database for target in targets}
    pairs = []
    for entry in manifest["files"]:
        relative = str(entry["path"])
        if relative in databases:
            pairs.append((relative, databases[relative]))
        elif relative.startswith("var/"):
            pairs.append((relative, var_dir / relative.removeprefix("var/")))
        else:
            raise BackupError(
                f"the manifest names {relative!r}, which this register has no use for"
            )
    missing = set(databases) - {relative for relative, _ in pairs}
    if missing:
        raise BackupError(f"the backup lacks {sorted(missing)}")
    return pairs


def _in_the_way(destination: Path) -> list[Path]:
    """The file and its SQLite companions (-wal, -shm, -journal) that exist."""
    candidates = [destination, *(Path(f"{destination}{s}") for s in ("-wal", "-shm", "-journal"))]
    return [path for path in candidates if path.exists()]


def restore(
    settings: Sequence[ServiceSettings], source: Path, *, force: bool = False
) -> list[Path]:
    """Put the backup in ``source`` in place; return what was moved aside."""
    manifest = read_manifest(source)
    problems = verify_files(source, manifest)
    if problems:
        raise BackupError(
            "the backup is damaged, nothing was restored:\n  " + "\n  ".join(problems)
        )
    pairs = _destinations(manifest, database_targets(settings), var_dir_of(settings))
    occupied = [path for _, destination in pairs for path in _in_the_way(destination)]
    if occupied and not force:
        listed = "\n  ".join(str(path) for path in occupied)
        raise BackupError(
            "these files exist, nothing was restored (stop the register, then restore into"
            f" an empty var/, or pass --force to move them aside):\n  {listed}"
        )
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    moved = []
    for path in occupied:
        aside = path.with_name(f"{path.name}.before-restore-{stamp}")
        path.rename(aside)
        moved.append(aside)
    for relative, destination in pairs:
        destination.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        partial = destination.with_name(f".{destination.name}.restoring")
        shutil.copyfile(source / relative, partial)
        partial.chmod(0o600)
        with partial.open("rb") as stream:
            os.fsync(stream.fileno())
        expected = next(e["sha256"] for e in manifest["files"] if e["path"] == relative)
        if sha256_of(partial) != expected:
            partial.unlink()
            raise BackupError(f"{relative} changed while it was copied; run restore again")
        partial.replace(destination)
    return moved
