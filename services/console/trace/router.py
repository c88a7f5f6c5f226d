"""Trace: a weapon's story from its serial number (full, partial or mistyped)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from services.console.cases import service as cases
from services.console.clients.base import ApiProblem
from services.console.i18n import language, translator
from services.console.pages import render
from services.console.signed_in import SignedIn, SignedInDep, apis_of
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
    context: dict[str, object] = {
        "values": values,
        "problems": [],
        "traced": None,
        "cases": [],
        "case_worker": cases.may_work_on_cases(signed.session.org_type, signed.session.role),
    }
    status = 200
    if serial_number is not None:
        problems = service.check(values, _)
        if not problems:
            try:
                traced = await service.trace(apis_of(request).registry, signed.token, values)
                context["traced"] = traced
                context["cases"] = await _cases_to_add_to(request, signed, traced)
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
        weapon_of=service.weapon_of,
        case_query=lambda weapon: urlencode(weapon),
        place=service.place,
    )
    return render(
        request, "trace/trace.html", context, signed=signed, status=status, active="trace"
    )


async def _cases_to_add_to(request: Request, signed: SignedIn, traced: service.Traced) -> list[Any]:
    """The organisation's cases a weapon may be added to, when the person works on cases
    and the trace found a weapon."""
    session = signed.session
    if not traced.timelines or not cases.may_work_on_cases(session.org_type, session.role):
        return []
    return await cases.my_cases(
        registry=apis_of(request).registry, token=signed.token, organisation=session.organisation
    )
