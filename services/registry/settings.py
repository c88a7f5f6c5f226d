"""Settings of the registry service (environment prefix ``REGISTRY_``)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import SettingsConfigDict

from services.common.settings import ServiceSettings
from services.common.sheets import ImportSettings
from services.common.transparency.note import parse_verifier_key
from services.registry.notifications.signing import parse_sealing_key


class RegistrySettings(ImportSettings, ServiceSettings):
    """Configuration of the registry service; see docs/operator.md, "Configuration"."""

    model_config = SettingsConfigDict(env_prefix="REGISTRY_", extra="ignore")

    service_name: str = "registry"
    # The background indexer of trace's serial neighbourhood index (serial_index):
    # records stored since its last pass are traced by slower probing until it runs.
    neighbour_indexer_enabled: bool = True
    neighbour_indexer_interval_seconds: float = Field(default=0.5, gt=0)
    # What reading one CSV/XLSX manifest upload may cost: the ``import_*`` fields of
    # ImportSettings (REGISTRY_IMPORT_MAX_ROWS, ..._PARSE_CONCURRENCY).

    # Notifications (services/registry/notifications): the background worker fans the
    # outbox out to webhook endpoints and delivers them, never on a request's path.
    webhooks_worker_enabled: bool = True
    webhooks_worker_interval_seconds: float = Field(default=0.5, gt=0)
    # Endpoints on private, loopback, link-local, multicast or reserved addresses, and
    # plain HTTP: refused unless this is on (tests, local installs).
    webhooks_allow_private: bool = False
    # The base64 of 32 random bytes sealing signing secrets at rest (AES-256-GCM);
    # unset, secrets are stored as they are. Keep it outside the database's backups.
    webhook_secrets_key: str = ""
    # Retries: exponential backoff with jitter from the base, each wait capped, for up to
    # ``webhooks_retry_for_seconds`` (three days); then the endpoint is disabled.
    webhooks_retry_base_seconds: float = Field(default=5.0, gt=0)
    webhooks_retry_max_interval_seconds: float = Field(default=3600.0, gt=0)
    webhooks_retry_for_seconds: float = Field(default=3 * 86400.0, gt=0)
    webhooks_timeout_seconds: float = Field(default=10.0, gt=0)
    # rotation.ending: a unit still holding weapons in a mission ending within this many
    # days; checked every ``rotation_check_interval_seconds``.
    rotation_ending_days: int = Field(default=30, ge=1, le=366)
    rotation_check_interval_seconds: float = Field(default=3600.0, gt=0)

    # Email for people (services/registry/mail): the mail worker reads who to tell from
    # auth's people directory with its own client (scope people:read; given here, else the
    # file bootstrap writes, ``<var_dir>/registry-auth-client.json``), and sends through
    # SMTP. With no SMTP host, messages are kept in the local mail outbox
    # (``GET /registry/v1/mail-outbox``) and nothing fails.
    mail_worker_enabled: bool = True
    mail_worker_interval_seconds: float = Field(default=5.0, gt=0)
    mail_digest_interval_seconds: float = Field(default=86400.0, gt=0)
    mail_directory_cache_seconds: float = Field(default=300.0, ge=0)
    mail_retry_base_seconds: float = Field(default=30.0, gt=0)
    mail_retry_max_interval_seconds: float = Field(default=3600.0, gt=0)
    mail_max_attempts: int = Field(default=10, ge=1, le=100)
    # Whom an alert may be assigned to is read from the same directory (one organisation's
    # people at a time), cached this long: a person disabled or given another role may
    # still be assigned for this long.
    assignee_cache_seconds: float = Field(default=30.0, ge=0)
    auth_client_id: str = ""
    auth_client_secret: str = Field(default="", repr=False)
    auth_credentials_file: Path | None = None
    smtp_host: str = ""
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_security: Literal["starttls", "tls", "none"] = "starttls"
    smtp_username: str = ""
    smtp_password: str = Field(default="", repr=False)
    smtp_from: str = "SALW register <register@localhost>"
    smtp_timeout_seconds: float = Field(default=30.0, gt=0)
    # Where links in messages point (the console); links never carry tokens.
    console_url: str = "http://127.0.0.1:8000/console/"

    def resolved_auth_credentials_file(self) -> Path:
        """Where the mail worker's client credentials are saved when not given inline."""
        return self.auth_credentials_file or self.var_dir / "registry-auth-client.json"

    @field_validator("webhook_secrets_key")
    @classmethod
    def _secrets_key(cls, value: str) -> str:
        parse_sealing_key(value)  # ValueError naming what is wrong
        return value.strip()

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
