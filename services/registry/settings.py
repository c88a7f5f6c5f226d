"""Settings of the registry service (environment prefix ``REGISTRY_``)."""

from __future__ import annotations

from pydantic import Field, field_validator
from pydantic_settings import SettingsConfigDict

from services.common.settings import ServiceSettings
from services.common.transparency.note import parse_verifier_key
from services.registry.manifests.sheet_readers import ImportLimits


class RegistrySettings(ServiceSettings):
    """Configuration of the registry service; see README "Configuration"."""

    model_config = SettingsConfigDict(env_prefix="REGISTRY_", extra="ignore")

    service_name: str = "registry"
    # The background indexer of trace's serial neighbourhood index (serial_index):
    # records stored since its last pass are traced by slower probing until it runs.
    neighbour_indexer_enabled: bool = True
    neighbour_indexer_interval_seconds: float = Field(default=0.5, gt=0)
    # What reading one CSV/XLSX manifest upload may cost (services/registry/manifests/
    # sheet_readers.py); over a cap the upload is a 413 naming the file and the cap.
    import_max_rows: int = Field(default=110_000, ge=2)
    import_max_columns: int = Field(default=64, ge=1)
    import_max_line_chars: int = Field(default=64 * 1024, ge=256, le=131_072)
    import_max_unpacked_bytes: int = Field(default=128 * 1024 * 1024, ge=1024)
    import_max_seconds: float = Field(default=120.0, gt=0)
    # Uploads read at once (each in a worker thread, holding no database lock); more wait.
    import_parse_concurrency: int = Field(default=2, ge=1)

    def import_limits(self) -> ImportLimits:
        """The caps of one upload's reading, from these settings."""
        return ImportLimits(
            max_rows=self.import_max_rows,
            max_columns=self.import_max_columns,
            max_line_chars=self.import_max_line_chars,
            max_unpacked_bytes=self.import_max_unpacked_bytes,
            max_seconds=self.import_max_seconds,
        )

    # Tracing cases: days a state has to answer a trace request once sent (when the
    # request names no deadline), the largest answer file kept in the database, and where
    # the declarations log is published (a trace request's PDF cites its proofs there).
    trace_reply_days: int = Field(default=30, ge=1, le=366)
    trace_answer_max_bytes: int = Field(default=2 * 1024 * 1024, ge=1024, le=64 * 1024 * 1024)
    declarations_public_url: str = "http://127.0.0.1:8000"

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
