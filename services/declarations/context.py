"""Request dependencies of the declarations service: clock, log context, missions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request

from services.declarations.log.service import LogContext
from services.declarations.missions import MissionDirectory

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


NowDep = Annotated[datetime, Depends(now)]
LogDep = Annotated[LogContext, Depends(log_context)]
MissionsDep = Annotated[MissionDirectory, Depends(missions)]
