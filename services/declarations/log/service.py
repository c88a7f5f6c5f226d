"""The transparency log: append entries, sign tree heads, serve proofs.

Every accepted declaration version, amendment, hold, hold lift, disposal and
fixity check appends one entry. Entry bytes are the RFC 8785 canonical JSON
of the entry; leaves and nodes are hashed as RFC 9162 section 2. Appends hold
the log lock until the transaction ends, so indices are gap-free and each
transaction stores the signed checkpoint of the tree it leaves behind.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session

from services.common.errors import BadRequest
from services.common.security import ReadScope
from services.common.transparency.canonical import JsonValue
from services.common.transparency.checkpoint import Checkpoint, sign_checkpoint
from services.common.transparency.merkle import (
    EMPTY_ROOT,
    PrefetchedSubtrees,
    append_leaves,
    consistency_plan,
    frontier,
    inclusion_plan,
    leaf_hash,
    plan_nodes,
    resolve_plan,
    root_hash,
)
from services.common.transparency.note import Signer
from services.declarations.canonical import fast_canonical_json
from services.declarations.log import repository
from services.declarations.log.schemas import LogEntries, LogEntry, base64_text

ENTRY_TYPES = (
    "declaration_version",
    "amendment",
    "hold",
    "hold_lifted",
    "disposal",
    "fixity",
)

MAX_ENTRIES = 1000


@dataclass(frozen=True)
class LogContext:
    """What appending needs besides the session: the signer and the log's origin."""

    signer: Signer
    origin: str


@dataclass(frozen=True)
class Appended:
    """Where an entry landed."""

    index: int
    leaf_hash: bytes
    tree_size: int


