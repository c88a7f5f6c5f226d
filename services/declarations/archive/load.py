"""Import a declarations bag into an empty, migrated declarations database.

The bag is validated first (both manifests, Payload-Oxum), then checked
against its own signed log before anything is written (``verify``: every
checkpoint signature against the operator's verifier key, every version,
head, hold and lift against its log entry, retention recomputed). Then, in one
transaction: the records, holds, log entries, disposals and checkpoints are
loaded as they were; every leaf hash is recomputed from its bytes; the
subtree nodes are recomputed from the leaves (``append_leaves``); the item
index is rebuilt from the records. The root recomputed from the leaves must
equal the last checkpoint's root (and the bag's ``Log-Root-Hash``), or
nothing is committed.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Table
from sqlmodel import Session

from services.common import migrations
from services.common.database import write_session
from services.common.tables import utcnow
from services.common.transparency.merkle import (
    EMPTY_ROOT,
    PrefetchedSubtrees,
    append_leaves,
    frontier,
    leaf_hash,
)
from services.common.transparency.note import Verifier
from services.declarations.archive import repository, verify
from services.declarations.archive.bagit import BagError, validate_bag
from services.declarations.archive.export import PAYLOAD
from services.declarations.archive.verify import ImportRefused
from services.declarations.bulk_repository import insert_rows
from services.declarations.declarations.checks import CheckedDocument, item_rows
from services.declarations.declarations.custody import identify, undeclared_positions
from services.declarations.declarations.records import document_of, parse_record
from services.declarations.declarations.schemas import DeclarationDocument
from services.declarations.duplicates.service import separate_duplicate_destructions
from services.declarations.log.repository import insert_nodes
from services.declarations.models import (
    APPEND_ONLY_TABLES,
    checkpoints,
    declaration_contents,
    declaration_versions,
    declarations,
    disposals,
    duplicate_destructions,
    hold_lifts,
    holds,
    items,
    log_entries,
)

__all__ = ["ImportRefused", "import_bag"]

_CHUNK = 5000
_DATES = {"event_date", "retain_until", "disposed_on"}
_MOMENTS = {"declared_at", "created_at", "placed_at", "lifted_at", "disposed_at"}


def _typed(row: dict[str, Any]) -> dict[str, Any]:
    typed = dict(row)
    for key, value in row.items():
        if value is None:
            continue
        if key in _DATES:
            typed[key] = date.fromisoformat(value)
        elif key in _MOMENTS:
            typed[key] = datetime.fromisoformat(value)
        elif key in ("leaf_input", "leaf_hash", "root_hash"):
            typed[key] = base64.b64decode(value, validate=True)
    return typed


def _lines(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                yield _typed(json.loads(line))
            except (ValueError, TypeError) as exc:
                raise ImportRefused(f"{path.name} line {number}: {exc}") from exc


def _load(session: Session, table: Table, rows: Iterator[dict[str, Any]]) -> int:
    chunk: list[dict[str, Any]] = []
    count = 0
    for row in rows:
        chunk.append(row)
        if len(chunk) == _CHUNK:
            insert_rows(session, table, chunk)
            count, chunk = count + len(chunk), []
    insert_rows(session, table, chunk)
    return count + len(chunk)


def _split(
    rows: Iterator[dict[str, Any]], name: str, key: str, into: list[dict[str, Any]]
) -> Iterator[dict[str, Any]]:
    """Yield ``rows`` without their nested ``name`` object, collected in ``into`` with ``key``."""
    for row in rows:
        nested = row.pop(name)
        if nested is not None:
            into.append(_typed(nested) | {key: row["id"]})
        yield row


def _require_empty_and_migrated(engine: Engine) -> None:
    if migrations.current_revisions(engine) != migrations.head_revisions("declarations"):
        raise ImportRefused("the target database is not migrated to head (regctl migrate)")
    with engine.connect() as connection:
        names = (*APPEND_ONLY_TABLES, "declaration_contents", "items")
        if (used := repository.first_table_with_rows(connection, names)) is not None:
            raise ImportRefused(f"the target database is not empty ({used} has rows)")


def _load_log(session: Session, path: Path) -> tuple[int, bytes]:
    size = 0
    known: dict[tuple[int, int], bytes] = {}  # the frontier of the tree loaded so far
    chunk: list[dict[str, Any]] = []

    def flush() -> None:
        nonlocal size, known, chunk
        if not chunk:
            return
        hashes = [row["leaf_hash"] for row in chunk]
        result = append_leaves(size, hashes, PrefetchedSubtrees(known))
        insert_rows(session, log_entries, chunk)
        insert_nodes(session, result.nodes)
        every = known | {(n.level, n.index): n.hash for n in result.nodes}
        size, chunk = result.size, []
        known = {node: every[node] for node in frontier(size)}

    for row in _lines(path):
        if row["index"] != size + len(chunk):
            raise ImportRefused(f"log entry {size + len(chunk)} is missing")
        if leaf_hash(row["leaf_input"]) != row["leaf_hash"]:
            raise ImportRefused(f"log entry {row['index']}: leaf_hash is not the hash of its bytes")
        chunk.append(row)
        if len(chunk) == _CHUNK:
            flush()
    flush()
    root = append_leaves(size, [], PrefetchedSubtrees(known)).root if size else EMPTY_ROOT
    return size, root


def _rebuild_items(session: Session, versions: list[dict[str, Any]]) -> int:
    """The item index of every declaration not disposed of, from its current record."""
    current: dict[str, dict[str, Any]] = {}
    for row in versions:
        current[row["declaration_id"]] = row  # in log order: the last version is current
    documents = []
    for version in current.values():
        record = parse_record(version["content"])
        if record is not None:
            documents.append((version, DeclarationDocument.model_validate(document_of(record))))
    # Seizures and collections first: destructions match their items against them.
    documents.sort(key=lambda pair: pair[1].type == "destruction")
    recorded: dict[str, set[str]] = {}
    rows: list[dict[str, Any]] = []
    for version, document in documents:
        identities = [identify(item) for item in document.items]
        undeclared: set[int] = set()
        if document.type != "destruction":
            recorded[version["declaration_id"]] = {i.match_key for i in identities}
        elif version["undeclared"]:
            keys = set().union(*(recorded.get(r, set()) for r in document.references))
            undeclared = set(undeclared_positions(identities, keys))
        checked = CheckedDocument(document, identities, undeclared)
        rows += [{**r, "declaration_id": version["declaration_id"]} for r in item_rows(checked)]
    # Records made under an older identity rule may destroy one weapon twice: keep both.
    pairs = separate_duplicate_destructions(rows, found_by="archive import", found_at=utcnow())
    insert_rows(session, items, rows)
    insert_rows(session, duplicate_destructions, pairs)
    return len(rows)


def import_bag(
    engine: Engine, bag: Path, *, verifiers: list[Verifier], retention_years: int
) -> dict[str, Any]:
    """Validate ``bag``, check it against its signed log and load it.

    ImportRefused or BagError when it cannot be; nothing is written then.
    ``verifiers``: the log's verifier keys (every checkpoint must verify under
    one); ``retention_years``: the retention rule for versions whose log entry
    does not record ``retain_until``.
    """
    info = validate_bag(bag)
    data = bag / "data"
    for name in PAYLOAD:
        if not (data / name).is_file():
            raise BagError(f"data/{name} is missing")
    _require_empty_and_migrated(engine)
    signed = list(_lines(data / "checkpoints.jsonl"))
    verify.check_checkpoints(signed, verifiers, origin=info.get("Log-Origin"))
    entries = verify.check_log(
        _lines(data / "log_entries.jsonl"), signed, bag_root=info.get("Log-Root-Hash")
    )
    disposed: list[dict[str, Any]] = []
    heads = list(
        _split(_lines(data / "declarations.jsonl"), "disposal", "declaration_id", disposed)
    )
    versions = list(_lines(data / "versions.jsonl"))
    verify.check_versions(
        versions,
        {h["id"]: h for h in heads},
        {d["declaration_id"] for d in disposed},
        entries,
        years=retention_years,
    )
    lifts: list[dict[str, Any]] = []
    held = list(_split(_lines(data / "holds.jsonl"), "lift", "hold_id", lifts))
    verify.check_holds(held, lifts, entries)
    verify.check_disposals(disposed, entries)
    counts: dict[str, int] = {}
    with write_session(engine) as session:
        counts["declarations"] = _load(session, declarations, iter(heads))
        counts["versions"] = _load(
            session,
            declaration_versions,
            ({k: v for k, v in row.items() if k != "content"} for row in versions),
        )
        _load(
            session,
            declaration_contents,
            ({k: row[k] for k in ("declaration_id", "version", "content")} for row in versions),
        )
        counts["holds"] = _load(session, holds, iter(held))
        _load(session, hold_lifts, iter(lifts))
        size, root = _load_log(session, data / "log_entries.jsonl")
        # After the log: the database checks each disposal against its logged entry.
        _load(session, disposals, iter(disposed))
        _load(session, checkpoints, iter(signed))
        last_size, last_root = (
            (signed[-1]["tree_size"], signed[-1]["root_hash"]) if signed else (0, EMPTY_ROOT)
        )
        if (last_size, last_root) != (size, root):
            raise ImportRefused(
                f"the root recomputed from the {size} entries differs from the last checkpoint's"
            )
        if info.get("Log-Root-Hash") != base64.b64encode(root).decode():
            raise ImportRefused("the recomputed root differs from the bag's Log-Root-Hash")
        counts["items"] = _rebuild_items(session, versions)
        session.commit()
    return {"ok": True, "tree_size": size, "root_hash": base64.b64encode(root).decode(), **counts}
