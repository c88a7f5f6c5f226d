"""The console's calls to the registry's tracing cases, trace requests and statistics.

Functions over the registry's client (rather than methods on it) so that each page
family's calls stay in one small module.
"""

from __future__ import annotations

from typing import Any

from services.console.clients.base import ApiError, ServiceClient

CASES = "/registry/v1/cases"
REQUESTS = "/registry/v1/trace-requests"
STATISTICS = "/registry/v1/statistics"


async def post_json(
    registry: ServiceClient,
    path: str,
    token: str,
    body: dict[str, Any],
    *,
    idempotency_key: str | None = None,
) -> dict[str, Any]:
    """POST a JSON body; the answer's JSON object (a refusal raises ApiProblem)."""
    headers = {"Idempotency-Key": idempotency_key} if idempotency_key else None
    response = await registry.request("POST", path, token, json=body, headers=headers)
    answer = response.json()
    if not isinstance(answer, dict):
        raise ApiError(f"{path} did not return a JSON object")
    return answer


async def cases(registry: ServiceClient, token: str, **page: Any) -> dict[str, Any]:
    """A page of the cases the person's organisation owns or was shared."""
    return await registry.get_json(CASES, token, page)


async def case(registry: ServiceClient, token: str, case_id: str) -> dict[str, Any]:
    """A case with its items, shares and trace requests (404 problem if not readable)."""
    return await registry.get_json(f"{CASES}/{case_id}", token)


async def trace_request(registry: ServiceClient, token: str, request_id: str) -> dict[str, Any]:
    """A trace request with its history."""
    return await registry.get_json(f"{REQUESTS}/{request_id}", token)


async def trace_requests(registry: ServiceClient, token: str, **filters: Any) -> dict[str, Any]:
    """A page of the trace requests of the cases the organisation reads (status, overdue)."""
    return await registry.get_json(REQUESTS, token, filters)


async def download(registry: ServiceClient, token: str, path: str) -> tuple[bytes, str]:
    """A file the registry serves (PDF, answer file): its bytes and Content-Disposition."""
    response = await registry.request("GET", path, token)
    return response.content, response.headers.get("content-disposition", "")


async def statistics(registry: ServiceClient, token: str, **filters: Any) -> dict[str, Any]:
    """Counts per group, DDR people figures and traced weapons."""
    return await registry.get_json(STATISTICS, token, filters)


async def locations(registry: ServiceClient, token: str, **filters: Any) -> dict[str, Any]:
    """The places of declarations and losses, as a GeoJSON FeatureCollection."""
    return await registry.get_json(f"{STATISTICS}/locations.geojson", token, filters)
