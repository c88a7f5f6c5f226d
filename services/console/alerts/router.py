"""Alerts: the triage queue with filters and counts, an alert's detail and history, its
triage steps (with If-Match: a stale form reloads the alert), bulk acknowledgement."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException

from services.console.alerts import assignees, labels, service
from services.console.clients.base import ApiProblem
from services.console.i18n import Formats, language, translator
from services.console.pages import render
from services.console.signed_in import SignedIn, SignedInDep, apis_of

router = APIRouter(include_in_schema=False)
AlertId = Annotated[str, Path(max_length=36)]
MAX_FIELD = 4000


@router.get("/console/alerts")
async def alert_queue(
    request: Request,
    signed: SignedInDep,
    cursor: Annotated[str | None, Query(max_length=1024)] = None,
    acknowledged: Annotated[str, Query(max_length=8)] = "",
) -> Response:
    """The queue the person may see, filtered, with counts by kind and status."""
    filters = service.filters_of({k: v[:255] for k, v in request.query_params.items()})
    return await _queue_page(request, signed, filters, cursor, notice=acknowledged)


@router.post("/console/alerts/acknowledge")
async def acknowledge_many(request: Request, signed: SignedInDep) -> Response:
    """Acknowledge the alerts ticked in the queue, all or nothing."""
    async with request.form(max_fields=600) as form:
        signed.check_csrf(_text(form.get("csrf_token")))
        ids = [i for i in form.getlist("ids") if isinstance(i, str) and i][:600]
        note = _text(form.get("note"))[:MAX_FIELD]
        filters = service.filters_of({k: _text(form.get(k))[:255] for k in service.FILTERS})
    _ = translator(language(request))
    if not ids:
        problems = [service.Problem("ids", _("Alerts"), _("Tick at least one alert."))]
        return await _queue_page(request, signed, filters, None, problems=problems, status=422)
    try:
        done = await service.acknowledge_many(apis_of(request).registry, signed.token, ids, note)
    except ApiProblem as problem:
        if problem.status not in (409, 422):
            raise
        problems = service.problems_of(problem, _)
        return await _queue_page(
            request, signed, filters, None, problems=problems, status=problem.status
        )
    kept = urlencode(
        {**{k: v for k, v in filters.items() if v}, "acknowledged": done["acknowledged"]}
    )
    return _redirect(request, signed, f"/console/alerts?{kept}")


@router.get("/console/alerts/{alert_id}")
async def alert_detail(
    request: Request,
    signed: SignedInDep,
    alert_id: AlertId,
    done: Annotated[str, Query(max_length=16)] = "",
    changed: Annotated[str, Query(max_length=1)] = "",
) -> Response:
    """The alert, its evidence, its history with actors and the steps the person may take."""
    return await _detail_page(
        request, signed, alert_id, done=done, changed=changed == "1", values={}
    )


@router.post("/console/alerts/{alert_id}/{step}")
async def alert_step(
    request: Request,
    signed: SignedInDep,
    alert_id: AlertId,
    step: Annotated[str, Path(max_length=16)],
) -> Response:
    """One triage step with the ETag the form was read with; 412: reload, say so."""
    if step not in service.STEPS:
        raise HTTPException(404)
    async with request.form(max_fields=20) as form:
        signed.check_csrf(_text(form.get("csrf_token")))
        values = {
            k: _text(form.get(k))[:MAX_FIELD]
            for k in ("etag", "assignee", "note", "text", "outcome", "reason")
        }
    body = service.step_body(step, values, signed.session.person)
    if step == "assign" and not await assignees.may_be_assigned(
        apis_of(request).auth, signed.session, body["assignee"]
    ):
        _ = translator(language(request))
        label = service.FIELD_LABELS["assignee"]
        refused = service.Problem(
            "assign-assignee",
            _(label),
            _("Choose a person of your organisation who triages alerts."),
        )
        return await _detail_page(
            request,
            signed,
            alert_id,
            values={**values, "step": step},
            problems=[refused],
            status=422,
        )
    try:
        await service.take_step(
            apis_of(request).registry, signed.token, alert_id, step, body, values["etag"]
        )
    except ApiProblem as problem:
        if problem.status == 412:
            return _redirect(request, signed, f"/console/alerts/{alert_id}?changed=1")
        if problem.status not in (409, 422, 428):
            raise
        _ = translator(language(request))
        problems = service.problems_of(problem, _, form=f"{step}-")
        return await _detail_page(
            request,
            signed,
            alert_id,
            values={**values, "step": step},
            problems=problems,
            status=problem.status,
        )
    return _redirect(request, signed, f"/console/alerts/{alert_id}?done={step}")


async def _queue_page(
    request: Request,
    signed: SignedIn,
    filters: dict[str, str],
    cursor: str | None,
    *,
    notice: str = "",
    problems: list[service.Problem] | None = None,
    status: int = 200,
) -> Response:
    _ = translator(language(request))
    page: dict[str, object] = {"items": [], "next_cursor": None}
    counts: dict[str, object] = {"total": 0, "items": []}
    problems = list(problems or [])
    try:
        page, counts = await service.queue(apis_of(request).registry, signed.token, filters, cursor)
    except ApiProblem as problem:
        if problem.status != 422:
            raise
        problems += service.problems_of(problem, _)
        status = 422
    next_cursor = page.get("next_cursor")
    fmt = Formats(language(request))
    items = page["items"] if isinstance(page["items"], list) else []
    context = {
        "summaries": {a["id"]: labels.summary(a, _, fmt) for a in items},
        "filters": filters,
        "alerts": page["items"],
        "counts": counts,
        "count_rows": service.count_table(counts),
        "next_query": service.page_query(
            filters, next_cursor if isinstance(next_cursor, str) else None
        ),
        "problems": problems,
        "acknowledged": notice if notice.isdigit() else "",
        **_names(),
    }
    return render(
        request, "alerts/queue.html", context, signed=signed, status=status, active="alerts"
    )


async def _detail_page(
    request: Request,
    signed: SignedIn,
    alert_id: str,
    *,
    values: dict[str, str],
    done: str = "",
    changed: bool = False,
    problems: list[service.Problem] | None = None,
    status: int = 200,
) -> Response:
    alert, etag, history = await service.alert_with_history(
        apis_of(request).registry, signed.token, alert_id
    )
    colleagues = await assignees.colleagues(apis_of(request).auth, signed.session)
    lang = language(request)
    _ = translator(lang)
    context = {
        "alert": alert,
        "etag": etag,
        "history": history,
        "evidence": service.evidence_rows(alert.get("evidence") or {}, _, Formats(lang)),
        "alert_summary": labels.summary(alert, _, Formats(lang)),
        "values": values,
        "problems": problems or [],
        "done": done if done in service.STEPS else "",
        "changed": changed,
        "me": signed.session.person,
        "colleagues": colleagues,
        "people_names": {c.id: c.name for c in colleagues},
        "can_triage": signed.session.can("alerts:triage")
        or alert.get("country") == signed.session.country,
        **_names(),
    }
    return render(
        request, "alerts/detail.html", context, signed=signed, status=status, active="alerts"
    )


def _names() -> dict[str, object]:
    return {
        "kind_names": service.KIND_NAMES,
        "status_names": service.STATUS_NAMES,
        "outcome_names": service.OUTCOME_NAMES,
        "action_names": service.ACTION_NAMES,
    }


def _redirect(request: Request, signed: SignedIn, location: str) -> Response:
    response = RedirectResponse(location, status_code=303)
    if signed.refreshed:
        request.app.state.sealer.store_session(request, response, signed.session)
    return response


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""
