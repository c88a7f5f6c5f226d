"""Declarations as the person may see them: filtered pages, a record with its versions
and what changed between them, legal holds, amendments with the ETag handled."""

from __future__ import annotations

import contextlib
import json
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from services.console.clients.auth_people_api import AuthAdminApi
from services.console.clients.base import ApiProblem
from services.console.clients.declarations_api import DeclarationsApi
from services.console.session import Session

PAGE_SIZE = 25
FILTERS = ("type", "mission", "declaring_country")
# What an amendment made in the console may change: the record's own fields (items are
# amended through the API or a new declaration).
AMENDABLE = ("event_date", "place", "lat", "lon", "mission", "presumed_user", "circumstances")
_LOCATION = {"place", "lat", "lon"}


@dataclass(frozen=True)
class Change:
    """One field that differs between two consecutive versions."""

    path: str
    before: str
    after: str


@dataclass(frozen=True)
class VersionChanges:
    """A version and what changed from the one before it."""

    version: dict[str, Any]
    changes: list[Change]


def page_query(filters: dict[str, str], cursor: str | None) -> str | None:
    """The query of the next page (the same filters), or None on the last page."""
    if cursor is None:
        return None
    return urlencode({**{k: v for k, v in filters.items() if v}, "cursor": cursor})


async def declaration_page(
    *, declarations: DeclarationsApi, token: str, filters: dict[str, str], cursor: str | None
) -> dict[str, Any]:
    """A page of the declarations the person may read."""
    return await declarations.declarations(token, limit=PAGE_SIZE, cursor=cursor, **filters)


def flatten(value: Any, prefix: str = "") -> dict[str, str]:
    """A record as ``path -> value`` (``items[2].serial_number``), for a diff."""
    if isinstance(value, dict):
        flat: dict[str, str] = {}
        for key, member in value.items():
            flat.update(flatten(member, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    if isinstance(value, list):
        flat = {}
        for index, member in enumerate(value):
            flat.update(flatten(member, f"{prefix}[{index}]"))
        return flat
    if value is None:
        return {}
    return {prefix: value if isinstance(value, str) else json.dumps(value)}


def changes_between(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[Change]:
    """Every field added, removed or changed from ``before`` to ``after``."""
    old, new = flatten(before or {}), flatten(after or {})
    return [
        Change(path, old.get(path, ""), new.get(path, ""))
        for path in sorted(old.keys() | new.keys())
        if old.get(path) != new.get(path)
    ]


def version_history(versions: list[dict[str, Any]]) -> list[VersionChanges]:
    """The versions, newest first, each with what changed from the previous one."""
    history = [
        VersionChanges(v, changes_between(versions[i - 1].get("record"), v.get("record")))
        if i
        else VersionChanges(v, [])
        for i, v in enumerate(versions)
    ]
    return list(reversed(history))


async def declaration_detail(
    *, declarations: DeclarationsApi, token: str, declaration_id: str
) -> tuple[dict[str, Any], str, list[VersionChanges]]:
    """A declaration, its ETag and its versions with their changes."""
    declaration, etag = await declarations.declaration(token, declaration_id)
    versions = await declarations.versions(token, declaration_id)
    return declaration, etag, version_history(versions["items"])


def amendable_values(record: dict[str, Any] | None) -> dict[str, str]:
    """The amendable fields of a record as the amend form shows them."""
    record = record or {}
    location = record.get("location") or {}
    values: dict[str, str] = {}
    for name in AMENDABLE:
        value = location.get(name) if name in _LOCATION else record.get(name)
        values[name] = "" if value is None else str(value)
    return values


def merge_patch(current: dict[str, str], typed: dict[str, str]) -> dict[str, Any]:
    """The JSON Merge Patch from the current values to the typed ones (an emptied field
    is removed; lat and lon as numbers where they read as one)."""
    patch: dict[str, Any] = {}
    location: dict[str, Any] = {}
    for name in AMENDABLE:
        if typed.get(name, "") == current.get(name, ""):
            continue
        value: Any = typed.get(name) or None
        if value is not None and name in ("lat", "lon"):
            with contextlib.suppress(ValueError):  # the API names it
                value = float(value.replace(",", "."))
        if name in _LOCATION:
            location[name] = value
        else:
            patch[name] = value
    if location:
        patch["location"] = location
    return patch


def new_request_key() -> str:
    """The Idempotency-Key a form carries: submitting twice stores once."""
    return "console-" + secrets.token_urlsafe(24)


async def log_evidence(
    *, declarations: DeclarationsApi, token: str, declaration_id: str
) -> dict[str, Any]:
    """What a browser needs to check a declaration's current version is in the log:
    the entry's bytes, its inclusion proof in the latest signed checkpoint, the
    checkpoint and the signer's public key (the browser recomputes, the console only
    carries)."""
    declaration, _etag = await declarations.declaration(token, declaration_id)
    index = int(declaration["log_index"])
    entry = await declarations.log_entry(token, index)
    checkpoint = await declarations.checkpoint()
    lines = checkpoint.split("\n")
    tree_size = int(lines[1]) if len(lines) > 1 and lines[1].isdigit() else index + 1
    proof = await declarations.inclusion_proof(index, tree_size)
    return {
        "index": index,
        "record_sha256": declaration["record_sha256"],
        "leaf_input": entry.get("leaf_input"),
        "proof": proof,
        "checkpoint": checkpoint,
        "public_key": (await declarations.log_public_key()).strip(),
    }


async def submitter_name(auth: AuthAdminApi, session: Session, submitted_by: object) -> str:
    """The submitting person's name when auth lets the signed-in person read it (an
    admin of the submitter's organisation, or the operator), else "" (the page names
    the person or API client by id). Asked with the person's own token, never a wider
    one."""
    if not isinstance(submitted_by, dict) or submitted_by.get("type") != "person":
        return ""
    if not session.administers:
        return ""
    try:
        person = await auth.person(session.access_token, str(submitted_by.get("id", "")))
    except ApiProblem as problem:
        if problem.status in (403, 404, 422):
            return ""
        raise
    return str(person.get("name") or "")
