"""Who to email: auth's people directory, read over HTTP with the registry's own client
(scope ``people:read``), cached for a while. The registry never reads auth's tables."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from services.common.scopes import Scope


@dataclass(frozen=True)
class Person:
    """An enabled person as the directory lists them."""

    id: str
    email: str
    name: str
    language: str
    role: str
    scopes: frozenset[str]
    organisation: str
    org_type: str


def load_credentials(client_id: str, secret: str, path: Path) -> tuple[str, str] | None:
    """The client's id and secret: from settings, else the file bootstrap wrote."""
    if client_id and secret:
        return client_id, secret
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
        return str(saved["client_id"]), str(saved["client_secret"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


class PeopleDirectory:
    """Enabled people from ``GET /auth/v1/people/directory``, cached ``ttl_seconds``."""

    def __init__(
        self,
        *,
        auth: httpx.AsyncClient,
        credentials: Callable[[], tuple[str, str] | None],
        ttl_seconds: float = 300.0,
    ) -> None:
        self.auth = auth
        self.credentials = credentials
        self.ttl_seconds = ttl_seconds
        self._token: str | None = None
        self._token_expires = 0.0
        self._people: list[Person] | None = None
        self._fetched_at = float("-inf")
        self._lock = asyncio.Lock()

    async def token(self) -> str:
        """A ``people:read`` access token (cached until shortly before it expires)."""
        if self._token and time.monotonic() < self._token_expires:
            return self._token
        credentials = self.credentials()
        if credentials is None:
            raise RuntimeError(
                "no client for the people directory: set REGISTRY_AUTH_CLIENT_ID and"
                " REGISTRY_AUTH_CLIENT_SECRET (a client with scope people:read)"
            )
        response = await self.auth.post(
            "/auth/v1/token",
            data={"grant_type": "client_credentials", "scope": Scope.PEOPLE_READ},
            auth=credentials,
        )
        if response.status_code != 200:
            raise RuntimeError(f"auth refused the mail worker's token ({response.text[:200]})")
        body = response.json()
        self._token = str(body["access_token"])
        self._token_expires = time.monotonic() + max(float(body.get("expires_in", 60)) - 30, 5)
        return self._token

    async def people(self) -> list[Person]:
        """Every enabled person (the cached list while fresh)."""
        async with self._lock:
            if self._people is None or time.monotonic() - self._fetched_at >= self.ttl_seconds:
                self._people = await self._fetch()
                self._fetched_at = time.monotonic()
            return self._people

    async def person(self, person_id: str) -> Person | None:
        """One enabled person, or None."""
        return next((p for p in await self.people() if p.id == person_id), None)

    def invalidate(self) -> None:
        """Forget the cache (tests, or after a change)."""
        self._fetched_at = float("-inf")

    async def _fetch(self) -> list[Person]:
        token = await self.token()
        response = await self.auth.get(
            "/auth/v1/people/directory", headers={"Authorization": f"Bearer {token}"}
        )
        response.raise_for_status()
        return [
            Person(
                id=str(p["id"]),
                email=str(p["email"]),
                name=str(p["name"]),
                language=str(p.get("language") or "en"),
                role=str(p["role"]),
                scopes=frozenset(p.get("scopes", [])),
                organisation=str(p["organisation"]),
                org_type=str(p["org_type"]),
            )
            for p in response.json()["items"]
        ]
