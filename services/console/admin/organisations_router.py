"""The operator's organisations: the list, and a new member state or secretariat."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from services.console.admin import service
from services.console.clients.base import ApiProblem
from services.console.i18n import language, translator
from services.console.pages import render
from services.console.signed_in import SignedIn, SignedInDep, apis_of

router = APIRouter(include_in_schema=False)

NEW_TYPES = ("member_state", "secretariat")


@router.get("/console/admin/organisations")
async def organisations(
    request: Request,
    signed: SignedInDep,
    cursor: Annotated[str | None, Query(max_length=1024)] = None,
    created: Annotated[str, Query(max_length=16)] = "",
) -> Response:
    """Every organisation (the operator; auth refuses anyone else)."""
    page = await service.organisations_page(
        auth=apis_of(request).auth, token=signed.token, cursor=cursor
    )
    next_cursor = page.get("next_cursor")
    context = {
        "organisations": page["items"],
        "next_query": service.page_query("", next_cursor if isinstance(next_cursor, str) else None),
        "type_names": service.ORG_TYPE_NAMES,
        "created": created,
    }
    return render(
        request, "admin/organisations.html", context, signed=signed, active="organisations"
    )


@router.get("/console/admin/organisations/new")
async def new_organisation(request: Request, signed: SignedInDep) -> Response:
    """The form for a new organisation (the list first: auth refuses non-operators)."""
    await service.organisations_page(auth=apis_of(request).auth, token=signed.token, cursor=None)
    return _form(request, signed, {"type": "member_state"}, [])


@router.post("/console/admin/organisations/new")
async def create_organisation(request: Request, signed: SignedInDep) -> Response:
    """Create the organisation, then offer to invite its first admin."""
    async with request.form(max_files=0, max_fields=10) as form:
        signed.check_csrf(_text(form.get("csrf_token")))
        values = {name: _text(form.get(name)).strip() for name in ("type", "code", "name")}
    values["code"] = values["code"].upper()
    _ = translator(language(request))
    if values["type"] not in NEW_TYPES:
        problems = [
            service.FieldError(
                "type", _("Type of organisation"), _("Choose member state or secretariat.")
            )
        ]
        return _form(request, signed, values, problems, status=422)
    try:
        created = await apis_of(request).auth.create_organisation(signed.token, values)
    except ApiProblem as problem:
        if problem.status not in (409, 422):
            raise
        return _form(
            request,
            signed,
            values,
            service.refusal(problem, _, service.ORGANISATION_LABELS),
            status=problem.status,
        )
    response = RedirectResponse(
        f"/console/admin/organisations?created={created['code']}", status_code=303
    )
    if signed.refreshed:
        request.app.state.sealer.store_session(request, response, signed.session)
    return response


def _form(
    request: Request,
    signed: SignedIn,
    values: dict[str, str],
    problems: list[service.FieldError],
    *,
    status: int = 200,
) -> Response:
    context = {
        "values": values,
        "problems": problems,
        "errors": {p.field: p.message for p in problems},
        "types": NEW_TYPES,
        "type_names": service.ORG_TYPE_NAMES,
    }
    return render(
        request,
        "admin/organisation_new.html",
        context,
        signed=signed,
        status=status,
        active="organisations",
    )


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""
