"""One error hierarchy, rendered as RFC 9457 ``application/problem+json``.

    AppError                   status, code, title (+ detail, extra members)
    ├── BadRequest             400  bad_request, malformed_json, invalid_cursor, ...
    ├── Unauthorized           401  invalid_token (+ WWW-Authenticate: Bearer)
    ├── Forbidden              403  forbidden, insufficient_scope, outside_tenancy, ...
    ├── NotFound               404  not_found, manifest_not_found, declaration_not_found, ...
    ├── MethodNotAllowed       405  method_not_allowed
    ├── Conflict               409  conflict, organisation_exists, legal_hold_active, ...
    ├── RequestTimeout         408  request_timeout (a body that stalls or crawls)
    ├── PreconditionFailed     412  precondition_failed (If-Match)
    ├── PayloadTooLarge        413  payload_too_large
    ├── UnsupportedMediaType   415  unsupported_media_type
    ├── ValidationFailed       422  validation_failed, undeclared_materiel, ...
    │                               (+ errors: [{loc, msg, type}], every problem)
    ├── PreconditionRequired   428  precondition_required (If-Match missing)
    ├── InternalError          500  internal_error (+ request_id; no internals)
    └── ServiceUnavailable     503  database_unavailable (+ Retry-After),
                                    auth_unavailable, signing_key_unavailable

    BodyRefused                not an AppError: raised from inside a body read,
    ├── BodyTooLarge           past its route's limit, answered as PayloadTooLarge
    └── BodyTooSlow            stalled or too slow, answered as RequestTimeout

Routes raise these (or services do); :mod:`services.common.error_handlers`
turns them, FastAPI's validation errors, Starlette's HTTP errors, a database
that cannot be reached (503, so clients retry) and anything unexpected into
problem documents. :func:`problem_responses` declares them on routes for the
OpenAPI document.
"""

from __future__ import annotations

from collections.abc import Sequence
from http import HTTPStatus
from typing import Any, ClassVar

from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict

from services.common.request_context import current_request_id

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "urn:salw-register:problem:"


class FieldProblem(BaseModel):
    """One problem in a request, located by a dotted path such as ``items[17].serial_number``."""

    loc: str
    msg: str
    type: str | None = None


class Problem(BaseModel):
    """RFC 9457 problem details, as every error response of the register carries."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str | None = None
    code: str
    instance: str | None = None
    request_id: str | None = None
    errors: list[FieldProblem] | None = None


class AppError(Exception):
    """Base of every error the register answers on purpose."""

    status: int = 400
    code: ClassVar[str] = "bad_request"
    title: ClassVar[str] = "Bad request"

    def __init__(
        self,
        detail: str | None = None,
        *,
        code: str | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail
        self.instance_code = code or self.code
        self.headers = headers or {}
        self.extra = extra

    def to_problem(self, request: Request | None = None) -> dict[str, Any]:
        """The problem document for this error."""
        body: dict[str, Any] = {
            "type": PROBLEM_TYPE_BASE + self.instance_code,
            "title": self.title,
            "status": self.status,
            "detail": self.detail or self.title,
            "code": self.instance_code,
        }
        if request is not None:
            body["instance"] = request.url.path
        request_id = current_request_id()
        if request_id:
            body["request_id"] = request_id
        body.update(self.extra)
        return body


class BadRequest(AppError):
    status = 400
    code = "bad_request"
    title = "Bad request"


class Unauthorized(AppError):
    status = 401
    code = "invalid_token"
    title = "Authentication required"

    def __init__(self, detail: str | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("headers", {"WWW-Authenticate": 'Bearer error="invalid_token"'})
        super().__init__(detail, **kwargs)


class Forbidden(AppError):
    status = 403
    code = "forbidden"
    title = "Forbidden"


class NotFound(AppError):
    status = 404
    code = "not_found"
    title = "Not found"


class MethodNotAllowed(AppError):
    status = 405
    code = "method_not_allowed"
    title = "Method not allowed"


class Conflict(AppError):
    status = 409
    code = "conflict"
    title = "Conflict"


class RequestTimeout(AppError):
    status = 408
    code = "request_timeout"
    title = "Request timeout"


class PreconditionFailed(AppError):
    status = 412
    code = "precondition_failed"
    title = "Precondition failed"


class PayloadTooLarge(AppError):
    status = 413
    code = "payload_too_large"
    title = "Payload too large"


class UnsupportedMediaType(AppError):
    status = 415
    code = "unsupported_media_type"
    title = "Unsupported media type"


class ValidationFailed(AppError):
    """422 listing every problem found, not only the first."""

    status = 422
    code = "validation_failed"
    title = "Validation failed"

    def __init__(
        self,
        errors: Sequence[FieldProblem | dict[str, Any]],
        detail: str | None = None,
        **kwargs: Any,
    ) -> None:
        problems = [e if isinstance(e, FieldProblem) else FieldProblem(**e) for e in errors]
        count = len(problems)
        default = f"{count} problem{'s' if count != 1 else ''} found in the request"
        super().__init__(detail or default, **kwargs)
        self.extra["errors"] = [p.model_dump(exclude_none=True) for p in problems]


class InternalError(AppError):
    """500: a bug of ours, logged with its request id; the body reveals no internals."""

    status = 500
    code = "internal_error"
    title = "Internal server error"


class PreconditionRequired(AppError):
    status = 428
    code = "precondition_required"
    title = "Precondition required"


class ServiceUnavailable(AppError):
    status = 503
    code = "service_unavailable"
    title = "Service unavailable"


class BodyRefused(Exception):
    """Raised from inside a body read; FastAPI wraps it in a 400, the handlers unwrap it."""

    def as_problem(self) -> AppError:
        """The problem to answer."""
        raise NotImplementedError


class BodyTooLarge(BodyRefused):
    """Raised while reading a body that passes its route's limit."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"body over {limit} bytes")
        self.limit = limit

    def as_problem(self) -> PayloadTooLarge:
        """The 413 to answer."""
        limit = self.limit
        size = f"{limit / (1024 * 1024):g} MiB" if limit >= 1024 * 1024 else f"{limit / 1024:g} KiB"
        return PayloadTooLarge(f"The body is over the {size} limit of this route")


class BodyTooSlow(BodyRefused):
    """Raised while reading a body whose bytes stopped coming or come too slowly."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    def as_problem(self) -> RequestTimeout:
        """The 408 to answer."""
        return RequestTimeout(f"The request body {self.reason}; nothing was stored")


def problem_response(request: Request | None, error: AppError) -> JSONResponse:
    """Render ``error`` as an RFC 9457 response."""
    return JSONResponse(
        error.to_problem(request),
        status_code=error.status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=error.headers,
    )


def format_loc(loc: Sequence[str | int]) -> str:
    """``("body", "items", 17, "serial_number")`` -> ``items[17].serial_number``."""
    parts = list(loc)
    if parts and parts[0] == "body":
        parts = parts[1:]
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text or "body"


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries documenting problem+json errors on a route."""
    return {
        status: {
            "model": Problem,
            "description": HTTPStatus(status).phrase,
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for status in statuses
    }
