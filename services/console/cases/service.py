"""Tracing cases and trace requests as the person may work on them: forms to API bodies,
refusals to located problems in the person's language."""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from typing import Any

from services.console.clients import cases_api
from services.console.clients.base import ApiProblem, FieldProblem, ServiceClient
from services.console.i18n import N_, Gettext
from services.console.manifests.service import translated_problem

PAGE_SIZE = 25
# The cases offered to add a trace result to: at most this many pages of 1000.
MY_CASES_PAGES = 5
TRACE_RESULT_FIELDS = (
    "serial_number",
    "manufacturer",
    "model",
    "calibre",
    "category",
    "country",
    "record_date",
    "note",
)
CASE_FIELDS = ("title", "summary", "from_alert")
# What a case may be opened from besides an alert: a declared item, or a weapon as a
# trace showed it (``from_kind`` says which; the other fields are the item's).
FROM_ITEM_FIELDS = (
    "from_kind",
    "declaration_id",
    "item_index",
    "serial_number",
    "manufacturer",
    "model",
    "calibre",
    "category",
    "country",
    "record_date",
)
ADD_ITEM_FIELDS = (
    "kind",
    "declaration_id",
    "item_index",
    "manifest_id",
    "line",
    "alert_id",
    *TRACE_RESULT_FIELDS,
)
REQUEST_FIELDS = (
    "case_item_id",
    "recipient_country",
    "recipient_role",
    "language",
    "marking",
    "weapon_type",
    "calibre",
    "manufacturer",
    "model",
    "recovery_context",
    "request_text",
    "reply_days",
)
# What the form prefills from the case item (the API defaults to them too).
PREFILLED = {
    "marking": "serial_number",
    "weapon_type": "category",
    "calibre": "calibre",
    "manufacturer": "manufacturer",
    "model": "model",
}
ROLE_NAMES: dict[str, str] = {
    "contributing_state": N_("Contributing state"),
    "producing_state": N_("Producing state"),
    "last_exporter": N_("Last exporting state"),
    "last_importer": N_("Last importing state"),
}
STATUS_NAMES: dict[str, str] = {
    "draft": N_("Draft"),
    "sent": N_("Sent"),
    "acknowledged": N_("Acknowledged"),
    "answered": N_("Answered"),
}
OVERDUE_NAMES: dict[str, str] = {"true": N_("Overdue only"), "false": N_("Not overdue")}
ITEM_KIND_NAMES: dict[str, str] = {
    "manifest_item": N_("Manifest item"),
    "declared_item": N_("Declared item"),
    "trace_result": N_("Trace result"),
    "alert": N_("Alert"),
}
ORIGIN_NAMES: dict[str, str] = {
    "contingent_owned_equipment": N_("Contingent-owned equipment"),
    "national_stockpile": N_("National stockpile"),
    "legal_transfer": N_("Legal transfer"),
    "manufactured_for_embargoed_party": N_("Manufactured for an embargoed party"),
}
LANGUAGE_CHOICES = ("en", "fr", "pt", "es")
FIELD_LABELS: dict[str, str] = {
    "title": N_("Title"),
    "summary": N_("Summary"),
    "from_alert": N_("Alert"),
    "kind": N_("Kind of record"),
    "declaration_id": N_("Declaration"),
    "item_index": N_("Item number"),
    "manifest_id": N_("Manifest"),
    "line": N_("Line"),
    "alert_id": N_("Alert"),
    "from_item.declaration_id": N_("Declaration"),
    "from_item.item_index": N_("Item number"),
    "from_item.serial_number": N_("Serial number"),
    "from_item.manufacturer": N_("Manufacturer"),
    "from_item.model": N_("Model"),
    "from_item.country": N_("Country"),
    "from_item.record_date": N_("Date of the record"),
    "from_item.calibre": N_("Calibre"),
    "from_item.category": N_("Category"),
    "from_item.kind": N_("Kind of record"),
    "case_id": N_("Case"),
    "serial_number": N_("Serial number"),
    "manufacturer": N_("Manufacturer"),
    "model": N_("Model"),
    "calibre": N_("Calibre"),
    "category": N_("Category"),
    "country": N_("Country"),
    "record_date": N_("Date of the record"),
    "note": N_("Note"),
    "organisation": N_("State"),
    "date_from": N_("From"),
    "date_to": N_("To"),
    "group_by": N_("Group by"),
    "case_item_id": N_("Weapon"),
    "recipient_country": N_("Recipient state"),
    "recipient_role": N_("Recipient's role"),
    "language": N_("Language of the request"),
    "marking": N_("Marking"),
    "weapon_type": N_("Type of weapon"),
    "recovery_context": N_("Recovery context"),
    "request_text": N_("What is asked"),
    "reply_days": N_("Days to answer"),
    "deadline": N_("Deadline"),
    "text": N_("Answer"),
    "outcome.result": N_("Outcome"),
    "outcome.kind": N_("Kind of origin"),
    "outcome.state": N_("State of origin"),
    "outcome.recipient": N_("Recipient or party"),
    "attachment": N_("File"),
    "attachment.filename": N_("File"),
    "attachment.media_type": N_("File"),
}


