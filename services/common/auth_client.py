"""HTTP access from a service to the auth service (JWKS, communities).

In production this is plain HTTP to ``auth_base_url``; in the embedded runner
and in tests it is the same httpx client over an ASGI transport to the auth
app, so the verifier always goes through real HTTP semantics.
"""

from __future__ import annotations

from typing import Any

import httpx


class AuthServiceClient:
    """Fetches JSON documents from the auth service."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def fetch_json(self, path: str, token: str | None) -> dict[str, Any]:
        """GET ``path`` (with ``token`` as bearer if given) and return the JSON body."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = await self.client.get(path, headers=headers, timeout=5.0)
        response.raise_for_status()
        document = response.json()
        if not isinstance(document, dict):
            raise ValueError(f"{path} did not return a JSON object")
        return document

    async def aclose(self) -> None:
        """Close the underlying connection pool."""
        await self.client.aclose()


def auth_http_client(
    base_url: str, transport: httpx.AsyncBaseTransport | None = None
) -> httpx.AsyncClient:
    """An httpx client for the auth service at ``base_url`` (or over ``transport``)."""
    return httpx.AsyncClient(base_url=base_url, transport=transport, timeout=5.0)
