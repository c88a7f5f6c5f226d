"""Dependencies shared by the registry's routers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from services.common.request_context import current_request_id
from services.common.scopes import Scope
from services.common.security import Principal, PrincipalDep, require_scope
from services.registry.reference.trail import ChangeActor

WriterDep = Annotated[Principal, Depends(require_scope(Scope.MANIFESTS_WRITE))]
"""A caller whose token carries ``manifests:write`` (manifests and loss reports)."""


def change_actor(request: Request, principal: PrincipalDep) -> ChangeActor:
    """Who is changing reference data, as the trail records it."""
    return ChangeActor(
        actor=principal.client_id,
        actor_org=principal.org,
        address=request.client.host if request.client else None,
        request_id=current_request_id(),
    )


ChangeActorDep = Annotated[ChangeActor, Depends(change_actor)]
"""The caller of a change to missions or embargoes, for the reference trail."""
