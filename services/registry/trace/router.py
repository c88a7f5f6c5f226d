"""Trace a weapon by serial number across both registers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from services.common.errors import problem_responses
from services.common.pagination import MAX_LIMIT
from services.common.replica import HotReadsDep
from services.common.security import ReadScopeDep
from services.registry.trace import service
from services.registry.trace.schemas import TraceResult

router = APIRouter(prefix="/trace", tags=["trace"])


@router.get("", response_model=TraceResult, responses=problem_responses(403, 422))
async def trace(
    reads: HotReadsDep,
    scope: ReadScopeDep,
    serial_number: Annotated[
        str,
        Query(
            min_length=1,
            max_length=128,
            description="As read on the weapon; `*` and `?` stand for obliterated characters",
            examples=["56 OOOO123", "56-00?0123", "*000123"],
        ),
    ],
    manufacturer: Annotated[str | None, Query(max_length=255)] = None,
    model: Annotated[str | None, Query(max_length=255)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 100,
) -> Response:
    """Every record of a weapon across manifests (in and out), loss reports and declared
    seizures, collections and destructions, in date order, each with its match quality:
    ``exact`` (as declared), ``normalized`` (spacing, dashes, case, O/0, I/L/1, look-alike
    characters of any script, UTS #39) or ``possible`` (one character edited or two swapped,
    S/5 B/8 Z/2 G/6 look-alikes, or a wildcard pattern) for an analyst to judge. Only records the
    caller may read (own country; a secretariat's members at the record's date); at most
    ``limit`` records, ``truncated`` says when more matched."""
    result = await service.trace(
        reads=reads,
        scope=scope,
        serial_number=serial_number,
        manufacturer=manufacturer,
        model=model,
        limit=limit,
    )
    # Already validated by the service: serialized once, straight to JSON.
    return Response(result.model_dump_json(), media_type="application/json")
