"""Manifests as the person may see them: filtered pages, items, uploads and refusals."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from services.console.clients.base import ApiProblem, FieldProblem
from services.console.clients.registry_api import RegistryApi
from services.console.i18n import N_, Gettext

PAGE_SIZE = 25
ITEMS_PAGE_SIZE = 50
FILTERS = ("mission", "direction", "unit", "crossed_from", "crossed_to")
UPLOAD_FIELDS = (
    "mission",
    "contributing_country",
    "direction",
    "unit",
    "crossing_date",
    "crossing_point",
    "reference",
)
_ROW_COLUMN = re.compile(r"^row (\d+)(?:, column (.+))?$")

# The API's problem texts the console knows, in the person's language; any other is
# shown as the API wrote it.
# ``{0}`` in a translation is the pattern's first group (the kind of item).
KNOWN_PROBLEMS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^[Ff]ield required$"), N_("This is required.")),
    (re.compile(r"^Input should be 'in' or 'out'$"), N_("Choose in or out.")),
    (re.compile(r"^required for an? (\w+) item$"), N_("Required for an item of kind {0}.")),
    (
        re.compile(r"^a weapon item is one weapon: quantity must be 1 or absent$"),
        N_("A weapon item is one weapon: the quantity must be 1 or empty."),
    ),
    (re.compile(r"^the file is empty: no header row$"), N_("The file is empty: no header row.")),
    (
        re.compile(r"^the file has a header row but no items$"),
        N_("The file has a header row but no items."),
    ),
)
KIND_NAMES: dict[str, str] = {
    "weapon": N_("weapon"),
    "ammunition": N_("ammunition"),
    "part": N_("part"),
    "ordnance": N_("ordnance"),
    "explosive": N_("explosive"),
}
FIELD_LABELS: dict[str, str] = {
    "mission": N_("Mission"),
    "contributing_country": N_("Contributing country"),
    "direction": N_("Direction"),
    "unit": N_("Unit"),
    "crossing_date": N_("Crossing date"),
    "crossing_point": N_("Crossing point"),
    "reference": N_("Reference"),
    "file": N_("File"),
}


@dataclass(frozen=True)
class CellProblem:
    """A refused upload's problem, placed by row and column (or on a form field)."""

    row: str
    column: str
    field: str
    message: str


@dataclass
class Refusal:
    """Why an upload was refused: every problem, nothing stored."""

    detail: str
    cells: list[CellProblem] = field(default_factory=list)
    fields: list[CellProblem] = field(default_factory=list)


def page_query(filters: dict[str, str], cursor: str | None) -> str | None:
    """The query of the next page (the same filters), or None on the last page."""
    if cursor is None:
        return None
    return urlencode({**{k: v for k, v in filters.items() if v}, "cursor": cursor})


async def manifest_page(
    *, registry: RegistryApi, token: str, filters: dict[str, str], cursor: str | None
) -> dict[str, Any]:
    """A page of the manifests the person may read, newest first."""
    return await registry.manifests(token, limit=PAGE_SIZE, cursor=cursor, **filters)


async def manifest_with_items(
    *, registry: RegistryApi, token: str, manifest_id: str, cursor: str | None, search: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A manifest and a page of its items, those matching ``search`` if given (404
    problem outside the person's tenancy)."""
    manifest = await registry.manifest(token, manifest_id)
    items = await registry.manifest_items(
        token, manifest_id, limit=ITEMS_PAGE_SIZE, cursor=cursor, q=search
    )
    return manifest, items


def new_upload_key() -> str:
    """The Idempotency-Key a form carries: submitting twice stores one manifest."""
    return "console-" + secrets.token_urlsafe(24)


async def upload(
    *,
    registry: RegistryApi,
    token: str,
    fields: dict[str, str],
    filename: str,
    content: bytes,
    upload_key: str,
) -> dict[str, Any]:
    """Send the form and file to the registry's import; a refusal raises ApiProblem."""
    sent = {k: v for k, v in fields.items() if k in UPLOAD_FIELDS and v}
    if fields.get("closes_rotation"):
        sent["closes_rotation"] = "true"
    return await registry.import_manifest(
        token, fields=sent, filename=filename, content=content, idempotency_key=upload_key
    )


def refusal(problem: ApiProblem, _: Gettext) -> Refusal:
    """Every problem of a refused upload, in the person's language where the console
    knows the API's text, by row and column for the file's cells."""
    result = Refusal(detail=problem.detail)
    for error in problem.errors or [FieldProblem("", problem.detail)]:
        message = translated_problem(error.msg, _)
        place = _ROW_COLUMN.match(error.loc)
        if place is not None:
            row, column = place.group(1), place.group(2) or ""
            result.cells.append(CellProblem(row, column, "file", message))
            continue
        name = error.loc.removeprefix("form.").removeprefix("body.")
        if name in FIELD_LABELS:
            result.fields.append(CellProblem("", _(FIELD_LABELS[name]), name, message))
        else:
            result.fields.append(CellProblem("", error.loc, "file", message))
    return result


def translated_problem(text: str, _: Gettext) -> str:
    """The API's problem text in the person's language when the console knows it."""
    for pattern, translation in KNOWN_PROBLEMS:
        found = pattern.match(text)
        if found is not None:
            words = [_(KIND_NAMES[g]) if g in KIND_NAMES else g for g in found.groups()]
            return _(translation).format(*words)
    return text
