"""Which declarations a caller may know exist, and may change.

The contract: 404 for objects the caller may not know exist; 403 for writes
the caller may not make. So a write first looks the declaration up among
those the caller may know of (404 beyond them), then checks that the caller
may change it (403), and only then checks the declaration's state (409, 412).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import ColumnElement, false, or_, true

from services.common.errors import Forbidden
from services.common.security import Principal, PrincipalDep, read_scope
from services.declarations.declarations.repository import DeclarationRow, readable_clause_columns
from services.declarations.models import declarations


async def known_declarations(request: Request, principal: PrincipalDep) -> ColumnElement[bool]:
    """Declarations the caller may know exist: a member state's own and whatever it may read."""
    clauses: list[ColumnElement[bool]] = []
    if principal.org_type == "member_state":
        clauses.append(declarations.c.declaring_country == (principal.country or ""))
    if principal.has_scope("register:read"):
        scope = await read_scope(request, principal)
        clauses.append(scope.clause(*readable_clause_columns()))
    return or_(*clauses) if clauses else false()


async def retention_visibility(request: Request, principal: PrincipalDep) -> ColumnElement[bool]:
    """Declarations the caller may act on for retention (holds, disposal).

    The operator administers retention for the whole register; a member state
    its own declarations; a secretariat what it may read.
    """
    if principal.org_type == "operator":
        return true()
    if principal.org_type == "member_state":
        return declarations.c.declaring_country == (principal.country or "")
    scope = await read_scope(request, principal)
    return scope.clause(*readable_clause_columns())


KnownDep = Annotated[ColumnElement[Any], Depends(known_declarations)]
RetentionVisibleDep = Annotated[ColumnElement[Any], Depends(retention_visibility)]


def is_declaring_state(principal: Principal, row: DeclarationRow) -> bool:
    """True when the caller is the declaring state's ministry with the write scope."""
    return (
        principal.org_type == "member_state"
        and principal.country == row.declaring_country
        and principal.has_scope("declarations:write")
    )


def require_declaring_state(principal: Principal, row: DeclarationRow) -> None:
    """Amendments are the declaring state's alone: 403 for anyone else who knows the record."""
    if not is_declaring_state(principal, row):
        raise Forbidden(
            f"Only {row.declaring_country}'s own ministry may amend its declarations",
            code="outside_tenancy",
        )


def require_disposer(principal: Principal, row: DeclarationRow) -> None:
    """Disposal is for the declaring state or the operator (``admin``): 403 for others."""
    operator = principal.org_type == "operator" and principal.has_scope("admin")
    if not (operator or is_declaring_state(principal, row)):
        raise Forbidden(
            "Disposal is for the declaring state or the operator", code="disposal_not_allowed"
        )