@dataclass(frozen=True)
class FormProblem:
    """A refused form's problem, on one of its fields (``row`` is unused: no file)."""

    column: str
    field: str
    message: str
    row: str = ""


# Who works on cases (the registry's rule, mirrored to offer its buttons only to them).
CASE_ROLES = {"secretariat": ("admin", "analyst"), "member_state": ("admin", "editor")}


def may_work_on_cases(org_type: str, role: str) -> bool:
    """Whether a person of this organisation type and role opens and works on cases."""
    return role in CASE_ROLES.get(org_type, ())


def new_form_key() -> str:
    """The Idempotency-Key a form carries: submitting it twice opens one case."""
    return "console-" + secrets.token_urlsafe(24)


def problems_of(
    problem: ApiProblem, _: Gettext, fields: dict[str, str] | None = None
) -> list[FormProblem]:
    """Every problem of a refusal, each on its field, in the person's language where the
    console knows the API's text."""
    fields = fields or {}
    found = []
    for error in problem.errors or [FieldProblem("", problem.detail)]:
        name = fields.get(error.loc) or error.loc.removeprefix("body.").removeprefix("form.")
        label = _(FIELD_LABELS[name]) if name in FIELD_LABELS else name
        found.append(FormProblem(label, name.replace(".", "-"), translated_problem(error.msg, _)))
    return found


def _given(form: dict[str, str], names: tuple[str, ...]) -> dict[str, Any]:
    return {name: form[name] for name in names if form.get(name)}


def _number(text: str) -> int | str:
    """Digits as a number; anything else as typed, for the API to name the problem."""
    return int(text) if text.isdigit() and len(text) < 19 else text


async def case_page(*, registry: ServiceClient, token: str, cursor: str | None) -> dict[str, Any]:
    """A page of the cases the person's organisation owns or was shared."""
    return await cases_api.cases(registry, token, limit=PAGE_SIZE, cursor=cursor)


async def open_case(
    *, registry: ServiceClient, token: str, form: dict[str, str], form_key: str
) -> dict[str, Any]:
    """Open a case (with its alert as first record when ``from_alert`` is given, then the
    declared item or the trace result the form carries)."""
    # A field left empty is left out: the API answers "required", which the console
    # shows in the person's language.
    body = _given(form, CASE_FIELDS)
    first = from_item(form)
    if first is not None:
        body["from_item"] = first
    return await cases_api.post_json(
        registry, cases_api.CASES, token, body, idempotency_key=form_key
    )


def from_item(form: dict[str, str]) -> dict[str, Any] | None:
    """The item a case is opened from (``from_kind``), as the API's ``from_item``."""
    kind = form.get("from_kind", "")
    if kind not in ("declared_item", "trace_result"):
        return None
    return item_body({**form, "kind": kind})


def item_body(form: dict[str, str]) -> dict[str, Any]:
    """A case item's API body from a form: its ``kind`` and that kind's fields."""
    kind = form.get("kind", "")
    body: dict[str, Any] = {"kind": kind}
    numbers = {"declared_item": "item_index", "manifest_item": "line"}
    names = {
        "declared_item": ("declaration_id", "item_index"),
        "manifest_item": ("manifest_id", "line"),
        "alert": ("alert_id",),
    }
    if kind in names:
        for name in names[kind]:
            value = form.get(name, "")
            if not value:
                body[name] = None
            else:
                body[name] = _number(value) if name == numbers.get(kind) else value
    elif kind == "trace_result":
        body.update(_given(form, TRACE_RESULT_FIELDS))
    return body


