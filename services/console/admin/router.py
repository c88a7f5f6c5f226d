"""Administration pages: people of the organisation (its admin, or the operator) and
organisations (the operator). Auth refuses anyone else: its 403/404 become pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException

from services.console.admin import service
from services.console.clients.base import ApiProblem
from services.console.i18n import language, translator
from services.console.pages import render
from services.console.signed_in import SignedIn, SignedInDep, apis_of

router = APIRouter(include_in_schema=False)

PersonId = Annotated[str, Path(pattern=r"^psn_[0-9a-f]{32}$")]
OrganisationCode = Annotated[str, Query(max_length=16, pattern=r"^[A-Za-z0-9_]*$")]
Cursor = Annotated[str | None, Query(max_length=1024)]
INVITE_FIELDS = ("organisation", "email", "name", "role")


@router.get("/console/admin/people")
async def people(
    request: Request,
    signed: SignedInDep,
    organisation: OrganisationCode = "",
    cursor: Cursor = None,
) -> Response:
    """The people the person administers, with role and status."""
    page = await service.people_page(
        auth=apis_of(request).auth, token=signed.token, organisation=organisation, cursor=cursor
    )
    next_cursor = page.get("next_cursor")
    context = {
        "people": page["items"],
        "organisation": organisation,
        "next_query": service.page_query(
            organisation, next_cursor if isinstance(next_cursor, str) else None
        ),
        "role_names": service.ROLE_NAMES,
    }
    return render(request, "admin/people.html", context, signed=signed, active="people")


@router.get("/console/admin/people/invite")
async def invite_form(
    request: Request, signed: SignedInDep, organisation: OrganisationCode = ""
) -> Response:
    """The invitation form (for the operator, of the organisation asked for)."""
    code = organisation or signed.session.organisation
    values = {"organisation": code, "role": ""}
    return await _invite_page(request, signed, values, [], key=service.new_form_key())


@router.post("/console/admin/people/invite")
async def invite(request: Request, signed: SignedInDep) -> Response:
    """Invite the person and show their one-time enrolment link, or every problem."""
    async with request.form(max_files=0, max_fields=10) as form:
        signed.check_csrf(_text(form.get("csrf_token")))
        values = {name: _text(form.get(name)).strip() for name in INVITE_FIELDS}
        key = _text(form.get("form_key")) or service.new_form_key()
    if not values["organisation"]:
        values["organisation"] = signed.session.organisation
    try:
        invited = await service.invite(
            auth=apis_of(request).auth, token=signed.token, values=values, key=key
        )
    except ApiProblem as problem:
        if problem.status not in (409, 422):
            raise
        problems = service.refusal(problem, translator(language(request)))
        return await _invite_page(
            request, signed, values, problems, key=service.new_form_key(), status=problem.status
        )
    context = {"person": invited, "link": invited.get("enrolment_url"), "invited": True}
    return render(request, "admin/link.html", context, signed=signed, active="people")


@router.get("/console/admin/people/{person_id}")
async def person(
    request: Request, signed: SignedInDep, person_id: PersonId, done: str = ""
) -> Response:
    """A person, their role and status, and what the admin may do."""
    found = await apis_of(request).auth.person(signed.token, person_id)
    return _person_page(request, signed, found, [], done=done)


@router.post("/console/admin/people/{person_id}/role")
async def change_role(request: Request, signed: SignedInDep, person_id: PersonId) -> Response:
    """Give the person another role of their organisation's type."""
    async with request.form(max_files=0, max_fields=5) as form:
        signed.check_csrf(_text(form.get("csrf_token")))
        role = _text(form.get("role"))
    auth = apis_of(request).auth
    try:
        await auth.change_role(signed.token, person_id, role)
    except ApiProblem as problem:
        if problem.status not in (409, 422):
            raise
        found = await auth.person(signed.token, person_id)
        problems = service.refusal(problem, translator(language(request)))
        return _person_page(request, signed, found, problems, status=problem.status)
    return _redirect(request, signed, f"/console/admin/people/{person_id}?done=role")


@router.get("/console/admin/people/{person_id}/{action}")
async def confirm(
    request: Request, signed: SignedInDep, person_id: PersonId, action: str
) -> Response:
    """The confirmation step before disabling, enabling or resetting two-factor."""
    if action not in service.CONFIRMED_ACTIONS:
        raise HTTPException(404)
    found = await apis_of(request).auth.person(signed.token, person_id)
    question, consequence = service.CONFIRMED_ACTIONS[action]
    context = {"person": found, "action": action, "question": question, "consequence": consequence}
    return render(request, "admin/confirm.html", context, signed=signed, active="people")


@router.post("/console/admin/people/{person_id}/{action}")
async def act(request: Request, signed: SignedInDep, person_id: PersonId, action: str) -> Response:
    """Disable, enable or re-enrol the person once confirmed."""
    async with request.form(max_files=0, max_fields=5) as form:
        signed.check_csrf(_text(form.get("csrf_token")))
    if action not in service.CONFIRMED_ACTIONS:
        raise HTTPException(404)
    auth = apis_of(request).auth
    try:
        answer = await service.act_on_person(
            auth=auth, token=signed.token, person_id=person_id, action=action
        )
    except ApiProblem as problem:
        if problem.status != 409:
            raise
        found = await auth.person(signed.token, person_id)
        problems = service.refusal(problem, translator(language(request)))
        return _person_page(request, signed, found, problems, status=409)
    if action == "reset-mfa":
        found = await auth.person(signed.token, person_id)
        context = {"person": found, "link": answer.get("enrolment_url"), "invited": False}
        return render(request, "admin/link.html", context, signed=signed, active="people")
    return _redirect(request, signed, f"/console/admin/people/{person_id}?done={action}")


def _person_page(
    request: Request,
    signed: SignedIn,
    found: dict[str, object],
    problems: list[service.FieldError],
    *,
    done: str = "",
    status: int = 200,
) -> Response:
    context = {
        "person": found,
        "roles": service.ROLES.get(str(found.get("org_type")), ()),
        "role_names": service.ROLE_NAMES,
        "problems": problems,
        "done": done if done in ("role", "disable", "enable", "sign-out") else "",
        "myself": found.get("id") == signed.session.person,
    }
    return render(
        request, "admin/person.html", context, signed=signed, status=status, active="people"
    )


async def _invite_page(
    request: Request,
    signed: SignedIn,
    values: dict[str, str],
    problems: list[service.FieldError],
    *,
    key: str,
    status: int = 200,
) -> Response:
    code = values.get("organisation") or signed.session.organisation
    organisation = await apis_of(request).auth.organisation(signed.token, code)
    context = {
        "values": values,
        "problems": problems,
        "errors": {p.field: p.message for p in problems},
        "organisation": organisation,
        "roles": service.ROLES.get(str(organisation.get("type")), ()),
        "role_names": service.ROLE_NAMES,
        "form_key": key,
    }
    return render(
        request, "admin/invite.html", context, signed=signed, status=status, active="people"
    )


def _redirect(request: Request, signed: SignedIn, to: str) -> Response:
    response = RedirectResponse(to, status_code=303)
    if signed.refreshed:
        request.app.state.sealer.store_session(request, response, signed.session)
    return response


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""
