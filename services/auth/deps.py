"""Dependencies shared by the auth service's routers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from services.auth.actors import Actor
from services.auth.administrators import Administrator
from services.auth.people import service as people
from services.auth.settings import AuthSettings
from services.common.database import SessionDep
from services.common.request_context import current_request_id
from services.common.scopes import Scope
from services.common.security import Principal, PrincipalDep, require_scope


def auth_settings(request: Request) -> AuthSettings:
    """The service's settings, as the app factory built them."""
    settings = request.app.state.settings
    assert isinstance(settings, AuthSettings)
    return settings


def request_actor(request: Request) -> Actor:
    """Who is acting (the verified principal, if any) and from which address."""
    principal = getattr(request.state, "principal", None)
    address = request.client.host if request.client else None
    if isinstance(principal, Principal):
        return Actor(
            actor=principal.client_id,
            actor_org=principal.org,
            address=address,
            request_id=current_request_id(),
        )
    return Actor(
        actor="anonymous", actor_org=None, address=address, request_id=current_request_id()
    )


def clients_administrator(session: SessionDep, principal: PrincipalDep) -> Administrator:
    """The caller's authority over API clients (403 unless an organisation's admin person
    or the operator): a role checked on the person, never a scope. The refusal keeps the
    code these routes answered when they were the operator's alone (``insufficient_scope``:
    the ``admin`` scope, or an admin person's role, is missing)."""
    return people.administrator(
        session=session,
        principal=principal,
        refusal="Only an organisation's admin person, or the operator (scope admin),"
        " manages API clients",
        code="insufficient_scope",
    )


SettingsDep = Annotated[AuthSettings, Depends(auth_settings)]
AdminDep = Annotated[Principal, Depends(require_scope(Scope.ADMIN))]
ActorDep = Annotated[Actor, Depends(request_actor)]
ClientsAdministratorDep = Annotated[Administrator, Depends(clients_administrator)]
