"""Fixity: recompute the log from its stored bytes and compare with the signed checkpoint.

Checks, each reported as a problem: every stored leaf hash is the hash of
its stored bytes; the root recomputed from the bytes equals the latest
checkpoint's root; the root folded from stored subtree nodes equals it too;
the checkpoint's signature verifies. The outcome is itself appended to the
log as a ``fixity`` entry, so the checks leave a trace nobody can remove.
"""

from __future__ import annotations

import base64
from datetime import datetime

from sqlmodel import Session

from services.common.transparency.checkpoint import open_checkpoint
from services.common.transparency.merkle import EMPTY_ROOT, leaf_hash, root_from_leaf_hashes
from services.common.transparency.note import NoteError
from services.declarations.log import repository, service
from services.declarations.log.schemas import FixityResult
from services.declarations.log.service import LogContext

_MAX_LISTED = 20


def check_fixity(session: Session, *, log: LogContext) -> FixityResult:
    """Recompute and compare, without writing anything."""
    problems: list[str] = []
    checkpoint = repository.latest_checkpoint(session)
    size = checkpoint.tree_size if checkpoint else 0
    expected = checkpoint.root_hash if checkpoint else EMPTY_ROOT
    if checkpoint is not None:
        try:
            signed = open_checkpoint(
                checkpoint.signed_note, [log.signer.verifier], origin=log.origin
            )
        except (NoteError, ValueError) as exc:
            problems.append(f"the stored checkpoint does not verify: {exc}")
        else:
            if signed.size != size or signed.root_hash != expected:
                problems.append("the stored checkpoint's note and its columns disagree")
    hashes: list[bytes] = []
    for index, leaf_input, stored_hash in repository.all_leaf_rows(session):
        if index != len(hashes):
            problems.append(f"entry {len(hashes)} is missing")
            break
        recomputed = leaf_hash(leaf_input)
        if recomputed != stored_hash and len(problems) < _MAX_LISTED:
            problems.append(f"entry {index}: stored leaf hash is not the hash of its bytes")
        hashes.append(recomputed)
    if len(hashes) < size:
        problems.append(f"the log holds {len(hashes)} entries, the checkpoint signed {size}")
    recomputed_root = root_from_leaf_hashes(hashes[:size])
    if recomputed_root != expected:
        problems.append("the root recomputed from the entries differs from the checkpoint")
    if size and service.stored_root(session, size) != expected:
        problems.append("the root folded from stored subtree hashes differs from the checkpoint")
    return FixityResult(
        ok=not problems,
        tree_size=size,
        checkpoint_root=base64.b64encode(expected).decode(),
        recomputed_root=base64.b64encode(recomputed_root).decode(),
        problems=problems,
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
