"""The handlers that answer every error as an RFC 9457 problem document.

:func:`install_error_handlers` routes the register's own errors
(:mod:`services.common.errors`), FastAPI's validation errors (every problem
located), Starlette's HTTP errors, values the database refuses (422), a database
that cannot be reached (503, so clients retry) and anything unexpected (logged
with the request id, answered 500 without internals) through one renderer.
"""

from __future__ import annotations

import logging
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from services.common.errors import (
    AppError,
    BadRequest,
    BodyRefused,
    Conflict,
    FieldProblem,
    Forbidden,
    InternalError,
    MethodNotAllowed,
    NotFound,
    PayloadTooLarge,
    PreconditionFailed,
    PreconditionRequired,
    ServiceUnavailable,
    Unauthorized,
    UnsupportedMediaType,
    ValidationFailed,
    format_loc,
    problem_response,
)
from services.common.request_context import current_request_id

logger = logging.getLogger("salw.errors")

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
    if isinstance(exc.__cause__, BodyRefused):
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

    async def on_body_refused(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, BodyRefused)
        return problem_response(request, exc.as_problem())

    app.add_exception_handler(AppError, on_app_error)
    app.add_exception_handler(BodyRefused, on_body_refused)
    app.add_exception_handler(OperationalError, on_database_unavailable)
    app.add_exception_handler(DataError, on_value_refused)
    app.add_exception_handler(PoolTimeout, on_database_unavailable)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(Exception, on_unexpected)
