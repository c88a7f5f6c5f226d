"""The time as the auth service sees it: ``app.state.clock`` (tests move it; no sleeps)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request

from services.common.tables import utcnow

Clock = Callable[[], datetime]


def request_now(request: Request) -> datetime:
    """Now, by the app's clock (``utcnow`` unless a test set another)."""
    clock: Clock = getattr(request.app.state, "clock", utcnow)
    return clock()


NowDep = Annotated[datetime, Depends(request_now)]
