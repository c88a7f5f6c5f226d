"""Dependencies shared by the registry's routers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request

from services.common.request_context import current_request_id
from services.common.scopes import Scope
from services.common.security import Principal, PrincipalDep, require_scope
from services.registry.reference.trail import ChangeActor
from services.registry.settings import RegistrySettings

Clock = Callable[[], datetime]

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


def system_clock() -> datetime:
    """Now, in UTC. Tests replace ``app.state.clock`` to move past trace deadlines."""
    return datetime.now(UTC)


def now(request: Request) -> datetime:
    """The registry's notion of now (``app.state.clock``)."""
    clock: Clock = getattr(request.app.state, "clock", system_clock)
    return clock()


NowDep = Annotated[datetime, Depends(now)]
"""Now, from the app's clock."""


def registry_settings(request: Request) -> RegistrySettings:
    """The running service's settings."""
    settings: RegistrySettings = request.app.state.settings
    return settings


SettingsDep = Annotated[RegistrySettings, Depends(registry_settings)]
"""The registry's settings."""
