"""Declaring in bulk: up to 1,000 declarations in one request, all stored or none.

Each document is checked exactly as a single declaration is; every problem
of every document is reported at once, located from the batch
(``declarations[3].items[2]``). Stored through the same write path as one
declaration, the batch costs one log lock, one append of all its leaves and
one signed checkpoint.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from services.common.errors import AppError, Conflict, Forbidden, ValidationFailed
from services.common.security import Principal
from services.declarations.declarations.checks import CheckedDocument, check_document
from services.declarations.declarations.intake import new_declaration, store_new_declarations
from services.declarations.declarations.schemas import DeclarationDocument
from services.declarations.declarations.views import BatchCreated
from services.declarations.log.service import LogContext


def require_own_countries(principal: Principal, documents: Sequence[DeclarationDocument]) -> None:
    """A member state declares only for itself: 403 naming every document that is not its own."""
    own = principal.country if principal.org_type == "member_state" else None
    outside = [
        {
            "loc": f"declarations[{position}].declaring_country",
            "msg": f"only {document.declaring_country}'s own ministry may declare for it",
        }
        for position, document in enumerate(documents)
        if document.declaring_country != own
    ]
    if outside:
        raise Forbidden(
            f"{len(outside)} declaration(s) are for another country than the caller's",
            code="outside_tenancy",
            errors=outside,
        )


def _located(where: str, error: AppError) -> list[dict[str, Any]]:
    problems: list[dict[str, Any]] = error.extra.get("errors") or [{"loc": "", "msg": error.detail}]
    return [{**p, "loc": f"{where}.{p['loc']}" if p["loc"] else where} for p in problems]


def _destroyed_twice_in_batch(
    checked: Sequence[tuple[int, CheckedDocument]],
) -> list[dict[str, Any]]:
    first_seen: dict[str, str] = {}
    problems = []
    for position, document in checked:
        if document.document.type != "destruction":
            continue
        for index, identity in enumerate(document.identities):
            if not identity.unique:
                continue
            loc = f"declarations[{position}].items[{index}]"
            if identity.match_key in first_seen:
                problems.append(
                    {
                        "loc": loc,
                        "msg": f"also destroyed by {first_seen[identity.match_key]} in this batch",
                        "type": "already_destroyed",
                    }
                )
            else:
                first_seen[identity.match_key] = loc
    return problems


def check_batch(
    session: Session,
    *,
    documents: Sequence[DeclarationDocument],
    today: date,
    missions_known: Mapping[str, bool],
) -> list[CheckedDocument]:
    """Check every document; 422 listing every problem, or 409 when only destroyed-twice remain."""
    problems: list[dict[str, Any]] = []
    conflicts: list[dict[str, Any]] = []
    checked: list[tuple[int, CheckedDocument]] = []
    for position, document in enumerate(documents):
        where = f"declarations[{position}]"
        known = None if document.mission is None else missions_known.get(document.mission)
        try:
            checked.append(
                (
                    position,
                    check_document(session, document=document, today=today, mission_known=known),
                )
            )
        except ValidationFailed as exc:
            problems += _located(where, exc)
        except Conflict as exc:
            conflicts += [{**p, "type": exc.instance_code} for p in _located(where, exc)]
    conflicts += _destroyed_twice_in_batch(checked)
    if problems:
        only_undeclared = all(p.get("type") == "undeclared_materiel" for p in problems)
        raise ValidationFailed(
            problems + conflicts,
            detail=f"{len(problems) + len(conflicts)} problem(s) in the batch; nothing was stored",
            code="undeclared_materiel" if only_undeclared and not conflicts else None,
        )
    if conflicts:
        raise Conflict(
            f"{len(conflicts)} item(s) were already destroyed; nothing was stored",
            code="already_destroyed",
            errors=conflicts,
        )
    return [document for _, document in checked]


def create_batch(
    session: Session,
    *,
    principal: Principal,
    documents: Sequence[DeclarationDocument],
    missions_known: Mapping[str, bool],
    now: datetime,
    log_context: LogContext,
    retention_years: int,
) -> BatchCreated:
    """Check, store and log version 1 of every document, all or none."""
    checked = check_batch(
        session, documents=documents, today=now.date(), missions_known=missions_known
    )
    new = []
    for position, document in enumerate(checked):
        try:
            new.append(
                new_declaration(document, declared_on=now.date(), retention_years=retention_years)
            )
        except ValidationFailed as exc:
            raise ValidationFailed(_located(f"declarations[{position}]", exc)) from exc
    created = store_new_declarations(
        session, principal=principal, declarations=new, now=now, log_context=log_context
    )
    return BatchCreated(items=created, tree_size=created[-1].log_index + 1)
