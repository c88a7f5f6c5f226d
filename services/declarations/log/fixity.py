"""Fixity: recompute the log from its stored bytes and compare with everything stored.

One streaming pass over the entries, in index order, with bounded memory (the
entries, each level of stored nodes and the checkpoints are read in batches;
the tree is carried as its O(log n) frontier). Checks, each reported as a
problem:

- every stored leaf hash is the hash of its stored bytes;
- every stored subtree node (``log_nodes``, leaves included) equals the node
  recomputed from the entries, none is missing and none is stray: inclusion
  and consistency proofs are folds of these rows, so one corrupted interior
  node breaks the proofs served for half the log while the root stays intact;
- every stored checkpoint's root is the root recomputed for its tree size,
  and its note says the size and root its columns say, so the stored tree
  heads are consistent with each other and with the entries;
- the latest checkpoint's signature verifies, and the root folded from stored
  nodes equals it.

The outcome is itself appended to the log as a ``fixity`` entry, so the
checks leave a trace nobody can remove.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import datetime

from sqlmodel import Session

from services.common.transparency.checkpoint import (
    CheckpointError,
    open_checkpoint,
    parse_checkpoint,
)
from services.common.transparency.merkle import (
    EMPTY_ROOT,
    StoredNode,
    fold_subtrees,
    leaf_hash,
    node_hash,
)
from services.common.transparency.note import NoteError
from services.declarations.log import repository, service
from services.declarations.log.repository import CheckpointRow
from services.declarations.log.schemas import FixityResult
from services.declarations.log.service import LogContext

_MAX_LISTED = 20


class _Problems:
    """The problems found, the first few listed and the rest counted."""

    def __init__(self) -> None:
        self.listed: list[str] = []
        self.unlisted = 0

    def add(self, problem: str) -> None:
        if len(self.listed) < _MAX_LISTED:
            self.listed.append(problem)
        else:
            self.unlisted += 1

    def summary(self) -> list[str]:
        more = [f"... and {self.unlisted} more problems"] if self.unlisted else []
        return self.listed + more


class _StoredLevel:
    """The stored nodes of one level, streamed in index order, matched as they are recomputed."""

    def __init__(self, session: Session, level: int) -> None:
        self.level = level
        self._rows: Iterator[tuple[int, bytes]] = repository.nodes_of_level(session, level)
        self._next: tuple[int, bytes] | None = next(self._rows, None)

    def match(self, node: StoredNode, problems: _Problems) -> None:
        # Recomputed nodes of a level come in index order 0, 1, 2...: a stored
        # row ahead of the expected index means the expected one is missing.
        if self._next is None or self._next[0] > node.index:
            problems.add(f"stored node ({node.level}, {node.index}) is missing")
            return
        if self._next[1] != node.hash:
            problems.add(
                f"stored node ({node.level}, {node.index}) is not the hash recomputed from the"
                " entries: proofs that use it fail"
            )
        self._next = next(self._rows, None)

    def strays(self) -> Iterator[int]:
        """Stored nodes of this level left over: subtrees the log does not have."""
        while self._next is not None:
            yield self._next[0]
            self._next = next(self._rows, None)


class _Checkpoints:
    """The stored checkpoints, smallest first, each checked when the walk reaches its size."""

    def __init__(self, session: Session, origin: str) -> None:
        self.origin = origin
        self._rows = repository.all_checkpoints(session)
        self._next: CheckpointRow | None = next(self._rows, None)

    @property
    def next_size(self) -> int | None:
        """The tree size of the next stored checkpoint to check."""
        return None if self._next is None else self._next.tree_size

    def check_at(self, size: int, root: bytes, problems: _Problems) -> None:
        while self._next is not None and self._next.tree_size <= size:
            if self._next.tree_size == size:
                self._check(self._next, root, problems)
            self._next = next(self._rows, None)

    def beyond(self) -> Iterator[CheckpointRow]:
        while self._next is not None:
            yield self._next
            self._next = next(self._rows, None)

    def _check(self, stored: CheckpointRow, root: bytes, problems: _Problems) -> None:
        where = f"checkpoint of {stored.tree_size} entries"
        if stored.root_hash != root:
            problems.add(f"{where}: its root is not the root recomputed from those entries")
        try:
            body = parse_checkpoint(stored.signed_note.split("\n\n", 1)[0] + "\n")
        except CheckpointError as exc:
            problems.add(f"{where}: its note is malformed: {exc}")
            return
        if (body.origin, body.size, body.root_hash) != (self.origin, stored.tree_size, root):
            problems.add(f"{where}: its signed note does not name this log, size and root")


def _verify_latest(checkpoint: CheckpointRow | None, log: LogContext, problems: _Problems) -> None:
    if checkpoint is None:
        return
    try:
        signed = open_checkpoint(checkpoint.signed_note, [log.signer.verifier], origin=log.origin)
    except (NoteError, ValueError) as exc:
        problems.add(f"the stored checkpoint does not verify: {exc}")
        return
    if signed.size != checkpoint.tree_size or signed.root_hash != checkpoint.root_hash:
        problems.add("the stored checkpoint's note and its columns disagree")


def _walk_entries(
    session: Session, *, signed_size: int, checkpoints: _Checkpoints, problems: _Problems
) -> tuple[int, bytes]:
    """Recompute leaves, nodes and checkpoint roots in one pass over the entries.

    Returns the number of entries walked (up to the first gap) and the root
    recomputed for ``signed_size`` (or for every entry, when fewer).
    """
    levels: list[_StoredLevel] = []
    frontier: list[StoredNode] = []  # the recomputed tree's perfect subtrees, largest first
    size, signed_root, gap = 0, EMPTY_ROOT, False
    for index, leaf_input, stored_hash in repository.all_leaf_rows(session):
        if index != size:
            problems.add(f"entry {size} is missing")
            gap = True
            break
        recomputed = leaf_hash(leaf_input)
        if recomputed != stored_hash:
            problems.add(f"entry {index}: stored leaf hash is not the hash of its bytes")
        node = StoredNode(0, index, recomputed)
        while True:
            if node.level == len(levels):
                levels.append(_StoredLevel(session, node.level))
            levels[node.level].match(node, problems)
            if not frontier or frontier[-1].level != node.level:
                break
            left = frontier.pop()
            node = StoredNode(node.level + 1, node.index >> 1, node_hash(left.hash, node.hash))
        frontier.append(node)
        size += 1
        # A root costs a fold of the frontier: only for sizes something was signed at.
        if size in (checkpoints.next_size, signed_size):
            root = fold_subtrees([n.hash for n in frontier])
            checkpoints.check_at(size, root, problems)
            if size == signed_size:
                signed_root = root
    if not gap:
        for stored in levels:
            for stray in stored.strays():
                problems.add(f"stored node ({stored.level}, {stray}) covers entries the log lacks")
        for level, index in repository.nodes_above(session, len(levels) - 1, _MAX_LISTED):
            problems.add(f"stored node ({level}, {index}) covers entries the log lacks")
    if size < signed_size:
        signed_root = fold_subtrees([n.hash for n in frontier]) if frontier else EMPTY_ROOT
    return size, signed_root


def check_fixity(session: Session, *, log: LogContext) -> FixityResult:
    """Recompute and compare, without writing anything."""
    problems = _Problems()
    latest = repository.latest_checkpoint(session)
    signed_size = latest.tree_size if latest else 0
    expected = latest.root_hash if latest else EMPTY_ROOT
    _verify_latest(latest, log, problems)
    checkpoints = _Checkpoints(session, log.origin)
    checkpoints.check_at(0, EMPTY_ROOT, problems)
    size, recomputed_root = _walk_entries(
        session, signed_size=signed_size, checkpoints=checkpoints, problems=problems
    )
    for beyond in checkpoints.beyond():
        problems.add(f"checkpoint of {beyond.tree_size} entries: the log holds {size}")
    if size < signed_size:
        problems.add(f"the log holds {size} entries, the checkpoint signed {signed_size}")
    if recomputed_root != expected:
        problems.add("the root recomputed from the entries differs from the checkpoint")
    if signed_size:
        try:
            folded = service.stored_root(session, signed_size)
        except KeyError:
            problems.add("a stored subtree hash the checkpoint's root folds is missing")
        else:
            if folded != expected:
                problems.add(
                    "the root folded from stored subtree hashes differs from the checkpoint"
                )
    listed = problems.summary()
    return FixityResult(
        ok=not listed,
        tree_size=signed_size,
        checkpoint_root=base64.b64encode(expected).decode(),
        recomputed_root=base64.b64encode(recomputed_root).decode(),
        problems=listed,
    )


def run_fixity(session: Session, *, log: LogContext, now: datetime) -> FixityResult:
    """Check fixity and append the outcome to the log as a ``fixity`` entry."""
    result = check_fixity(session, log=log)
    entry = service.make_entry(
        "fixity",
        now,
        tree_size=result.tree_size,
        checkpoint_root=result.checkpoint_root,
        recomputed_root=result.recomputed_root,
        result="ok" if result.ok else "failed",
        problems=len(result.problems),
    )
    (appended,) = service.append(session, log=log, entries=[entry], now=now)
    return result.model_copy(update={"log_index": appended.index})
