"""Webhook endpoints of the organisation (its admin): list, register, disable, the
delivery log and redelivery. The registry decides who may; its refusals are pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from services.console.admin import service
from services.console.clients import webhooks_api
from services.console.clients.base import ApiProblem, FieldProblem
from services.console.i18n import N_, Gettext, language, translator
from services.console.pages import render
from services.console.profile.service import EVENT_NAMES
from services.console.signed_in import SignedIn, SignedInDep, apis_of

router = APIRouter(include_in_schema=False)

EndpointId = Annotated[str, Path(max_length=36, pattern=r"^[A-Za-z0-9_-]+$")]
Cursor = Annotated[str | None, Query(max_length=1024)]


@router.get("/console/admin/webhooks")
async def endpoints(
    request: Request,
    signed: SignedInDep,
    cursor: Cursor = None,
    done: Annotated[str, Query(max_length=16)] = "",
) -> Response:
    """The organisation's endpoints and the form to register one."""
    registry = apis_of(request).registry
    page = await webhooks_api.endpoints(
        registry, signed.token, limit=service.PAGE_SIZE, cursor=cursor
    )
    next_cursor = page.get("next_cursor")
    return _list_page(
        request,
        signed,
        page["items"],
        service.page_query("", next_cursor if isinstance(next_cursor, str) else None),
        {"url": "", "events": []},
        [],
        done=done,
    )


@router.post("/console/admin/webhooks")
async def register(request: Request, signed: SignedInDep) -> Response:
    """Register the endpoint and show its signing secret once, or every problem."""
    async with request.form(max_files=0, max_fields=40) as form:
        signed.check_csrf(_text(form.get("csrf_token")))
        url = _text(form.get("url")).strip()
        events = [e for e in form.getlist("events") if isinstance(e, str)]
        key = _text(form.get("form_key")) or service.new_form_key()
    registry = apis_of(request).registry
    try:
        created = await webhooks_api.register(
            registry, signed.token, url=url, events=events, key=key
        )
    except ApiProblem as problem:
        if problem.status != 422:
            raise
        page = await webhooks_api.endpoints(registry, signed.token, limit=service.PAGE_SIZE)
        _ = translator(language(request))
        errors = problem.errors or [FieldProblem("", problem.detail)]
        problems = [_located(e, _) for e in errors]
        values: dict[str, object] = {"url": url, "events": events}
        return _list_page(request, signed, page["items"], None, values, problems, status=422)
    context = {"endpoint": created, "event_names": EVENT_NAMES}
    return render(request, "admin/webhook_secret.html", context, signed=signed, active="webhooks")


@router.get("/console/admin/webhooks/{endpoint_id}")
async def endpoint(
    request: Request,
    signed: SignedInDep,
    endpoint_id: EndpointId,
    cursor: Cursor = None,
    done: Annotated[str, Query(max_length=16)] = "",
) -> Response:
    """An endpoint and its delivery log, newest first."""
    registry = apis_of(request).registry
    found = await webhooks_api.endpoint(registry, signed.token, endpoint_id)
    log = await webhooks_api.deliveries(
        registry, signed.token, endpoint_id, limit=service.PAGE_SIZE, cursor=cursor
    )
    next_cursor = log.get("next_cursor")
    context = {
        "endpoint": found,
        "deliveries": log["items"],
        "next_query": service.page_query("", next_cursor if isinstance(next_cursor, str) else None),
        "event_names": EVENT_NAMES,
        "done": done if done in ("redelivered",) else "",
    }
    return render(request, "admin/webhook.html", context, signed=signed, active="webhooks")


@router.get("/console/admin/webhooks/{endpoint_id}/disable")
async def confirm_disable(
    request: Request, signed: SignedInDep, endpoint_id: EndpointId
) -> Response:
    """The confirmation step before disabling an endpoint."""
    found = await webhooks_api.endpoint(apis_of(request).registry, signed.token, endpoint_id)
    context = {"endpoint": found}
    return render(request, "admin/webhook_disable.html", context, signed=signed, active="webhooks")


@router.post("/console/admin/webhooks/{endpoint_id}/disable")
async def disable(request: Request, signed: SignedInDep, endpoint_id: EndpointId) -> Response:
    """Disable the endpoint once confirmed (kept with its delivery log)."""
    async with request.form(max_files=0, max_fields=5) as form:
        signed.check_csrf(_text(form.get("csrf_token")))
    await webhooks_api.disable(apis_of(request).registry, signed.token, endpoint_id)
    return _redirect(request, signed, "/console/admin/webhooks?done=disabled")


@router.post("/console/admin/webhooks/{endpoint_id}/deliveries/{delivery_id}/redeliver")
async def redeliver(
    request: Request,
    signed: SignedInDep,
    endpoint_id: EndpointId,
    delivery_id: Annotated[int, Path(ge=1, le=2**62)],
) -> Response:
    """Send one delivery again."""
    async with request.form(max_files=0, max_fields=5) as form:
        signed.check_csrf(_text(form.get("csrf_token")))
    await webhooks_api.redeliver(apis_of(request).registry, signed.token, endpoint_id, delivery_id)
    return _redirect(request, signed, f"/console/admin/webhooks/{endpoint_id}?done=redelivered")


WEBHOOK_LABELS = {"url": N_("Endpoint address (HTTPS)"), "events": N_("Events to send")}


def _located(error: FieldProblem, _: Gettext) -> service.FieldError:
    place = error.loc.removeprefix("body.")
    name = "events" if place.startswith("events") else "url"
    return service.FieldError(name, _(WEBHOOK_LABELS[name]), error.msg)


def _list_page(
    request: Request,
    signed: SignedIn,
    items: list[dict[str, object]],
    next_query: str | None,
    values: dict[str, object],
    problems: list[service.FieldError],
    *,
    done: str = "",
    status: int = 200,
) -> Response:
    context = {
        "endpoints": items,
        "next_query": next_query,
        "values": values,
        "problems": problems,
        "errors": {p.field: p.message for p in problems},
        "event_names": EVENT_NAMES,
        "form_key": service.new_form_key(),
        "done": done if done in ("disabled",) else "",
    }
    return render(
        request, "admin/webhooks.html", context, signed=signed, status=status, active="webhooks"
    )


def _redirect(request: Request, signed: SignedIn, to: str) -> Response:
    response = RedirectResponse(to, status_code=303)
    if signed.refreshed:
        request.app.state.sealer.store_session(request, response, signed.session)
    return response


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""
