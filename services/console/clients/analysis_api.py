"""The console's calls to the registry's trace and alert triage APIs, with the person's
token. Changes of an alert's status or assignee carry the ETag it was read with."""

from __future__ import annotations

from typing import Any

from services.console.clients.base import ServiceClient

ALERTS = "/registry/v1/alerts"


async def trace(registry: ServiceClient, token: str, **query: Any) -> dict[str, Any]:
    """``GET /trace``: every record of a weapon the person may read, with match quality."""
    return await registry.get_json("/registry/v1/trace", token, query)


async def alerts(registry: ServiceClient, token: str, **filters: Any) -> dict[str, Any]:
    """A page of the triage queue."""
    return await registry.get_json(ALERTS, token, filters)


async def alert_counts(registry: ServiceClient, token: str, **filters: Any) -> dict[str, Any]:
    """The queue's counts by kind and status."""
    return await registry.get_json(f"{ALERTS}/counts", token, filters)


async def alert(registry: ServiceClient, token: str, alert_id: str) -> tuple[dict[str, Any], str]:
    """One alert with its evidence, and its ETag (what If-Match names to change it)."""
    response = await registry.request("GET", f"{ALERTS}/{alert_id}", token)
    body: dict[str, Any] = response.json()
    return body, response.headers.get("ETag", "")


async def alert_history(registry: ServiceClient, token: str, alert_id: str) -> dict[str, Any]:
    """Every step of the alert's triage with its actor, oldest first."""
    return await registry.get_json(f"{ALERTS}/{alert_id}/history", token)


async def alert_step(
    registry: ServiceClient,
    token: str,
    alert_id: str,
    step: str,
    body: dict[str, Any],
    *,
    etag: str | None = None,
    idempotency_key: str | None = None,
) -> dict[str, Any]:
    """POST a triage step (assign, acknowledge, comments, close, reopen)."""
    headers = {}
    if etag is not None:
        headers["If-Match"] = etag
    if idempotency_key is not None:
        headers["Idempotency-Key"] = idempotency_key
    response = await registry.request(
        "POST", f"{ALERTS}/{alert_id}/{step}", token, json=body, headers=headers
    )
    answer: dict[str, Any] = response.json()
    return answer


async def acknowledge_many(
    registry: ServiceClient, token: str, ids: list[str], note: str | None
) -> dict[str, Any]:
    """Acknowledge the alerts ``ids`` at once (all or nothing)."""
    response = await registry.request(
        "POST", f"{ALERTS}/acknowledge", token, json={"ids": ids, "note": note}
    )
    answer: dict[str, Any] = response.json()
    return answer
