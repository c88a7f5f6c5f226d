"""One error hierarchy, rendered as RFC 9457 ``application/problem+json``.

    AppError                      status, code, title (+ detail, extra members)
    ├── BadRequest                400  (malformed_json, invalid_cursor, ...)
    ├── Unauthorized              401  invalid_token
    ├── Forbidden                 403  forbidden
    ├── NotFound                  404  not_found
    ├── Conflict                  409  conflict / retention_active / ...
    ├── PreconditionFailed        412  precondition_failed
    ├── PayloadTooLarge           413  payload_too_large
    ├── UnsupportedMediaType      415  unsupported_media_type
    ├── ValidationFailed          422  validation_failed (+ errors: [{loc, msg}])
    ├── PreconditionRequired      428  precondition_required
    ├── RateLimited               429  rate_limited (+ Retry-After)
    └── ServiceUnavailable        503  database_unavailable (+ Retry-After), auth_unavailable

Routes raise these (or services do); :func:`install_error_handlers` turns them,
FastAPI's validation errors, Starlette's HTTP errors, a database that cannot be
reached (503, so clients retry) and anything unexpected into problem documents.
Unexpected errors are logged with the request id and answered 500 without
internals.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from sqlalchemy.exc import DataError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from services.common.request_context import current_request_id

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "urn:salw-register:problem:"
logger = logging.getLogger("salw.errors")


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


class RateLimited(AppError):
    status = 429
    code = "rate_limited"
    title = "Too many requests"

    def __init__(self, retry_after: int, detail: str | None = None) -> None:
        super().__init__(detail, headers={"Retry-After": str(retry_after)})


class ServiceUnavailable(AppError):
    status = 503
    code = "service_unavailable"
    title = "Service unavailable"


class BodyTooLarge(Exception):
    """Raised while reading a body that passes its route's limit."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"body over {limit} bytes")
        self.limit = limit

    def as_problem(self) -> PayloadTooLarge:
        """The 413 to answer."""
        limit = self.limit
        size = f"{limit / (1024 * 1024):g} MiB" if limit >= 1024 * 1024 else f"{limit / 1024:g} KiB"
        return PayloadTooLarge(f"The body is over the {size} limit of this route")


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


_STATUS_CODES = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    405: MethodNotAllowed,
    409: Conflict,
    412: PreconditionFailed,
    413: PayloadTooLarge,
    415: UnsupportedMediaType,
    428: PreconditionRequired,
}


def _http_error(exc: StarletteHTTPException) -> AppError:
    # FastAPI wraps failures while reading a body in a 400; unwrap ours.
    if isinstance(exc.__cause__, BodyTooLarge):
        return exc.__cause__.as_problem()
    cls = _STATUS_CODES.get(exc.status_code)
    detail: str | None = exc.detail if isinstance(exc.detail, str) else None
    if cls is not None:
        if detail == HTTPStatus(exc.status_code).phrase:
            detail = None
        error: AppError = cls(detail, headers=dict(exc.headers or {}))
        return error
    generic = AppError(detail, headers=dict(exc.headers or {}))
    generic.status = exc.status_code
    generic.instance_code = HTTPStatus(exc.status_code).phrase.lower().replace(" ", "_")
    return generic


def _is_json_request(request: Request) -> bool:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


def validation_error(request: Request, exc: RequestValidationError) -> AppError:
    """Turn FastAPI's validation error into ours, with every problem located."""
    raw = list(exc.errors())
    if any(e.get("type") == "json_invalid" for e in raw):
        first = next(e for e in raw if e.get("type") == "json_invalid")
        ctx = first.get("ctx") or {}
        reason = ctx.get("error", "invalid JSON")
        return BadRequest(f"The request body is not valid JSON: {reason}", code="malformed_json")
    body_shape = {"model_attributes_type", "dict_type", "model_type", "list_type"}
    content_type = request.headers.get("content-type")
    if (
        content_type
        and not _is_json_request(request)
        and any(e.get("type") in body_shape and tuple(e.get("loc", ())) == ("body",) for e in raw)
    ):
        return UnsupportedMediaType(
            f"Send the body as application/json, not {content_type.split(';')[0]}"
        )
    problems = []
    for error in raw:
        msg = str(error.get("msg", "invalid"))
        problems.append(
            FieldProblem(loc=format_loc(error.get("loc", ())), msg=msg, type=error.get("type"))
        )
    return ValidationFailed(problems)


_VALUE_REFUSED = (
    "a value cannot be stored: text with a NUL character (U+0000), or text or a number"
    " beyond what the register holds"
)


def install_error_handlers(app: FastAPI) -> None:
    """Route every error through the problem renderer."""

    async def on_app_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, AppError)
        return problem_response(request, exc)

    async def on_validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return problem_response(request, validation_error(request, exc))

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        return problem_response(request, _http_error(exc))

    async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
        request_id = current_request_id() or getattr(request.state, "request_id", None)
        logger.error(
            "unhandled error",
            exc_info=exc,
            extra={"request_id": request_id, "path": request.url.path},
        )
        error = InternalError(
            "An unexpected error occurred; quote the request id when reporting it.",
            request_id=request_id,
            headers={"X-Request-ID": request_id} if request_id else None,
        )
        return problem_response(request, error)

    async def on_value_refused(request: Request, exc: Exception) -> JSONResponse:
        # The database refused a value the API let through (a NUL character in a
        # body string on PostgreSQL, a number beyond a column's range): the
        # client's data, not our fault, and nothing was stored (the session rolled back).
        logger.warning(
            "database refused a value",
            extra={"request_id": current_request_id(), "path": request.url.path},
        )
        error = ValidationFailed(
            [FieldProblem(loc="body", msg=_VALUE_REFUSED, type="value_refused")],
            detail="The database refused a value in the request; nothing was stored.",
        )
        return problem_response(request, error)

    async def on_database_unavailable(request: Request, exc: Exception) -> JSONResponse:
        # Connection refused or cut, server shutting down, pool exhausted: transient,
        # and nothing was committed (the session rolls back), so the client may retry.
        logger.warning(
            "database unavailable",
            extra={"request_id": current_request_id(), "path": request.url.path},
        )
        error = ServiceUnavailable(
            "The database is unavailable or busy; nothing was stored. Retry shortly.",
            code="database_unavailable",
            headers={"Retry-After": "5"},
        )
        return problem_response(request, error)

    async def on_too_large(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, BodyTooLarge)
        return problem_response(request, exc.as_problem())

    app.add_exception_handler(AppError, on_app_error)
    app.add_exception_handler(BodyTooLarge, on_too_large)
    app.add_exception_handler(OperationalError, on_database_unavailable)
    app.add_exception_handler(DataError, on_value_refused)
    app.add_exception_handler(PoolTimeout, on_database_unavailable)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(Exception, on_unexpected)


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
