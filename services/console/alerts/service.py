"""Alert triage as the person may do it: the queue with filters and counts, an alert
with its evidence and history, and each step (assign, acknowledge, comment, close,
reopen, acknowledge many) sent with the ETag the person read."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from services.console.alerts import labels
from services.console.clients import analysis_api
from services.console.clients.base import ApiProblem, ServiceClient
from services.console.i18n import N_, Formats, Gettext

PAGE_SIZE = 25
FILTERS = (
    "kind",
    "status",
    "mission",
    "country",
    "assignee",
    "raised_from",
    "raised_to",
    "record_from",
    "record_to",
)
KIND_NAMES: dict[str, str] = {
    "diversion": N_("Diversion"),
    "linkage": N_("Linkage"),
    "embargo": N_("Embargo"),
    "unreturned": N_("Not returned"),
    "destroyed_twice": N_("Destroyed twice"),
    "context_amended": N_("Context amended"),
}
STATUS_NAMES: dict[str, str] = {
    "open": N_("Open"),
    "acknowledged": N_("Acknowledged"),
    "closed": N_("Closed"),
}
OUTCOME_NAMES: dict[str, str] = {
    "confirmed_diversion": N_("Confirmed diversion"),
    "not_same_item": N_("Not the same item"),
    "duplicate": N_("Duplicate"),
    "other": N_("Other (say what in the note)"),
}
ACTION_NAMES: dict[str, str] = {
    "raised": N_("Raised"),
    "assigned": N_("Assigned"),
    "acknowledged": N_("Acknowledged"),
    "commented": N_("Commented"),
    "closed": N_("Closed"),
    "reopened": N_("Reopened"),
    "evidence_added": N_("Evidence added"),
}
FIELD_LABELS: dict[str, str] = {
    "kind": N_("Kind"),
    "status": N_("Status"),
    "mission": N_("Mission"),
    "country": N_("Country"),
    "assignee": N_("Assigned to"),
    "raised_from": N_("Raised from"),
    "raised_to": N_("Raised to"),
    "record_from": N_("Record date from"),
    "record_to": N_("Record date to"),
    "outcome": N_("Outcome"),
    "note": N_("Note"),
    "text": N_("Comment"),
    "reason": N_("Reason"),
    "ids": N_("Alerts"),
}
STEPS = ("assign", "acknowledge", "comments", "close", "reopen")


@dataclass(frozen=True)
class Problem:
    """One problem for the error summary, on the field it is about."""

    field: str
    column: str
    message: str
    row: str = ""


def filters_of(query: dict[str, str]) -> dict[str, str]:
    """The queue's filters as typed (the registry judges them)."""
    return {name: query.get(name, "").strip() for name in FILTERS}


def page_query(filters: dict[str, str], cursor: str | None) -> str | None:
    """The query of the next page (the same filters), or None on the last page."""
    if cursor is None:
        return None
    return urlencode({**{k: v for k, v in filters.items() if v}, "cursor": cursor})


def problems_of(problem: ApiProblem, _: Gettext, *, form: str = "") -> list[Problem]:
    """Every problem of a refusal on its field (``body.note`` → ``note``)."""
    found = []
    for error in problem.errors:
        name = error.loc.rsplit(".", 1)[-1]
        if name.isdigit():  # ids.3
            name = error.loc.split(".")[-2]
        label = _(FIELD_LABELS[name]) if name in FIELD_LABELS else error.loc
        target = f"{form}{name}" if name in FIELD_LABELS else "main"
        found.append(Problem(target, label, _problem_text(error.msg, _)))
    return found or [Problem("main", "", problem.detail)]


def _problem_text(text: str, _: Gettext) -> str:
    known = {
        "Field required": _("This is required."),
        "String should have at least 1 character": _("This is required."),
        "Input should be a valid date or datetime, input is too short": _("Enter a date."),
    }
    return known.get(text, text)