async def add_item(
    *, registry: ServiceClient, token: str, case_id: str, form: dict[str, str]
) -> dict[str, Any]:
    """Add a declared item, a manifest item, an alert or a trace result to a case."""
    return await cases_api.post_json(
        registry, f"{cases_api.CASES}/{case_id}/items", token, item_body(form)
    )


async def my_cases(*, registry: ServiceClient, token: str, organisation: str) -> list[Any]:
    """The cases the person's organisation owns (not those shared with it), newest first:
    where a trace result may be added."""
    found: list[Any] = []
    cursor: str | None = None
    for _page in range(MY_CASES_PAGES):
        page = await cases_api.cases(registry, token, limit=1000, cursor=cursor)
        found += [c for c in page["items"] if c.get("owner") == organisation]
        cursor = page.get("next_cursor")
        if not isinstance(cursor, str):
            break
    return found[::-1]


async def request_page(
    *, registry: ServiceClient, token: str, status: str, overdue: str, cursor: str | None
) -> dict[str, Any]:
    """A page of the trace requests of the organisation's cases, filtered."""
    filters: dict[str, Any] = {"limit": PAGE_SIZE}
    if status in STATUS_NAMES:
        filters["status"] = status
    if overdue in OVERDUE_NAMES:
        filters["overdue"] = overdue
    if cursor:
        filters["cursor"] = cursor
    return await cases_api.trace_requests(registry, token, **filters)


async def share(
    *, registry: ServiceClient, token: str, case_id: str, organisation: str
) -> dict[str, Any]:
    """Share a secretariat's case with a state."""
    return await cases_api.post_json(
        registry, f"{cases_api.CASES}/{case_id}/shares", token, {"organisation": organisation}
    )


def request_form(case: dict[str, Any], item_id: str, language: str) -> dict[str, str]:
    """The trace request form's values, the ITI fields prefilled from the case item, in
    the person's language (when the request may be written in it, else English)."""
    chosen = language if language in LANGUAGE_CHOICES else "en"
    values = {"case_item_id": item_id, "language": chosen}
    for item in case.get("items", []):
        if str(item.get("id")) == item_id:
            for name, source in PREFILLED.items():
                values[name] = str(item.get(source) or "")
    return values


async def prepare_request(
    *, registry: ServiceClient, token: str, case_id: str, form: dict[str, str], form_key: str
) -> dict[str, Any]:
    """A trace request draft from the form."""
    body: dict[str, Any] = _given(form, REQUEST_FIELDS)
    for name in ("case_item_id", "reply_days"):
        if name in body:
            body[name] = _number(body[name])
    return await cases_api.post_json(
        registry,
        f"{cases_api.CASES}/{case_id}/trace-requests",
        token,
        body,
        idempotency_key=form_key,
    )


async def send(
    *, registry: ServiceClient, token: str, request_id: str, deadline: str
) -> dict[str, Any]:
    """draft → sent, due on ``deadline`` (or the default number of days)."""
    body = {"deadline": deadline} if deadline else {}
    return await cases_api.post_json(
        registry, f"{cases_api.REQUESTS}/{request_id}/send", token, body
    )


async def acknowledge(
    *, registry: ServiceClient, token: str, request_id: str, note: str
) -> dict[str, Any]:
    """sent → acknowledged."""
    body = {"note": note} if note else {}
    return await cases_api.post_json(
        registry, f"{cases_api.REQUESTS}/{request_id}/acknowledge", token, body
    )


async def answer(
    *,
    registry: ServiceClient,
    token: str,
    request_id: str,
    form: dict[str, str],
    file: tuple[str, str, bytes] | None,
) -> dict[str, Any]:
    """Record the answer's text, its outcome and an optional file (name, type, bytes)."""
    outcome: dict[str, Any] = _given(form, ("result",))
    if form.get("result") == "origin_established":
        outcome.update(
            {
                k: form[f"origin_{k}"]
                for k in ("kind", "state", "recipient")
                if form.get(f"origin_{k}")
            }
        )
    body: dict[str, Any] = {"outcome": outcome, **_given(form, ("text",))}
    if file is not None:
        name, media_type, content = file
        body["attachment"] = {
            "filename": name,
            "media_type": media_type or "application/octet-stream",
            "content_base64": base64.b64encode(content).decode("ascii"),
        }
    return await cases_api.post_json(
        registry, f"{cases_api.REQUESTS}/{request_id}/answer", token, body
    )
