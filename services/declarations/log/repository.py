"""Queries of the transparency log: entries, perfect-subtree nodes, checkpoints."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import exists, func, insert, select, text, tuple_
from sqlmodel import Session

from services.common.security import ReadScope
from services.common.transparency.merkle import NodeId, StoredNode
from services.declarations.bulk_repository import insert_rows
from services.declarations.models import (
    checkpoints,
    declaration_contents,
    declaration_versions,
    declarations,
    log_entries,
    log_nodes,
)

# Any constant works; it only has to be the same for every writer of this database.
_LOG_LOCK_KEY = 0x5A1D_0001


@dataclass(frozen=True)
class EntryRow:
    """One stored log entry."""

    index: int
    entry_type: str
    declaration_id: str | None
    version: int | None
    leaf_input: bytes
    leaf_hash: bytes
    created_at: datetime


@dataclass(frozen=True)
class CheckpointRow:
    """One stored signed tree head."""

    tree_size: int
    root_hash: bytes
    signed_note: str


def lock_log(session: Session) -> None:
    """Serialize appends until the transaction ends, so indices are gap-free.

    PostgreSQL: a transaction-level advisory lock. SQLite: write transactions
    already hold the database's write lock from BEGIN IMMEDIATE.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOG_LOCK_KEY})


def log_size(session: Session) -> int:
    """Number of entries in the log (indices are 0..size-1, gap-free)."""
    last = session.execute(select(func.max(log_entries.c.index))).scalar_one()
    return 0 if last is None else int(last) + 1


def fetch_nodes(session: Session, node_ids: Iterable[NodeId]) -> dict[NodeId, bytes]:
    """The stored hashes of the given (level, index) nodes, in one query."""
    wanted = sorted(set(node_ids))
    if not wanted:
        return {}
    rows = session.execute(
        select(log_nodes.c.level, log_nodes.c.index, log_nodes.c.hash).where(
            tuple_(log_nodes.c.level, log_nodes.c.index).in_(wanted)
        )
    ).all()
    # Row.index is a tuple method: read the "index" column by position.
    return {(int(r[0]), int(r[1])): bytes(r[2]) for r in rows}


# Levels 0..62 cover every tree size a BIGINT index allows.
_LEVELS = ", ".join(f"({level})" for level in range(63))
_SIZE_AND_FRONTIER = text(
    f"""
    WITH head AS (SELECT COALESCE(MAX(e."index") + 1, 0) AS size FROM log_entries AS e),
         levels (level) AS (VALUES {_LEVELS})
    SELECT head.size, levels.level, n."index", n.hash
    FROM head
    LEFT JOIN levels ON ((head.size >> levels.level) & 1) = 1
    LEFT JOIN log_nodes AS n
      ON n.level = levels.level AND n."index" = (head.size >> levels.level) - 1
    """
)


def size_and_frontier(session: Session) -> tuple[int, dict[NodeId, bytes]]:
    """The log's size and the hashes of its frontier (``merkle.frontier(size)``), in one query.

    The frontier of size n has one node per set bit L of n: (L, (n >> L) - 1).
    Call it after :func:`lock_log`: under READ COMMITTED the statement's
    snapshot is then taken after the previous appender committed.
    """
    rows = session.execute(_SIZE_AND_FRONTIER).all()
    size = int(rows[0][0])
    nodes = {(int(r[1]), int(r[2])): bytes(r[3]) for r in rows if r[2] is not None}
    return size, nodes


