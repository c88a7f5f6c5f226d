"""Request dependencies of the declarations service, each alias declared once here.

Who the caller is (``WriterDep``, ``AdminDep``), which declarations it sees
(``KnownDep``, ``RetentionVisibleDep``, ``HoldVisibleDep``), and what the app factory set up: the
clock, the log's signer, the registry's missions, the settings, the index relay.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request

from services.common.scopes import Scope
from services.common.security import Principal, require_scope
from services.declarations.declarations.access import (
    Visibility,
    hold_visibility,
    known_declarations,
    retention_visibility,
)
from services.declarations.index_feed.relay import IndexRelay
from services.declarations.log.service import LogContext
from services.declarations.missions import MissionDirectory
from services.declarations.settings import DeclarationsSettings

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """Now, in UTC. Tests replace ``app.state.clock`` to move through retention periods."""
    return datetime.now(UTC)


def now(request: Request) -> datetime:
    """The service's notion of now (``app.state.clock``)."""
    clock: Clock = request.app.state.clock
    return clock()


def log_context(request: Request) -> LogContext:
    """The log's signer and origin, loaded once at startup."""
    context: LogContext = request.app.state.log
    return context


def missions(request: Request) -> MissionDirectory:
    """The registry's mission directory, reached over HTTP."""
    directory: MissionDirectory = request.app.state.missions
    return directory


def declarations_settings(request: Request) -> DeclarationsSettings:
    """The service's settings, as the app factory built them."""
    settings: DeclarationsSettings = request.app.state.settings
    return settings


def index_relay(request: Request) -> IndexRelay:
    """The relay feeding the registry's weapon index, started with the app."""
    relay: IndexRelay = request.app.state.index_relay
    return relay


WriterDep = Annotated[Principal, Depends(require_scope(Scope.DECLARATIONS_WRITE))]
AdminDep = Annotated[Principal, Depends(require_scope(Scope.ADMIN))]
KnownDep = Annotated[Visibility, Depends(known_declarations)]
RetentionVisibleDep = Annotated[Visibility, Depends(retention_visibility)]
HoldVisibleDep = Annotated[Visibility, Depends(hold_visibility)]
NowDep = Annotated[datetime, Depends(now)]
LogDep = Annotated[LogContext, Depends(log_context)]
MissionsDep = Annotated[MissionDirectory, Depends(missions)]
SettingsDep = Annotated[DeclarationsSettings, Depends(declarations_settings)]
IndexRelayDep = Annotated[IndexRelay, Depends(index_relay)]
