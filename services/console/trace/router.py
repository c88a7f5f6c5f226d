"""Trace: a weapon's story from its serial number (full, partial or mistyped)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from services.console.clients.base import ApiProblem
from services.console.i18n import language, translator
from services.console.pages import render
from services.console.signed_in import SignedInDep, apis_of
from services.console.trace import service

router = APIRouter(include_in_schema=False)


@router.get("/console/trace")
async def trace_page(
    request: Request,
    signed: SignedInDep,
    serial_number: Annotated[str | None, Query(max_length=1024)] = None,
    manufacturer: Annotated[str, Query(max_length=1024)] = "",
    model: Annotated[str, Query(max_length=1024)] = "",
) -> Response:
    """The search form; with a serial, every record of the weapon as one timeline."""
    _ = translator(language(request))
    values = {
        "serial_number": (serial_number or "").strip(),
        "manufacturer": manufacturer.strip(),
        "model": model.strip(),
    }
    context: dict[str, object] = {"values": values, "problems": [], "traced": None}
    status = 200
    if serial_number is not None:
        problems = service.check(values, _)
        if not problems:
            try:
                context["traced"] = await service.trace(
                    apis_of(request).registry, signed.token, values
                )
            except ApiProblem as problem:
                if problem.status != 422:
                    raise
                problems = service.problems_of(problem, _)
        context["problems"] = problems
        status = 422 if problems else 200
    context.update(
        record_names=service.RECORD_NAMES,
        match_names=service.MATCH_NAMES,
        reason=lambda r, q: service.reason(r, q, _),
        link=service.link,
        place=service.place,
    )
    return render(
        request, "trace/trace.html", context, signed=signed, status=status, active="trace"
    )
