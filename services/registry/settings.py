"""Settings of the registry service (environment prefix ``REGISTRY_``)."""

from __future__ import annotations

from pydantic import Field, field_validator
from pydantic_settings import SettingsConfigDict

from services.common.settings import ServiceSettings
from services.common.sheets import ImportSettings
from services.common.transparency.note import parse_verifier_key


class RegistrySettings(ImportSettings, ServiceSettings):
    """Configuration of the registry service; see README "Configuration"."""

    model_config = SettingsConfigDict(env_prefix="REGISTRY_", extra="ignore")

    service_name: str = "registry"
    # The background indexer of trace's serial neighbourhood index (serial_index):
    # records stored since its last pass are traced by slower probing until it runs.
    neighbour_indexer_enabled: bool = True
    neighbour_indexer_interval_seconds: float = Field(default=0.5, gt=0)
    # What reading one CSV/XLSX manifest upload may cost: the ``import_*`` fields of
    # ImportSettings (REGISTRY_IMPORT_MAX_ROWS, ..._PARSE_CONCURRENCY).

    # The declarations log's C2SP verifier key (``<name>+<hex id>+<base64 key>``, as
    # ``GET /declarations/v1/log/public-key`` serves it and bootstrap prints it). The index
    # accepts only deliveries proven against a checkpoint this key signed; unset, it
    # accepts none (503). The embedded runner fills it in from the declarations service.
    declarations_log_key: str = ""

    @field_validator("declarations_log_key")
    @classmethod
    def _verifier_key(cls, value: str) -> str:
        value = value.strip()
        if value:
            parse_verifier_key(value)  # a KeyFormatError (ValueError) names what is wrong
        return value
