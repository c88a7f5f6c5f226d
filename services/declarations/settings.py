"""Settings of the declarations service (environment prefix ``DECLARATIONS_``)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from services.common.settings import ServiceSettings
from services.common.sheets import ImportSettings

RETENTION_YEARS = 30
"""Kinshasa Convention art. 22.2: DDR data kept at least 30 years; ITI: 20 to 30 years."""


class DeclarationsSettings(ImportSettings, ServiceSettings):
    """Configuration of the declarations service; see docs/operator.md, "Configuration"."""

    model_config = SettingsConfigDict(env_prefix="DECLARATIONS_", extra="ignore")

    service_name: str = "declarations"
    # Missions are the registry's: declarations ask it over HTTP.
    registry_base_url: str = "http://127.0.0.1:8000"
    # The log's identity: the checkpoint origin line and the signing key's name.
    log_origin: str = "salw-register.local/declarations"
    # The Ed25519 signer key (``PRIVATE+KEY+<name>+<id>+<base64>``); when empty, a key
    # is created once in ``log_key_file`` (default ``<var_dir>/keys/log-signer.key``, 0600).
    log_signing_key: str = Field(default="", repr=False)
    log_key_file: Path | None = None
    # Never below the legal minimum; may be raised by a member state's own policy.
    retention_years: int = Field(default=RETENTION_YEARS, ge=RETENTION_YEARS, le=200)
    # POST /declarations/import: the largest file accepted (a 413 past it, before any
    # reading); what reading it may cost are the ``import_*`` fields of ImportSettings
    # (DECLARATIONS_IMPORT_MAX_ROWS, ..._MAX_SECONDS, ..._PARSE_CONCURRENCY).
    import_max_bytes: int = Field(default=32 * 1024 * 1024, ge=1024)

    # The weapon-index feed: a relay delivers log entries (declaration versions,
    # disposals) to the registry with its own client (scope index:write). The
    # credentials come from these settings or, in the embedded runner, from the
    # file bootstrap writes (``<var_dir>/declarations-index-client.json``).
    index_relay_enabled: bool = True
    index_relay_interval_seconds: float = Field(default=2.0, gt=0)
    index_relay_batch: int = Field(default=100, ge=1, le=1000)
    index_client_id: str = ""
    index_client_secret: str = Field(default="", repr=False)
    index_credentials_file: Path | None = None

    def resolved_index_credentials_file(self) -> Path:
        """Where the relay's client credentials are saved when not given inline."""
        return self.index_credentials_file or self.var_dir / "declarations-index-client.json"

    def resolved_log_key_file(self) -> Path:
        """Where the log's signing key lives when it is not given inline."""
        return self.log_key_file or self.var_dir / "keys" / "log-signer.key"
