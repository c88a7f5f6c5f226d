"""API clients: an organisation's admin manages its own (the organisation is fixed to
theirs, the scopes offered are those its type may hold), the operator every
organisation's; auth refuses anyone else and answers 404 for another organisation's
client. List, create with the secret shown once, a new secret, disable or enable, each
change confirmed first."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from services.console.admin import service
from services.console.clients.base import ApiProblem
from services.console.i18n import N_, language, translator
from services.console.pages import render
from services.console.session import Session
from services.console.signed_in import SignedIn, SignedInDep, apis_of

router = APIRouter(include_in_schema=False)

ClientId = Annotated[str, Path(max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
# The scopes a client may be given, by type of organisation (auth checks it again).
CLIENT_SCOPES = ("manifests:write", "declarations:write", "register:read", "alerts:triage")
SCOPES_BY_ORG_TYPE = {
    "member_state": ("manifests:write", "declarations:write", "register:read"),
    "secretariat": ("register:read", "alerts:triage"),
}
CLIENT_LABELS = {
    "organisation": N_("Organisation"),
    "name": N_("Name"),
    "scopes": N_("Scopes"),
}
CONFIRMED = {
    "secret": (
        N_("Give this client a new secret?"),
        N_("The old secret stops working at once. The new one is shown only once."),
    ),
    "disable": (N_("Disable this client?"), N_("It gets no new token from now on.")),
    "enable": (N_("Enable this client again?"), N_("It can get tokens again.")),
}


@router.get("/console/admin/clients")
async def api_clients(
    request: Request,
    signed: SignedInDep,
    cursor: Annotated[str | None, Query(max_length=1024)] = None,
) -> Response:
    """The API clients the person manages, with the form to create one."""
    page = await apis_of(request).auth.api_clients(
        signed.token, limit=service.PAGE_SIZE, cursor=cursor
    )
    next_cursor = page.get("next_cursor")
    next_query = service.page_query("", next_cursor if isinstance(next_cursor, str) else None)
    return _list(request, signed, page["items"], next_query, {"scopes": []}, [])


@router.post("/console/admin/clients")
async def create(request: Request, signed: SignedInDep) -> Response:
    """Create the client and show its secret once, or every problem."""
    async with request.form(max_files=0, max_fields=20) as form:
        signed.check_csrf(_text(form.get("csrf_token")))
        values: dict[str, object] = {
            "organisation": _fixed_organisation(signed.session)
            or _text(form.get("organisation")).strip().upper(),
            "name": _text(form.get("name")).strip(),
            "scopes": [s for s in form.getlist("scopes") if isinstance(s, str)],
        }
        key = _text(form.get("form_key")) or service.new_form_key()
    auth = apis_of(request).auth
    try:
        created = await auth.create_api_client(signed.token, values, key)
    except ApiProblem as problem:
        if problem.status != 422:
            raise
        page = await auth.api_clients(signed.token, limit=service.PAGE_SIZE)
        problems = service.refusal(problem, translator(language(request)), CLIENT_LABELS)
        return _list(request, signed, page["items"], None, values, problems, status=422)
    context = {"client": created, "secret": created.get("client_secret")}
    return render(request, "admin/client_secret.html", context, signed=signed, active="clients")


@router.get("/console/admin/clients/{client_id}/{action}")
async def confirm(
    request: Request, signed: SignedInDep, client_id: ClientId, action: str
) -> Response:
    """The confirmation step before a new secret, disabling or enabling."""
    if action not in CONFIRMED:
        raise HTTPException(404)
    found = await apis_of(request).auth.api_client(signed.token, client_id)
    question, consequence = CONFIRMED[action]
    context = {"client": found, "action": action, "question": question, "consequence": consequence}
    return render(request, "admin/client_confirm.html", context, signed=signed, active="clients")


@router.post("/console/admin/clients/{client_id}/{action}")
async def act(request: Request, signed: SignedInDep, client_id: ClientId, action: str) -> Response:
    """Do it once confirmed: a new secret is shown once."""
    async with request.form(max_files=0, max_fields=5) as form:
        signed.check_csrf(_text(form.get("csrf_token")))
    if action not in CONFIRMED:
        raise HTTPException(404)
    auth = apis_of(request).auth
    answer = await auth.client_action(signed.token, client_id, action)
    found = await auth.api_client(signed.token, client_id)
    context = {
        "client": found,
        "secret": answer.get("client_secret") if action == "secret" else None,
        "done": action,
    }
    return render(request, "admin/client_secret.html", context, signed=signed, active="clients")


def _list(
    request: Request,
    signed: SignedIn,
    items: list[dict[str, object]],
    next_query: str | None,
    values: dict[str, object],
    problems: list[service.FieldError],
    *,
    status: int = 200,
) -> Response:
    context = {
        "api_clients": items,
        "next_query": next_query,
        "values": values,
        "problems": problems,
        "errors": {p.field: p.message for p in problems},
        "scopes": _offered_scopes(signed.session),
        "fixed_organisation": _fixed_organisation(signed.session),
        "form_key": service.new_form_key(),
    }
    return render(
        request, "admin/clients.html", context, signed=signed, status=status, active="clients"
    )


def _operator(session: Session) -> bool:
    return session.org_type == "operator" and session.can("admin")


def _fixed_organisation(session: Session) -> str | None:
    """An organisation's admin creates clients of their own organisation only."""
    return None if _operator(session) else session.organisation


def _offered_scopes(session: Session) -> tuple[str, ...]:
    """The operator's form offers every scope (it names the organisation); an
    organisation's admin is offered those its type may hold."""
    if _operator(session):
        return CLIENT_SCOPES
    return SCOPES_BY_ORG_TYPE.get(session.org_type, ())


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""
