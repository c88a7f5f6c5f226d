"""Missions belong to the registry: declarations check them over HTTP.

``GET /registry/v1/missions/{code}`` with the caller's own token: 200 means
the mission exists, 404 that it does not. Known missions are remembered for a
few minutes (fewer round trips), and while the registry cannot be reached a
mission it confirmed before is still accepted, so declaring does not stop
when the registry is down. A mission never confirmed cannot be checked then:
503, never a silent acceptance.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import quote

import httpx

from services.common.errors import ServiceUnavailable


class MissionDirectory:
    """Asks the registry whether missions exist, remembering the ones it confirmed."""

    def __init__(self, client: httpx.AsyncClient, *, fresh_seconds: float = 300.0) -> None:
        self.client = client
        self.fresh_seconds = fresh_seconds
        self._confirmed: dict[str, tuple[dict[str, Any], float]] = {}

    async def find(self, code: str, token: str) -> dict[str, Any] | None:
        """The mission document, or None when the registry does not know ``code``."""
        key = code.upper()
        remembered = self._confirmed.get(key)
        if remembered is not None and time.monotonic() - remembered[1] < self.fresh_seconds:
            return remembered[0]
        try:
            response = await self.client.get(
                f"/registry/v1/missions/{quote(code, safe='')}",
                headers={"Authorization": f"Bearer {token}"},
            )
        except httpx.HTTPError as exc:
            return self._confirmed_before(key, "could not be reached", exc)
        if response.status_code == 404:
            self._confirmed.pop(key, None)
            return None
        if response.status_code != 200:
            return self._confirmed_before(key, f"answered {response.status_code}", None)
        document = response.json()
        if not isinstance(document, dict):
            document = {"code": code}
        self._confirmed[key] = (document, time.monotonic())
        return document

    async def knows(self, code: str | None, token: str) -> bool | None:
        """Whether the registry knows mission ``code``; None when no mission is named."""
        if code is None:
            return None
        return await self.find(code, token) is not None

    def _confirmed_before(self, key: str, what: str, cause: Exception | None) -> dict[str, Any]:
        remembered = self._confirmed.get(key)
        if remembered is not None:
            return remembered[0]
        raise ServiceUnavailable(
            f"The registry {what} when asked about mission {key!r}; try again later",
            code="registry_unavailable",
        ) from cause

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self.client.aclose()


def registry_client(
    base_url: str, transport: httpx.AsyncBaseTransport | None = None
) -> httpx.AsyncClient:
    """An httpx client for the registry at ``base_url`` (or over ``transport``)."""
    return httpx.AsyncClient(base_url=base_url, transport=transport, timeout=5.0)
