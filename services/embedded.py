"""The embedded runner: the three services and the console in one process under their prefixes.

Registry and declarations reach the auth service through an httpx ASGI
transport to the auth app in the same process, so token verification goes
through the same HTTP requests as in production, without a network hop. The console
reaches the three APIs the same way; ``GET /`` leads to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi import FastAPI
from starlette.responses import RedirectResponse
from starlette.types import Receive, Scope, Send

from services.auth.app import create_app as create_auth_app
from services.auth.settings import AuthSettings
from services.common.transparency.note import format_verifier_key
from services.console.app import create_app as create_console_app
from services.console.settings import ConsoleSettings
from services.declarations.app import create_app as create_declarations_app
from services.declarations.log.keys import load_signer
from services.declarations.settings import DeclarationsSettings
from services.registry.app import create_app as create_registry_app
from services.registry.settings import RegistrySettings


@dataclass
class EmbeddedSettings:
    """The settings of the three services and the console run together."""

    auth: AuthSettings
    registry: RegistrySettings
    declarations: DeclarationsSettings
    # None: from CONSOLE_* with auth's var/ directory (where its app credentials are).
    console: ConsoleSettings | None = field(default=None)


def console_settings(settings: EmbeddedSettings) -> ConsoleSettings:
    """The console's settings; unless set, it keeps its files in auth's var/ directory."""
    if settings.console is not None:
        return settings.console
    console = ConsoleSettings()
    if "var_dir" in console.model_fields_set:
        return console
    return console.model_copy(update={"var_dir": settings.auth.var_dir})


def default_settings() -> EmbeddedSettings:
    """Each service's settings from its own environment prefix."""
    return EmbeddedSettings(
        auth=AuthSettings(), registry=RegistrySettings(), declarations=DeclarationsSettings()
    )


def with_declarations_log_key(
    registry: RegistrySettings, declarations: DeclarationsSettings
) -> RegistrySettings:
    """The registry's settings, trusting the embedded declarations log's key unless one is set.

    In production the operator sets ``REGISTRY_DECLARATIONS_LOG_KEY`` to the verifier key
    that bootstrap prints (``GET /declarations/v1/log/public-key``).
    """
    if registry.declarations_log_key:
        return registry
    verifier_key = format_verifier_key(load_signer(declarations).verifier)
    return registry.model_copy(update={"declarations_log_key": verifier_key})


class EmbeddedRegister:
    """ASGI app routing ``/auth``, ``/registry``, ``/declarations`` and ``/console``."""

    def __init__(
        self,
        settings: EmbeddedSettings,
        *,
        declarations_options: Mapping[str, Any] | None = None,
    ) -> None:
        self.settings = settings
        self.auth = create_auth_app(settings.auth)
        to_auth = httpx.ASGITransport(app=self.auth)
        self.registry = create_registry_app(
            with_declarations_log_key(settings.registry, settings.declarations),
            auth_transport=to_auth,
        )
        self.declarations = create_declarations_app(
            settings.declarations,
            auth_transport=to_auth,
            registry_transport=httpx.ASGITransport(app=self.registry),
            **(declarations_options or {}),
        )
        self.console = create_console_app(
            console_settings(settings),
            transports={
                "auth": to_auth,
                "registry": httpx.ASGITransport(app=self.registry),
                "declarations": httpx.ASGITransport(app=self.declarations),
            },
        )
        self.apps: dict[str, FastAPI] = {
            "auth": self.auth,
            "registry": self.registry,
            "declarations": self.declarations,
            "console": self.console,
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        path: str = scope.get("path", "")
        if path == "/" and scope["type"] == "http":
            await RedirectResponse("/console/", status_code=307)(scope, receive, send)
            return
        service = path.split("/", 2)[1] if path.startswith("/") else ""
        app = self.apps.get(service, self.auth)
        await app(scope, receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        message = await receive()
        assert message["type"] == "lifespan.startup"
        async with AsyncExitStack() as stack:
            try:
                for app in self.apps.values():
                    await stack.enter_async_context(app.router.lifespan_context(app))
            except Exception as exc:  # report the failure to the server, as Starlette does
                await send({"type": "lifespan.startup.failed", "message": str(exc)})
                raise
            await send({"type": "lifespan.startup.complete"})
            message = await receive()
            assert message["type"] == "lifespan.shutdown"
        await send({"type": "lifespan.shutdown.complete"})


def create_embedded_app(
    settings: EmbeddedSettings | None = None,
    *,
    declarations_options: Mapping[str, Any] | None = None,
) -> EmbeddedRegister:
    """The whole register as one ASGI app (databases must be migrated).

    ``declarations_options`` are extra keyword arguments of the declarations
    app factory (e.g. ``clock``, which tests move through retention periods).
    """
    return EmbeddedRegister(
        settings or default_settings(), declarations_options=declarations_options
    )
