"""The console's three API clients, over the network or in-process transports."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import httpx

from services.console.clients.auth_api import AuthApi
from services.console.clients.declarations_api import DeclarationsApi
from services.console.clients.registry_api import RegistryApi
from services.console.settings import ConsoleSettings


@dataclass
class Apis:
    """One client per service."""

    auth: AuthApi
    registry: RegistryApi
    declarations: DeclarationsApi

    async def aclose(self) -> None:
        """Close every connection pool."""
        for client in (self.auth, self.registry, self.declarations):
            await client.aclose()


def make_apis(
    settings: ConsoleSettings, transports: Mapping[str, httpx.AsyncBaseTransport] | None = None
) -> Apis:
    """Clients for the base URLs of ``settings``, or over ``transports`` (embedded)."""
    transports = transports or {}

    def http(name: str, base_url: str) -> httpx.AsyncClient:
        transport = transports.get(name)
        return httpx.AsyncClient(
            base_url="http://register.internal" if transport else base_url,
            transport=transport,
            timeout=settings.api_timeout_seconds,
        )

    return Apis(
        auth=AuthApi(http("auth", settings.auth_base_url)),
        registry=RegistryApi(http("registry", settings.registry_base_url)),
        declarations=DeclarationsApi(http("declarations", settings.declarations_base_url)),
    )
