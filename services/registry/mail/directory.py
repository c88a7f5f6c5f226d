"""Auth's people directory, read over HTTP with the registry's own client (scope
``people:read``), cached for a while: who to email (the mail worker), and whom an alert
may be assigned to (alert triage). The registry never reads auth's tables."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from services.common.scopes import Scope


class DirectoryUnavailable(RuntimeError):
    """Auth could not be asked: unreachable, refusing the registry's client, or no client
    configured. Not the caller's fault: requests that need the directory answer 503."""


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
        # One organisation's people (``?organisation=``), fetched when first asked.
        self._of: dict[str, tuple[float, list[Person]]] = {}

    async def token(self) -> str:
        """A ``people:read`` access token (cached until shortly before it expires)."""
        if self._token and time.monotonic() < self._token_expires:
            return self._token
        credentials = self.credentials()
        if credentials is None:
            raise DirectoryUnavailable(
                "no client for the people directory: set REGISTRY_AUTH_CLIENT_ID and"
                " REGISTRY_AUTH_CLIENT_SECRET (a client with scope people:read)"
            )
        try:
            response = await self.auth.post(
                "/auth/v1/token",
                data={"grant_type": "client_credentials", "scope": Scope.PEOPLE_READ},
                auth=credentials,
            )
        except httpx.HTTPError as error:
            raise DirectoryUnavailable(f"auth could not be reached ({error!r})") from error
        if response.status_code != 200:
            raise DirectoryUnavailable(
                f"auth refused the registry's people:read token ({response.text[:200]})"
            )
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

    async def colleague(
        self, organisation: str, person_id: str, *, recheck_after: float = 1.0
    ) -> Person | None:
        """One enabled person of ``organisation``, or None.

        Reads that organisation's people only (cached ``ttl_seconds``); a person not in
        a list older than ``recheck_after`` seconds is looked for again, so someone
        invited a moment ago is found, while a run of unknown ids asks auth at most once
        every ``recheck_after`` seconds."""
        async with self._lock:
            now = time.monotonic()
            fetched_at, people = self._of.get(organisation, (float("-inf"), []))
            stale = now - fetched_at >= self.ttl_seconds
            found = None if stale else _find(people, person_id)
            if found is None and (stale or now - fetched_at >= recheck_after):
                people = await self._fetch(organisation)
                self._of[organisation] = (time.monotonic(), people)
                found = _find(people, person_id)
            return found

    def invalidate(self) -> None:
        """Forget the cache (tests, or after a change)."""
        self._fetched_at = float("-inf")
        self._of.clear()

    async def _fetch(self, organisation: str | None = None) -> list[Person]:
        token = await self.token()
        try:
            response = await self.auth.get(
                "/auth/v1/people/directory",
                params={"organisation": organisation} if organisation else None,
                headers={"Authorization": f"Bearer {token}"},
            )
        except httpx.HTTPError as error:
            raise DirectoryUnavailable(f"auth could not be reached ({error!r})") from error
        if response.status_code != 200:
            if response.status_code == 401:
                self._token = None  # revoked or expired early: a new one next time
            raise DirectoryUnavailable(
                f"auth answered {response.status_code} to the people directory"
            )
        try:
            return [_person(p) for p in response.json()["items"]]
        except (ValueError, KeyError, TypeError) as error:
            raise DirectoryUnavailable(
                f"auth's people directory was unreadable ({error!r})"
            ) from error


def _person(entry: dict[str, Any]) -> Person:
    return Person(
        id=str(entry["id"]),
        email=str(entry["email"]),
        name=str(entry["name"]),
        language=str(entry.get("language") or "en"),
        role=str(entry["role"]),
        scopes=frozenset(entry.get("scopes", [])),
        organisation=str(entry["organisation"]),
        org_type=str(entry["org_type"]),
    )


def _find(people: list[Person], person_id: str) -> Person | None:
    return next((p for p in people if p.id == person_id), None)
