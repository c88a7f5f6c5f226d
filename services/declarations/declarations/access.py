"""Which declarations a caller may know exist, and may change.

The contract: 404 for objects the caller may not know exist; 403 for writes
the caller may not make. So a write first looks the declaration up among
those the caller may know of (404 beyond them), then checks that the caller
may change it (403), and only then checks the declaration's state (409, 412).
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from services.common.errors import Forbidden
from services.common.scopes import Scope
from services.common.security import Principal, PrincipalDep, ReadScope, read_scope
from services.declarations.declarations.repository import DeclarationRow

_NOTHING = ReadScope(everything=False, periods=())
_EVERYTHING = ReadScope(everything=True, periods=())


@dataclass(frozen=True)
class Visibility:
    """Declarations a caller sees: what ``scope`` lets it read and, when ``own_country``
    is set, every declaration of that country whatever its date."""

    scope: ReadScope
    own_country: str | None = None


async def known_declarations(request: Request, principal: PrincipalDep) -> Visibility:
    """Declarations the caller may know exist: a member state's own and whatever it may read."""
    own = (principal.country or "") if principal.org_type == "member_state" else None
    if principal.has_scope(Scope.REGISTER_READ):
        return Visibility(await read_scope(request, principal), own_country=own)
    return Visibility(_NOTHING, own_country=own)


async def retention_visibility(request: Request, principal: PrincipalDep) -> Visibility:
    """Declarations the caller may act on for retention (holds, disposal).

    The operator administers retention for the whole register; a member state
    its own declarations; a secretariat what it may read.
    """
    if principal.org_type == "operator":
        return Visibility(_EVERYTHING)
    if principal.org_type == "member_state":
        return Visibility(_NOTHING, own_country=principal.country or "")
    return Visibility(await read_scope(request, principal))


async def hold_visibility(request: Request, principal: PrincipalDep) -> Visibility:
    """Declarations whose holds the caller may see, place and lift.

    As for retention, except that the operator sees holds only with
    ``register:read``: without it, holds are register data like any other (404).
    """
    if principal.org_type == "operator" and not principal.has_scope(Scope.REGISTER_READ):
        return Visibility(_NOTHING)
    return await retention_visibility(request, principal)


def is_declaring_state(principal: Principal, row: DeclarationRow) -> bool:
    """True when the caller is the declaring state's ministry with the write scope."""
    return (
        principal.org_type == "member_state"
        and principal.country == row.declaring_country
        and principal.has_scope(Scope.DECLARATIONS_WRITE)
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
    operator = principal.org_type == "operator" and principal.has_scope(Scope.ADMIN)
    if not (operator or is_declaring_state(principal, row)):
        raise Forbidden(
            "Disposal is for the declaring state or the operator", code="disposal_not_allowed"
        )
