"""Missions belong to the registry: declarations check them over HTTP.

``GET /registry/v1/missions/{code}`` with the caller's own token: 200 means
the mission exists, 404 that it does not; anything else means the registry
could not answer, which is a 503 here, never a silent acceptance.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

from services.common.errors import ServiceUnavailable


class MissionDirectory:
    """Asks the registry whether missions exist."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def find(self, code: str, token: str) -> dict[str, Any] | None:
        """The mission document, or None when the registry does not know ``code``."""
        try:
            response = await self.client.get(
                f"/registry/v1/missions/{quote(code, safe='')}",
                headers={"Authorization": f"Bearer {token}"},
            )
        except httpx.HTTPError as exc:
            raise ServiceUnavailable(
                "The registry could not be reached to check the mission",
                code="registry_unavailable",
            ) from exc
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise ServiceUnavailable(
                f"The registry answered {response.status_code} when asked about mission {code!r}",
                code="registry_unavailable",
            )
        document = response.json()
        return document if isinstance(document, dict) else {"code": code}

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self.client.aclose()


def registry_client(
    base_url: str, transport: httpx.AsyncBaseTransport | None = None
) -> httpx.AsyncClient:
    """An httpx client for the registry at ``base_url`` (or over ``transport``)."""
    return httpx.AsyncClient(base_url=base_url, transport=transport, timeout=5.0)
