"""Settings lookup by service name for the command line."""

from __future__ import annotations

from services.auth.settings import AuthSettings
from services.common.settings import ServiceSettings
from services.declarations.settings import DeclarationsSettings
from services.registry.settings import RegistrySettings


def service_settings(name: str) -> ServiceSettings:
    """The named service's settings from its environment."""
    classes: dict[str, type[ServiceSettings]] = {
        "auth": AuthSettings,
        "registry": RegistrySettings,
        "declarations": DeclarationsSettings,
    }
    return classes[name]()
