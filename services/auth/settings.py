"""Settings of the auth service (environment prefix ``AUTH_``)."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from services.common.settings import ServiceSettings


class AuthSettings(ServiceSettings):
    """Configuration of the auth service; see README "Configuration"."""

    model_config = SettingsConfigDict(env_prefix="AUTH_", extra="ignore")

    service_name: str = "auth"