def timestamp(moment: datetime) -> str:
    """RFC 3339 UTC with microseconds, the one spelling used in entries."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def make_entry(entry_type: str, moment: datetime, **fields: JsonValue) -> dict[str, JsonValue]:
    """An entry document: its type, timestamp and the given fields (None ones left out)."""
    if entry_type not in ENTRY_TYPES:
        raise ValueError(f"unknown log entry type {entry_type!r}")
    entry: dict[str, JsonValue] = {"type": entry_type, "timestamp": timestamp(moment)}
    entry.update({k: v for k, v in fields.items() if v is not None})
    return entry


def append(
    session: Session,
    *,
    log: LogContext,
    entries: Sequence[Mapping[str, JsonValue]],
    now: datetime,
) -> list[Appended]:
    """Append ``entries`` in order; store their nodes and the new signed checkpoint.

    All entries land in one pass: one lock, one query for the size and the
    frontier, one bulk insert each for entries and new subtree nodes, and one
    signed checkpoint for the whole batch. Takes the log lock, held until the
    caller's transaction ends: call it last in a write, after every check and
    every insert that could fail.
    """
    # Everything that needs no lock first: the entries' bytes and leaf hashes.
    payloads = [fast_canonical_json(entry) for entry in entries]
    hashes = [leaf_hash(payload) for payload in payloads]
    repository.lock_log(session)
    start, frontier_nodes = repository.size_and_frontier(session)
    result = append_leaves(start, hashes, PrefetchedSubtrees(frontier_nodes))
    repository.insert_entries(
        session,
        [
            {
                "index": start + offset,
                "entry_type": str(entry["type"]),
                "declaration_id": entry.get("declaration_id"),
                "version": entry.get("version"),
                "leaf_input": payload,
                "leaf_hash": digest,
                "created_at": now,
            }
            for offset, (entry, payload, digest) in enumerate(
                zip(entries, payloads, hashes, strict=True)
            )
        ],
    )
    repository.insert_nodes(session, result.nodes)
    note = sign_checkpoint(Checkpoint(log.origin, result.size, result.root), log.signer)
    repository.insert_checkpoint(
        session, tree_size=result.size, root_hash=result.root, signed_note=note, created_at=now
    )
    return [
        Appended(index=start + offset, leaf_hash=digest, tree_size=result.size)
        for offset, digest in enumerate(hashes)
    ]


def current_checkpoint(session: Session, *, log: LogContext) -> str:
    """The latest signed checkpoint (for the empty log, one signed now)."""
    stored = repository.latest_checkpoint(session)
    if stored is not None:
        return stored.signed_note
    return sign_checkpoint(Checkpoint(log.origin, 0, EMPTY_ROOT), log.signer)


def list_entries(
    session: Session, *, scope: ReadScope, start: int, end: int, primary: Session | None = None
) -> LogEntries:
    """Entries [start, end): index and leaf hash of each, bytes and record where readable.

    400 unless 0 <= start < end <= the log's size and at most ``MAX_ENTRIES`` are asked.
    ``session`` may be a read replica's, a moment behind the checkpoint a verifier just
    read from the primary: entries it does not hold yet are read from ``primary``.
    """
    size = repository.log_size(session)
    if end > size and primary is not None and primary is not session:
        session = primary
        size = repository.log_size(session)
    if not 0 <= start < end <= size or end - start > MAX_ENTRIES:
        raise BadRequest(
            f"need 0 <= start < end <= {size} and at most {MAX_ENTRIES} entries",
            code="range_out_of_bounds",
        )
    entries = []
    for row, may_read, content in repository.entries_between(session, start, end, scope):
        entry = LogEntry(index=row.index, leaf_hash=base64_text(row.leaf_hash))
        if may_read:
            entry.leaf_input = base64_text(row.leaf_input)
            entry.entry = json.loads(row.leaf_input)
            entry.record = json.loads(content) if content is not None else None
        entries.append(entry)
    return LogEntries(start=start, end=end, tree_size=size, entries=entries)


def _checked_tree_size(session: Session, tree_size: int | None) -> int:
    size = repository.log_size(session)
    if tree_size is None:
        return size
    if not 0 <= tree_size <= size:
        raise BadRequest(
            f"tree_size {tree_size} is outside 0..{size}", code="tree_size_out_of_range"
        )
    return tree_size


def inclusion_proof(
    session: Session, *, index: int, tree_size: int | None
) -> tuple[int, bytes, list[bytes]]:
    """(tree size, leaf hash, audit path) of entry ``index``; 400 when out of range."""
    size = _checked_tree_size(session, tree_size)
    if not 0 <= index < size:
        raise BadRequest(
            f"index {index} is outside a tree of size {size}", code="index_out_of_range"
        )
    plan = inclusion_plan(index, size)
    nodes = repository.fetch_nodes(session, plan_nodes(plan) | {(0, index)})
    store = PrefetchedSubtrees(nodes)
    return size, store.perfect_subtree(0, index), resolve_plan(plan, store)


def consistency_proof(session: Session, *, first: int, second: int) -> list[bytes]:
    """The RFC 9162 consistency proof between two tree sizes; 400 when out of range."""
    size = repository.log_size(session)
    if not 0 <= first <= second <= size:
        raise BadRequest(
            f"need 0 <= first <= second <= {size}, got first={first}, second={second}",
            code="tree_size_out_of_range",
        )
    if first == 0 and second > 0:
        raise BadRequest(
            "a consistency proof from the empty tree proves nothing; ask from first >= 1",
            code="tree_size_out_of_range",
        )
    plan = consistency_plan(first, second)
    return resolve_plan(plan, PrefetchedSubtrees(repository.fetch_nodes(session, plan_nodes(plan))))


def stored_root(session: Session, size: int) -> bytes:
    """The root of the first ``size`` entries, folded from stored nodes."""
    return root_hash(size, PrefetchedSubtrees(repository.fetch_nodes(session, frontier(size))))


@dataclass(frozen=True)
class SignedInclusion:
    """An entry's inclusion proof against a stored signed checkpoint (what a reader checks)."""

    checkpoint: str
    tree_size: int
    hashes: list[bytes]


def latest_signed_tree(session: Session) -> tuple[str, int] | None:
    """The latest stored signed checkpoint and its tree size (None for the empty log)."""
    stored = repository.latest_checkpoint(session)
    return None if stored is None else (stored.signed_note, stored.tree_size)


def signed_inclusion(session: Session, *, index: int, tree: tuple[str, int]) -> SignedInclusion:
    """The audit path of entry ``index`` in the signed tree ``tree`` (note, size).

    Nodes are never rewritten, so a proof built now against a checkpoint stored
    earlier holds for that checkpoint's root.
    """
    note, size = tree
    _, _, hashes = inclusion_proof(session, index=index, tree_size=size)
    return SignedInclusion(checkpoint=note, tree_size=size, hashes=hashes)