def insert_entries(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Store log entries (index, entry_type, declaration_id, version, leaf_input, leaf_hash)."""
    insert_rows(session, log_entries, rows)


def insert_nodes(session: Session, nodes: Sequence[StoredNode]) -> None:
    """Store completed perfect subtrees (one bulk insert)."""
    insert_rows(
        session, log_nodes, [{"level": n.level, "index": n.index, "hash": n.hash} for n in nodes]
    )


def insert_checkpoint(
    session: Session, *, tree_size: int, root_hash: bytes, signed_note: str, created_at: datetime
) -> None:
    """Store a signed tree head."""
    session.execute(
        insert(checkpoints).values(
            tree_size=tree_size, root_hash=root_hash, signed_note=signed_note, created_at=created_at
        )
    )


def latest_checkpoint(session: Session) -> CheckpointRow | None:
    """The signed tree head of the largest tree signed so far."""
    row = session.execute(
        select(checkpoints.c.tree_size, checkpoints.c.root_hash, checkpoints.c.signed_note)
        .order_by(checkpoints.c.tree_size.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    return CheckpointRow(int(row.tree_size), bytes(row.root_hash), str(row.signed_note))


def _entry(row: Any) -> EntryRow:
    return EntryRow(
        index=int(row._mapping["index"]),
        entry_type=str(row.entry_type),
        declaration_id=row.declaration_id,
        version=row.version,
        leaf_input=bytes(row.leaf_input),
        leaf_hash=bytes(row.leaf_hash),
        created_at=row.created_at,
    )


# Every version of a declaration, for readability (one alias: ReadScope caches its
# clauses per column).
_DATED = declaration_versions.alias("dated")


def entries_between(
    session: Session, start: int, end: int, scope: ReadScope
) -> list[tuple[EntryRow, bool, str | None]]:
    """Entries [start, end), each with whether the caller may read it and its record content.

    ``scope`` decides by the declaring country and the event date of any version of
    the declaration an entry is about (as for the record itself: amending the date does
    not hide a record's history); entries about no declaration (fixity) are readable by
    every register reader.
    """
    readable_version = scope.clause(declarations.c.declaring_country, _DATED.c.event_date)
    readable = (
        readable_version
        if scope.everything or not scope.periods
        else exists(
            select(_DATED.c.version).where(
                _DATED.c.declaration_id == declarations.c.id, readable_version
            )
        )
    )
    row_readable = (log_entries.c.declaration_id.is_(None)) | (
        declarations.c.id.is_not(None) & readable
    )
    statement = (
        select(
            log_entries,
            row_readable.label("readable"),
            declaration_contents.c.content,
        )
        .select_from(log_entries)
        .outerjoin(declarations, declarations.c.id == log_entries.c.declaration_id)
        .outerjoin(
            declaration_contents,
            (declaration_contents.c.declaration_id == log_entries.c.declaration_id)
            & (declaration_contents.c.version == log_entries.c.version),
        )
        .where(log_entries.c.index >= start, log_entries.c.index < end)
        .order_by(log_entries.c.index)
    )
    return [(_entry(r), bool(r.readable), r.content) for r in session.execute(statement)]


def all_leaf_rows(session: Session, batch: int = 10_000) -> Iterable[tuple[int, bytes, bytes]]:
    """Every entry's (index, leaf_input, leaf_hash) in order, streamed in batches."""
    start = 0
    while True:
        rows = session.execute(
            select(log_entries.c.index, log_entries.c.leaf_input, log_entries.c.leaf_hash)
            .where(log_entries.c.index >= start)
            .order_by(log_entries.c.index)
            .limit(batch)
        ).all()
        if not rows:
            return
        for index, leaf_input, stored_hash in rows:
            yield int(index), bytes(leaf_input), bytes(stored_hash)
        start = int(rows[-1][0]) + 1


def nodes_of_level(session: Session, level: int, batch: int = 2_000) -> Iterator[tuple[int, bytes]]:
    """Every stored (index, hash) of one level of subtree nodes in index order, in batches."""
    start = 0
    while True:
        rows = session.execute(
            select(log_nodes.c.index, log_nodes.c.hash)
            .where(log_nodes.c.level == level, log_nodes.c.index >= start)
            .order_by(log_nodes.c.index)
            .limit(batch)
        ).all()
        if not rows:
            return
        for index, digest in rows:
            yield int(index), bytes(digest)
        start = int(rows[-1][0]) + 1


def nodes_above(session: Session, level: int, limit: int) -> list[NodeId]:
    """Up to ``limit`` stored nodes higher than ``level`` (a tree that small has none)."""
    rows = session.execute(
        select(log_nodes.c.level, log_nodes.c.index)
        .where(log_nodes.c.level > level)
        .order_by(log_nodes.c.level, log_nodes.c.index)
        .limit(limit)
    ).all()
    return [(int(r[0]), int(r[1])) for r in rows]


def all_checkpoints(session: Session, batch: int = 2_000) -> Iterator[CheckpointRow]:
    """Every stored signed tree head, smallest tree first, in batches."""
    start = 0
    while True:
        rows = session.execute(
            select(checkpoints.c.tree_size, checkpoints.c.root_hash, checkpoints.c.signed_note)
            .where(checkpoints.c.tree_size >= start)
            .order_by(checkpoints.c.tree_size)
            .limit(batch)
        ).all()
        if not rows:
            return
        for row in rows:
            yield CheckpointRow(int(row.tree_size), bytes(row.root_hash), str(row.signed_note))
        start = int(rows[-1][0]) + 1
