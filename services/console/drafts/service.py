"""Drafts of manifests and declarations: my organisation's list, one draft, its steps.

Both services keep drafts the same way (``services.common.drafts``), so one module
serves both from their JSON. A CSV or XLSX upload becomes a manifest draft through
the registry's ``POST /manifest-drafts/import`` (the import's own reader: the console
parses no file); the declare form's document becomes a declaration draft through
``POST /declaration-drafts``. Every change carries the draft's version as ``If-Match``: a draft
changed by someone else in between is refused (412) and shown again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from services.console.clients.apis import Apis
from services.console.clients.base import ServiceClient
from services.console.i18n import N_

PAGE_SIZE: Final = 25
MAX_TITLE_LENGTH: Final = 200  # the drafts API's
SHOWN_ITEMS: Final = 200
STATUSES: Final = ("draft", "awaiting_approval", "returned", "submitted", "withdrawn")
STATUS_NAMES: Final = {
    "draft": N_("Draft"),
    "awaiting_approval": N_("Awaiting approval"),
    "returned": N_("Returned"),
    "submitted": N_("Approved"),
    "withdrawn": N_("Withdrawn"),
}
ACTION_NAMES: Final = {
    "created": N_("created"),
    "saved": N_("saved"),
    "submitted": N_("submitted for approval"),
    "returned": N_("returned"),
    "approved": N_("approved"),
    "withdrawn": N_("withdrawn"),
}
STEPS: Final = ("submit", "approve", "return")


@dataclass(frozen=True)
class DraftKind:
    """Where a kind of draft lives and what it becomes."""

    key: str
    label: str
    service: str
    path: str
    write_scope: str
    record_url: str
    open_record: str


KINDS: Final = {
    "manifest": DraftKind(
        "manifest",
        N_("Manifest drafts"),
        "registry",
        "/registry/v1/manifest-drafts",
        "manifests:write",
        "/console/manifests/",
        N_("Open the manifest"),
    ),
    "declaration": DraftKind(
        "declaration",
        N_("Declaration drafts"),
        "declarations",
        "/declarations/v1/declaration-drafts",
        "declarations:write",
        "/console/declarations/",
        N_("Open the declaration"),
    ),
}


def client_for(apis: Apis, kind: DraftKind) -> ServiceClient:
    """The API client of the service keeping ``kind``'s drafts."""
    return apis.registry if kind.service == "registry" else apis.declarations


async def draft_page(
    client: ServiceClient, kind: DraftKind, token: str, *, status: str, cursor: str | None
) -> dict[str, Any]:
    """A page of my organisation's drafts of ``kind`` (``status`` if one is asked)."""
    params = {"limit": PAGE_SIZE, "cursor": cursor, "status": status if status in STATUSES else ""}
    return await client.get_json(kind.path, token, params)


async def draft(
    client: ServiceClient, kind: DraftKind, token: str, draft_id: str
) -> dict[str, Any]:
    """One draft of my organisation (a 404 problem for anyone else's)."""
    return await client.get_json(f"{kind.path}/{draft_id}", token)


async def step(
    client: ServiceClient,
    kind: DraftKind,
    token: str,
    *,
    draft_id: str,
    action: str,
    version: str,
    comment: str,
    key: str,
) -> dict[str, Any]:
    """Submit, approve or return a draft as of ``version``; refusals raise ApiProblem."""
    headers = {"If-Match": f'"{version}"'}
    options: dict[str, Any] = {}
    if action == "return":
        options["json"] = {"comment": comment}
    if action == "approve":
        headers["Idempotency-Key"] = key
    response = await client.request(
        "POST", f"{kind.path}/{draft_id}/{action}", token, headers=headers, **options
    )
    body: dict[str, Any] = response.json()
    return body


async def upload_as_draft(
    client: ServiceClient,
    token: str,
    *,
    fields: dict[str, str],
    filename: str,
    content: bytes,
    key: str,
) -> dict[str, Any]:
    """The uploaded form and file saved as a manifest draft (the registry reads the file)."""
    response = await client.request(
        "POST",
        f"{KINDS['manifest'].path}/import",
        token,
        data=fields,
        files={"file": (filename, content, "application/octet-stream")},
        headers={"Idempotency-Key": key},
    )
    body: dict[str, Any] = response.json()
    return body


async def save_declaration_draft(
    client: ServiceClient, token: str, *, body: dict[str, Any], title: str, key: str
) -> dict[str, Any]:
    """The declare form's document saved as a draft, complete or not (its problems are
    in the answer); nothing is declared or logged until an admin approves it."""
    response = await client.request(
        "POST",
        KINDS["declaration"].path,
        token,
        json={"body": body, "title": title[:MAX_TITLE_LENGTH] or None},
        headers={"Idempotency-Key": key},
    )
    saved: dict[str, Any] = response.json()
    return saved


async def resave_declaration_draft(
    client: ServiceClient,
    token: str,
    *,
    draft_id: str,
    version: str,
    body: dict[str, Any],
    title: str,
) -> dict[str, Any]:
    """The changed form saved over the draft as of ``version`` (412 if someone saved it
    meanwhile, 409 once it is no longer editable)."""
    response = await client.request(
        "PUT",
        f"{KINDS['declaration'].path}/{draft_id}",
        token,
        json={"body": body, "title": title[:MAX_TITLE_LENGTH] or None},
        headers={"If-Match": f'"{version}"'},
    )
    saved: dict[str, Any] = response.json()
    return saved


def header_of(body: dict[str, Any]) -> list[tuple[str, str]]:
    """The draft body's values outside its lists, for a summary (a member's members as
    ``location.place``: a declaration's place is reviewed with the rest)."""
    shown: list[tuple[str, str]] = []
    for name, value in body.items():
        members = value.items() if isinstance(value, dict) else [("", value)]
        for member, inner in members:
            if not isinstance(inner, list | dict) and inner not in (None, ""):
                shown.append((f"{name}.{member}" if member else name, str(inner)))
    return shown


def items_of(body: dict[str, Any]) -> tuple[list[str], list[dict[str, Any]], int]:
    """The columns and first :data:`SHOWN_ITEMS` items of the body's ``items`` list."""
    raw = body.get("items")
    items = [i for i in raw if isinstance(i, dict)] if isinstance(raw, list) else []
    columns: list[str] = []
    for item in items[:SHOWN_ITEMS]:
        columns.extend(c for c in item if c not in columns)
    return columns, items[:SHOWN_ITEMS], len(items)
