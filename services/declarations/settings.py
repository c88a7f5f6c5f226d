"""Settings of the declarations service (environment prefix ``DECLARATIONS_``)."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from services.common.settings import ServiceSettings


class DeclarationsSettings(ServiceSettings):
    """Configuration of the declarations service; see README "Configuration"."""

    model_config = SettingsConfigDict(env_prefix="DECLARATIONS_", extra="ignore")

    service_name: str = "declarations"
