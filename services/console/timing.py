"""``Server-Timing`` for the console's pages (off unless ``CONSOLE_TIMING_HEADER=true``).

Each response then carries ``Server-Timing: api;dur=<ms>, total;dur=<ms>``: ``api`` is
the wall time during which at least one call to the APIs was in flight (calls made at
once count once), ``total`` the time from the request's arrival to its response
headers. ``total - api`` is the console's own work on the page: sessions, templates,
translation. Browsers' developer tools show both; the bench prints them per page.

Off by default: the header tells anyone who can open a page how long the APIs took,
which is for operators measuring, not for every visitor.
"""

from __future__ import annotations

import time
from contextvars import ContextVar
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send


@dataclass
class ApiClock:
    """The wall time a request spent waiting for the APIs (overlapping calls once)."""

    busy_seconds: float = 0.0
    calls: int = 0
    _in_flight: int = 0
    _since: float = 0.0

    def started(self) -> None:
        """A call to an API began."""
        if self._in_flight == 0:
            self._since = time.perf_counter()
        self._in_flight += 1
        self.calls += 1

    def ended(self) -> None:
        """A call to an API ended (answered or failed)."""
        self._in_flight -= 1
        if self._in_flight == 0:
            self.busy_seconds += time.perf_counter() - self._since


# The clock of the request being served; None when timing is off (nothing is counted).
current_api_clock: ContextVar[ApiClock | None] = ContextVar("console_api_clock", default=None)


class ServerTimingMiddleware:
    """Adds ``Server-Timing: api;dur=…, total;dur=…`` to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        clock = ApiClock()
        token = current_api_clock.set(clock)

        async def send_with_timing(message: Message) -> None:
            if message["type"] == "http.response.start":
                total_ms = (time.perf_counter() - started) * 1000
                value = (
                    f'api;dur={clock.busy_seconds * 1000:.1f};desc="{clock.calls} calls",'
                    f" total;dur={total_ms:.1f}"
                )
                headers = list(message.get("headers", []))
                headers.append((b"server-timing", value.encode("ascii")))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_timing)
        finally:
            current_api_clock.reset(token)
