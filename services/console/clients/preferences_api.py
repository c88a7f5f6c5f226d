"""The console's calls to the registry's email preferences, with the person's token."""

from __future__ import annotations

from typing import Any

from services.console.clients.base import ApiError, ServiceClient

PREFERENCES = "/registry/v1/notification-preferences"


async def preferences(registry: ServiceClient, token: str) -> dict[str, Any]:
    """Every event type with its mode, and the chosen language (or None)."""
    return await registry.get_json(PREFERENCES, token)


async def choose_preferences(
    registry: ServiceClient, token: str, *, events: dict[str, str], language: str | None
) -> dict[str, Any]:
    """Store the person's choices; a refusal raises ApiProblem naming each field."""
    body = {"events": events, "language": language}
    response = await registry.request("PUT", PREFERENCES, token, json=body)
    answer = response.json()
    if not isinstance(answer, dict):
        raise ApiError(f"{PREFERENCES} did not return a JSON object")
    return answer
