"""Settings of the registry service (environment prefix ``REGISTRY_``)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from services.common.settings import ServiceSettings


class RegistrySettings(ServiceSettings):
    """Configuration of the registry service; see README "Configuration"."""

    model_config = SettingsConfigDict(env_prefix="REGISTRY_", extra="ignore")

    service_name: str = "registry"
    # The background indexer of trace's serial neighbourhood index (serial_index):
    # records stored since its last pass are traced by slower probing until it runs.
    neighbour_indexer_enabled: bool = True
    neighbour_indexer_interval_seconds: float = Field(default=0.5, gt=0)
