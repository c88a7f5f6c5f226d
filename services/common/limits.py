"""Request body limits and content types, enforced before a route runs.

Limits are per path prefix: a small default and generous limits on the bulk
upload routes. A body over its limit is refused with 413 as soon as the
declared length or the bytes read pass it, so a huge upload is never buffered.
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.common.errors import (
    AppError,
    BodyTooLarge,
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


class BodyLimitMiddleware:
    """Refuse bodies over their route's limit (413) or of an unknown type (415)."""

    def __init__(self, app: ASGIApp, *, default_limit: int, limits: Mapping[str, int]) -> None:
        self.app = app
        self.default_limit = default_limit
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
        if error is not None:
            await problem_response(None, error)(scope, receive, send)
            return

        received = 0
        response_started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge as exc:
            if response_started:
                raise
            await problem_response(None, exc.as_problem())(scope, receive, send)
