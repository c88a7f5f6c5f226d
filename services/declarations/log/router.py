"""Transparency-log routes: checkpoint, verifier key and proofs are public; entries need a token.

``public_router`` is mounted on its own (no token); ``router`` (``/log/entries``) on
the authenticated v1 router.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import PlainTextResponse

from services.common.database import SessionDep
from services.common.errors import problem_responses
from services.common.replica import ReadSessionDep
from services.common.security import ReadScopeDep
from services.common.transparency.note import format_verifier_key
from services.declarations.deps import LogDep
from services.declarations.log import service
from services.declarations.log.schemas import (
    ConsistencyProof,
    InclusionProof,
    LogEntries,
    base64_text,
)
from services.declarations.log.service import MAX_ENTRIES

_TEXT = {"content": {"text/plain": {"schema": {"type": "string"}}}}

# Routes anyone may call: they reveal only hashes, sizes and the public key.
public_router = APIRouter(prefix="/declarations/v1/log", tags=["transparency log"])
router = APIRouter(prefix="/log", tags=["transparency log"])


@public_router.get(
    "/checkpoint",
    response_class=PlainTextResponse,
    summary="The latest signed checkpoint (C2SP tlog-checkpoint signed note)",
    responses={200: _TEXT},
)
def get_checkpoint(session: SessionDep, log: LogDep) -> PlainTextResponse:
    note = service.current_checkpoint(session, log=log)
    return PlainTextResponse(note, media_type="text/plain; charset=utf-8")


@public_router.get(
    "/public-key",
    response_class=PlainTextResponse,
    summary="The C2SP verifier key of the checkpoint signer",
    responses={200: _TEXT},
)
def get_public_key(log: LogDep) -> PlainTextResponse:
    return PlainTextResponse(
        format_verifier_key(log.signer.verifier), media_type="text/plain; charset=utf-8"
    )


@public_router.get(
    "/proof/inclusion",
    summary="RFC 9162 inclusion proof (audit path) of an entry",
    responses=problem_responses(400),
)
def get_inclusion_proof(
    session: SessionDep,
    index: Annotated[int, Query(description="0-based entry index")],
    tree_size: Annotated[int | None, Query(description="default: the current size")] = None,
) -> InclusionProof:
    size, leaf, path = service.inclusion_proof(session, index=index, tree_size=tree_size)
    return InclusionProof(
        index=index,
        tree_size=size,
        leaf_hash=base64_text(leaf),
        hashes=[base64_text(h) for h in path],
    )


@public_router.get(
    "/proof/consistency",
    summary="RFC 9162 consistency proof between two tree sizes",
    responses=problem_responses(400),
)
def get_consistency_proof(
    session: SessionDep, first: Annotated[int, Query()], second: Annotated[int, Query()]
) -> ConsistencyProof:
    path = service.consistency_proof(session, first=first, second=second)
    return ConsistencyProof(first=first, second=second, hashes=[base64_text(h) for h in path])


@router.get(
    "/entries",
    summary="Log entries [start, end): hashes for all, bytes and records where readable",
    responses=problem_responses(400, 403),
)
def get_entries(
    session: ReadSessionDep,
    primary: SessionDep,
    scope: ReadScopeDep,
    start: Annotated[int, Query(description="first index (0-based)")],
    end: Annotated[int, Query(description=f"last index + 1; at most {MAX_ENTRIES} a call")],
) -> LogEntries:
    return service.list_entries(session, primary=primary, scope=scope, start=start, end=end)
