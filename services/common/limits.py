"""Request body limits and content types, enforced before a route runs.

Limits are per path prefix: a small default and generous limits on the bulk
upload routes. A body over its limit is refused with 413 as soon as the
declared length or the bytes read pass it, so a huge upload is never buffered.

Before answering a refusal, the rest of the body is read and thrown away, up to
``drain_max_bytes`` and ``drain_seconds``: ordinary clients (urllib, requests)
send the whole body before they read, and a server that answers and closes while
they are still sending resets the connection, so they would see "connection
reset" instead of the 413. Past either bound (or when the declared length alone
passes it) the answer goes at once; a client waiting on ``Expect: 100-continue``
has sent nothing and is not asked to. Refusals carry ``Connection: close``.

A body must also keep coming: a read that waits more than ``idle_seconds`` for
the next bytes, or a body that after ``idle_seconds`` averages less than
``min_bytes_per_second``, is answered 408 (``request_timeout``) and the
connection closed, so a client dripping a byte at a time cannot hold a worker,
a connection and (on SQLite) the write gate for ever. The defaults, 60 s and
256 bytes/s, let a 100 MiB upload through a 64 kbit/s satellite link.
"""

from __future__ import annotations

from collections.abc import Mapping

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.common.errors import (
    AppError,
    BodyRefused,
    BodyTooLarge,
    BodyTooSlow,
    UnsupportedMediaType,
    problem_response,
)

ACCEPTED_BODY_TYPES = (
    "application/json",
    "multipart/form-data",
    "application/x-www-form-urlencoded",
    "application/merge-patch+json",
)
_BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
DRAIN_MAX_BYTES = 256 * 1024 * 1024
DRAIN_SECONDS = 30.0
IDLE_SECONDS = 60.0
MIN_BYTES_PER_SECOND = 256


async def _drain(receive: Receive, *, max_bytes: int, seconds: float) -> None:
    """Read and discard the rest of a request body, up to ``max_bytes`` and ``seconds``."""
    drained = 0
    with anyio.move_on_after(seconds):
        while drained < max_bytes:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            drained += len(message.get("body", b""))
            if not message.get("more_body", False):
                return


def _closing(send: Send) -> Send:
    """``send`` adding ``Connection: close`` to the response head."""

    async def closing_send(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = [h for h in message.get("headers", []) if h[0].lower() != b"connection"]
            message = {**message, "headers": [*headers, (b"connection", b"close")]}
        await send(message)

    return closing_send


class BodyLimitMiddleware:
    """Refuse bodies over their route's limit (413) or of an unknown type (415)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        default_limit: int,
        limits: Mapping[str, int],
        drain_max_bytes: int = DRAIN_MAX_BYTES,
        drain_seconds: float = DRAIN_SECONDS,
        idle_seconds: float = IDLE_SECONDS,
        min_bytes_per_second: int = MIN_BYTES_PER_SECOND,
    ) -> None:
        self.app = app
        self.default_limit = default_limit
        self.drain_max_bytes = drain_max_bytes
        self.drain_seconds = drain_seconds
        self.idle_seconds = idle_seconds
        self.min_bytes_per_second = min_bytes_per_second
        # Longest prefix wins.
        self.limits = sorted(limits.items(), key=lambda kv: len(kv[0]), reverse=True)

    def limit_for(self, path: str) -> int:
        """The body limit that applies to ``path``."""
        for prefix, limit in self.limits:
            if path.startswith(prefix):
                return limit
        return self.default_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _BODY_METHODS:
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        limit = self.limit_for(scope["path"])
        error: AppError | None = None
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            error = BodyTooLarge(limit).as_problem()
        has_body = (declared is not None and declared not in (b"", b"0")) or (
            b"transfer-encoding" in headers
        )
        content_type = headers.get(b"content-type", b"").decode("latin-1").split(";")[0].strip()
        if error is None and has_body and content_type:
            media = content_type.lower()
            if not (media in ACCEPTED_BODY_TYPES or media.endswith("+json")):
                error = UnsupportedMediaType(
                    f"Unsupported content type {content_type!r}; send application/json"
                    " (or multipart/form-data for file uploads)"
                )
        waits_to_send = headers.get(b"expect", b"").lower() == b"100-continue"
        if error is not None:
            length = int(declared) if declared is not None and declared.isdigit() else 0
            if has_body and not waits_to_send and length <= self.drain_max_bytes:
                await _drain(receive, max_bytes=self.drain_max_bytes, seconds=self.drain_seconds)
            await problem_response(None, error)(scope, receive, _closing(send))
            return

        received = 0
        body_ended = not has_body
        refused: BodyRefused | None = None
        response_started = False
        started: float | None = None  # when the app first asked for the body

        async def limited_receive() -> Message:
            nonlocal received, body_ended, refused, started
            if body_ended:
                return await receive()  # the body is read: this waits for a disconnect
            if started is None:
                started = anyio.current_time()
            with anyio.move_on_after(self.idle_seconds) as idle:
                message = await receive()
            if idle.cancelled_caught:
                refused = BodyTooSlow(f"sent nothing for {self.idle_seconds:g} s")
                raise refused
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                body_ended = not message.get("more_body", False)
                if received > limit:
                    refused = BodyTooLarge(limit)
                    raise refused
                elapsed = anyio.current_time() - started
                if (
                    not body_ended
                    and elapsed > self.idle_seconds
                    and received < self.min_bytes_per_second * elapsed
                ):
                    refused = BodyTooSlow(
                        f"came at under {self.min_bytes_per_second} bytes a second"
                    )
                    raise refused
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
                if refused is not None:  # the 413 or 408 the app's handlers made of it
                    if isinstance(refused, BodyTooLarge) and not body_ended:
                        await _drain(
                            receive, max_bytes=self.drain_max_bytes, seconds=self.drain_seconds
                        )
                    await _closing(send)(message)
                    return
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyRefused as exc:
            if response_started:
                raise
            await problem_response(None, exc.as_problem())(scope, receive, tracking_send)
