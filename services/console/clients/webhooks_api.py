"""The console's calls to the registry's webhook endpoints, with the person's token."""

from __future__ import annotations

from typing import Any

from services.console.clients.base import ApiError, ServiceClient

WEBHOOKS = "/registry/v1/webhooks"


async def endpoints(registry: ServiceClient, token: str, **page: Any) -> dict[str, Any]:
    """A page of the organisation's endpoints."""
    return await registry.get_json(WEBHOOKS, token, page)


async def endpoint(registry: ServiceClient, token: str, endpoint_id: str) -> dict[str, Any]:
    """One endpoint (a 404 problem for another organisation's)."""
    return await registry.get_json(f"{WEBHOOKS}/{endpoint_id}", token)


async def register(
    registry: ServiceClient, token: str, *, url: str, events: list[str], key: str
) -> dict[str, Any]:
    """The endpoint registered, with its signing secret (shown this once)."""
    response = await registry.request(
        "POST",
        WEBHOOKS,
        token,
        json={"url": url, "events": events},
        headers={"Idempotency-Key": key},
    )
    return _object(response.json())


async def disable(registry: ServiceClient, token: str, endpoint_id: str) -> dict[str, Any]:
    """Disable the endpoint (kept with its delivery log)."""
    response = await registry.request("DELETE", f"{WEBHOOKS}/{endpoint_id}", token)
    return _object(response.json())


async def deliveries(
    registry: ServiceClient, token: str, endpoint_id: str, **page: Any
) -> dict[str, Any]:
    """A page of the endpoint's delivery log."""
    return await registry.get_json(f"{WEBHOOKS}/{endpoint_id}/deliveries", token, page)


async def redeliver(
    registry: ServiceClient, token: str, endpoint_id: str, delivery_id: int
) -> None:
    """Send a delivery again."""
    await registry.request(
        "POST", f"{WEBHOOKS}/{endpoint_id}/deliveries/{delivery_id}/redeliver", token
    )


def _object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise ApiError("the registry did not return a JSON object")
    return body
