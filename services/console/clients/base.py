"""What the three API clients share: one httpx client each, the person's token, problems.

Exceptions::

    ApiError            the API could not be reached or answered nonsense (a 502 page)
    └── ApiProblem      the API answered with an RFC 9457 problem (status, code, errors)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

from services.console.timing import current_api_clock


@dataclass(frozen=True)
class FieldProblem:
    """One located problem of a refused request (``loc``, ``msg``, optional ``type``)."""

    loc: str
    msg: str
    type: str | None = None


class ApiError(Exception):
    """An API call failed without a usable answer."""

    def __init__(self, detail: str, status: int = 502) -> None:
        super().__init__(detail)
        self.detail = detail
        self.status = status


@dataclass
class ApiProblem(ApiError):
    """The API refused the request with a problem document."""

    status: int
    code: str
    title: str
    detail: str
    errors: list[FieldProblem] = field(default_factory=list)

    def __post_init__(self) -> None:
        Exception.__init__(self, self.detail)

    @classmethod
    def from_response(cls, response: httpx.Response) -> ApiProblem:
        """The problem a response carries (a bare status when it is not a problem)."""
        try:
            body = response.json()
        except ValueError:
            body = {}
        if not isinstance(body, dict):
            body = {}
        errors = [
            FieldProblem(str(e.get("loc", "")), str(e.get("msg", "")), e.get("type"))
            for e in body.get("errors") or []
            if isinstance(e, dict)
        ]
        return cls(
            status=response.status_code,
            code=str(body.get("code", "")),
            title=str(body.get("title", "")),
            detail=str(body.get("detail") or body.get("title") or response.reason_phrase),
            errors=errors,
        )


class ServiceClient:
    """An API of the register reached with the signed-in person's token."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def request(
        self, method: str, path: str, token: str | None, **options: Any
    ) -> httpx.Response:
        """The response to one call; problems (4xx/5xx) raise :class:`ApiProblem`."""
        headers = dict(options.pop("headers", None) or {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        clock = current_api_clock.get()  # None unless CONSOLE_TIMING_HEADER is on
        if clock is not None:
            clock.started()
        try:
            response = await self.http.request(method, path, headers=headers, **options)
        except httpx.HTTPError as error:
            raise ApiError(f"{path}: {type(error).__name__}") from error
        finally:
            if clock is not None:
                clock.ended()
        if response.status_code >= 400:
            raise ApiProblem.from_response(response)
        return response

    async def get_json(
        self, path: str, token: str, params: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """GET a JSON object."""
        clean = {k: v for k, v in (params or {}).items() if v not in (None, "")}
        response = await self.request("GET", path, token, params=clean)
        body = response.json()
        if not isinstance(body, dict):
            raise ApiError(f"{path} did not return a JSON object")
        return body

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self.http.aclose()