async def queue(
    registry: ServiceClient, token: str, filters: dict[str, str], cursor: str | None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A page of the queue and its counts, with the same filters."""
    sent = {k: v for k, v in filters.items() if v}
    page = await analysis_api.alerts(registry, token, limit=PAGE_SIZE, cursor=cursor, **sent)
    counts = await analysis_api.alert_counts(registry, token, **sent)
    return page, counts


def count_table(counts: dict[str, Any]) -> list[tuple[str, dict[str, int]]]:
    """Counts as rows by kind, columns by status (kinds with none left out)."""
    rows: dict[str, dict[str, int]] = {}
    for item in counts.get("items", []):
        rows.setdefault(item["kind"], dict.fromkeys(STATUS_NAMES, 0))[item["status"]] = int(
            item["count"]
        )
    return [(kind, rows[kind]) for kind in KIND_NAMES if kind in rows]


async def alert_with_history(
    registry: ServiceClient, token: str, alert_id: str
) -> tuple[dict[str, Any], str, list[dict[str, Any]]]:
    """The alert, its ETag and its history (404 outside the person's view)."""
    alert, etag = await analysis_api.alert(registry, token, alert_id)
    history = await analysis_api.alert_history(registry, token, alert_id)
    return alert, etag, list(history["items"])


def step_body(step: str, form: dict[str, str], person: str) -> dict[str, Any]:
    """What the registry's step takes, from the form (empty notes left out)."""
    note = form.get("note", "").strip() or None
    if step == "assign":
        chosen = form.get("assignee", "").strip()
        return {"assignee": person if chosen == "me" else (chosen or None)}
    if step == "acknowledge":
        return {"note": note}
    if step == "comments":
        return {"text": form.get("text", "").strip()}
    if step == "close":
        return {"outcome": form.get("outcome") or None, "note": note}
    return {"reason": form.get("reason", "").strip()}


async def take_step(
    registry: ServiceClient, token: str, alert_id: str, step: str, body: dict[str, Any], etag: str
) -> None:
    """Send a step; comments need no ETag (a retry is made safe by a fresh key)."""
    if step == "comments":
        key = "console-" + secrets.token_urlsafe(18)
        await analysis_api.alert_step(registry, token, alert_id, step, body, idempotency_key=key)
    else:
        await analysis_api.alert_step(registry, token, alert_id, step, body, etag=etag)


async def acknowledge_many(
    registry: ServiceClient, token: str, ids: list[str], note: str
) -> dict[str, Any]:
    """Acknowledge the chosen alerts at once (all or nothing)."""
    return await analysis_api.acknowledge_many(registry, token, ids, note.strip() or None)


def evidence_rows(evidence: Any, _: Gettext, fmt: Formats) -> list[tuple[str, str, str | None]]:
    """The evidence as (label, value, link) rows in the person's language: declarations
    and manifests linked."""
    return _evidence_rows(evidence, _, fmt, "", "")


def _evidence_rows(
    evidence: Any, _: Gettext, fmt: Formats, prefix: str, path: str
) -> list[tuple[str, str, str | None]]:
    rows: list[tuple[str, str, str | None]] = []
    if isinstance(evidence, dict):
        for key, value in evidence.items():
            label = f"{prefix}{labels.evidence_label(key, _)}"
            if isinstance(value, (dict, list)):
                rows += _evidence_rows(value, _, fmt, f"{label} › ", f"{path}{key}.")
            elif value is not None and value != "":
                text = labels.evidence_value(key, value, _, fmt)
                rows.append((label, text, _link(key, path, str(value))))
    elif isinstance(evidence, list):
        for number, value in enumerate(evidence, start=1):
            rows += _evidence_rows(value, _, fmt, f"{prefix}{number} › ", path)
    return rows


def _link(key: str, prefix: str, value: str) -> str | None:
    if key == "declaration_id":
        return f"/console/declarations/{value}"
    if key == "manifest_id" or (key == "id" and prefix.startswith("manifest")):
        return f"/console/manifests/{value}"
    return None
