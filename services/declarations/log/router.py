"""Transparency-log routes: checkpoint, verifier key and proofs are public; entries need a token."""

from __future__ import annotations

import base64
import json
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import PlainTextResponse

from services.common.database import SessionDep
from services.common.errors import BadRequest, problem_responses
from services.common.security import ReadScopeDep
from services.common.transparency.note import format_verifier_key
from services.declarations.context import LogDep
from services.declarations.log import repository, service
from services.declarations.log.schemas import (
    ConsistencyProof,
    InclusionProof,
    LogEntries,
    LogEntry,
)
from services.declarations.models import declaration_versions, declarations

MAX_ENTRIES = 1000
_TEXT = {"content": {"text/plain": {"schema": {"type": "string"}}}}


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def public_router() -> APIRouter:
    """Routes anyone may call: they reveal only hashes, sizes and the public key."""
    router = APIRouter(prefix="/declarations/v1/log", tags=["transparency log"])

    @router.get(
        "/checkpoint",
        response_class=PlainTextResponse,
        summary="The latest signed checkpoint (C2SP tlog-checkpoint signed note)",
        responses={200: _TEXT},
    )
    def get_checkpoint(session: SessionDep, log: LogDep) -> PlainTextResponse:
        note = service.current_checkpoint(session, log=log)
        return PlainTextResponse(note, media_type="text/plain; charset=utf-8")

    @router.get(
        "/public-key",
        response_class=PlainTextResponse,
        summary="The C2SP verifier key of the checkpoint signer",
        responses={200: _TEXT},
    )
    def get_public_key(log: LogDep) -> PlainTextResponse:
        return PlainTextResponse(
            format_verifier_key(log.signer.verifier), media_type="text/plain; charset=utf-8"
        )

    @router.get(
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
            index=index, tree_size=size, leaf_hash=_b64(leaf), hashes=[_b64(h) for h in path]
        )

    @router.get(
        "/proof/consistency",
        summary="RFC 9162 consistency proof between two tree sizes",
        responses=problem_responses(400),
    )
    def get_consistency_proof(
        session: SessionDep, first: Annotated[int, Query()], second: Annotated[int, Query()]
    ) -> ConsistencyProof:
        path = service.consistency_proof(session, first=first, second=second)
        return ConsistencyProof(first=first, second=second, hashes=[_b64(h) for h in path])

    return router


def entries_router() -> APIRouter:
    """``/log/entries``: mounted on the authenticated v1 router."""
    router = APIRouter(prefix="/log", tags=["transparency log"])

    @router.get(
        "/entries",
        summary="Log entries [start, end): hashes for all, bytes and records where readable",
        responses=problem_responses(400, 403),
    )
    def get_entries(
        session: SessionDep,
        scope: ReadScopeDep,
        start: Annotated[int, Query(description="first index (0-based)")],
        end: Annotated[int, Query(description=f"last index + 1; at most {MAX_ENTRIES} a call")],
    ) -> LogEntries:
        size = repository.log_size(session)
        if not 0 <= start < end <= size or end - start > MAX_ENTRIES:
            raise BadRequest(
                f"need 0 <= start < end <= {size} and at most {MAX_ENTRIES} entries",
                code="range_out_of_bounds",
            )
        readable = scope.clause(declarations.c.declaring_country, declaration_versions.c.event_date)
        entries = []
        for row, may_read, content in repository.entries_between(session, start, end, readable):
            entry = LogEntry(index=row.index, leaf_hash=_b64(row.leaf_hash))
            if may_read:
                entry.leaf_input = _b64(row.leaf_input)
                entry.entry = json.loads(row.leaf_input)
                entry.record = json.loads(content) if content is not None else None
            entries.append(entry)
        return LogEntries(start=start, end=end, tree_size=size, entries=entries)

    return router
