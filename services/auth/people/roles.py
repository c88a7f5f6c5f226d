"""Roles a person may hold, by type of organisation, and the scopes each role gives.

This table is in docs/operator.md, "People and sign-in in detail". Managing one's own
organisation's people is checked by role (``admin`` of that organisation), never by a
scope that would cross organisations; ``admin`` scope is the operator's alone.
"""

from __future__ import annotations

from typing import Final, Literal

from services.common.scopes import Scope

Role = Literal["admin", "editor", "reader", "analyst"]
ROLE_VALUES: Final = ("admin", "editor", "reader", "analyst")

_WRITER = (Scope.MANIFESTS_WRITE, Scope.DECLARATIONS_WRITE, Scope.REGISTER_READ)

ROLE_SCOPES: Final[dict[str, dict[str, tuple[Scope, ...]]]] = {
    "member_state": {
        "admin": _WRITER,
        "editor": _WRITER,
        "reader": (Scope.REGISTER_READ,),
    },
    "secretariat": {
        # Legal holds are open to a secretariat holding register:read; triaging alerts
        # needs alerts:triage, which readers do not hold.
        "admin": (Scope.REGISTER_READ, Scope.ALERTS_TRIAGE),
        "analyst": (Scope.REGISTER_READ, Scope.ALERTS_TRIAGE),
        "reader": (Scope.REGISTER_READ,),
    },
    "operator": {"admin": (Scope.ADMIN,)},
}


def roles_of(org_type: str) -> tuple[str, ...]:
    """The roles people of this type of organisation may hold."""
    return tuple(ROLE_SCOPES.get(org_type, {}))


def scopes_of(org_type: str, role: str) -> tuple[Scope, ...]:
    """The scopes a person's token carries; empty for a pair that is not allowed."""
    return ROLE_SCOPES.get(org_type, {}).get(role, ())
