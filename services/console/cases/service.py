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
CASE_FIELDS = ("title", "summary", "from_alert")
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
    """Open a case (with its alert as first record when ``from_alert`` is given)."""
    # A field left empty is left out: the API answers "required", which the console
    # shows in the person's language.
    body = _given(form, CASE_FIELDS)
    return await cases_api.post_json(
        registry, cases_api.CASES, token, body, idempotency_key=form_key
    )


async def add_item(
    *, registry: ServiceClient, token: str, case_id: str, form: dict[str, str]
) -> dict[str, Any]:
    """Add a declared item (declaration and item number) or a trace result to a case."""
    kind = form.get("kind", "")
    body: dict[str, Any] = {"kind": kind}
    if kind == "declared_item":
        body["declaration_id"] = form.get("declaration_id") or None
        body["item_index"] = _number(form.get("item_index", "")) if form.get("item_index") else None
    elif kind == "trace_result":
        body.update(_given(form, TRACE_RESULT_FIELDS))
    return await cases_api.post_json(registry, f"{cases_api.CASES}/{case_id}/items", token, body)


async def share(
    *, registry: ServiceClient, token: str, case_id: str, organisation: str
) -> dict[str, Any]:
    """Share a secretariat's case with a state."""
    return await cases_api.post_json(
        registry, f"{cases_api.CASES}/{case_id}/shares", token, {"organisation": organisation}
    )


def request_form(case: dict[str, Any], item_id: str) -> dict[str, str]:
    """The trace request form's values, the ITI fields prefilled from the case item."""
    values = {"case_item_id": item_id, "language": "en"}
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
