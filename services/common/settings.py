"""Settings shared by every service.

Each service subclasses :class:`ServiceSettings` with its own env prefix
(``AUTH_``, ``REGISTRY_``, ``DECLARATIONS_``) and builds it in its app factory,
never at import time, so tests and the embedded runner can pass overrides.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

MIB = 1024 * 1024


def default_var_dir() -> Path:
    """Where the embedded default keeps its SQLite files and credentials."""
    return Path.cwd() / "var"


class ServiceSettings(BaseSettings):
    """What every service can be told through its environment."""

    model_config = SettingsConfigDict(extra="ignore", env_file=None)

    service_name: str = "service"
    database_url: str = ""
    var_dir: Path = Field(default_factory=default_var_dir)
    docs_enabled: bool = True
    cors_origins: list[str] = Field(default_factory=list)
    max_body_bytes: int = 1 * MIB
    bulk_max_body_bytes: int = 128 * MIB
    # A refused body is read and thrown away up to these bounds before the 413, so
    # clients that send it all before reading (urllib, requests) can read the answer.
    body_drain_max_bytes: int = Field(default=256 * MIB, ge=0)
    body_drain_seconds: float = Field(default=30.0, ge=0)
    # A body that sends nothing for this long, or averages under the rate after it,
    # is answered 408 (services/common/limits.py).
    body_idle_seconds: float = Field(default=60.0, gt=0)
    body_min_bytes_per_second: int = Field(default=256, ge=0)
    log_level: str = "INFO"
    # Token verification: where the auth service publishes its JWKS and what
    # issuer/audience tokens must carry.
    auth_base_url: str = "http://127.0.0.1:8000"
    token_issuer: str = "salw-register-auth"  # noqa: S105 - an issuer name, not a secret
    token_audience: str = "salw-register"  # noqa: S105 - an audience name, not a secret
    # Floor between JWKS refetches on an unknown kid: bounds the load forged
    # tokens can cause, and is short so keys are seen soon after a rotation.
    jwks_min_refetch_seconds: float = 1.0
    # How often the auth service's revocation list is fetched: a disabled client's or
    # person's tokens stop working within about this long (and never later than exp).
    revocations_refresh_seconds: float = Field(default=30.0, gt=0, le=300)
    communities_cache_seconds: float = 300.0
    # Hot reads (trace) one worker process runs at once: PostgreSQL connections of its
    # asyncio pool, or worker threads on SQLite; more wait on the event loop. Workers
    # times this should about match the database's cores: on this 2-core machine, 2
    # workers with 1 each served 1,000 traces/s where 4 each saturated near 930.
    hot_read_concurrency: int = Field(default=1, ge=1, le=64)
    # OpenTelemetry spans per request and trace context on calls to the other services
    # (services/common/tracing.py); also on when OTEL_EXPORTER_OTLP_ENDPOINT is set.
    tracing_enabled: bool = False

    # An optional PostgreSQL streaming replica (hot standby) for heavy reads (trace,
    # statistics, exports, lists): routes opt in with ``ReadSessionDep`` (replica.py).
    # Skipped, the primary answering, while it is down or its replay lags by more
    # than the bound; readyz then says ``"replica": "degraded"``.
    read_database_url: str = ""
    read_replica_max_lag_seconds: float = Field(default=10.0, gt=0)
    # How long a check of the replica's state (reachable, lag) is trusted.
    read_replica_check_seconds: float = Field(default=1.0, ge=0, le=60)

    @model_validator(mode="after")
    def _replica_is_postgresql(self) -> ServiceSettings:
        if not self.read_database_url:
            return self
        if _backend(self.read_database_url) != "postgresql":
            raise ValueError("read_database_url must be a PostgreSQL streaming replica")
        if _backend(self.resolved_database_url()) != "postgresql":
            raise ValueError("read_database_url needs a PostgreSQL primary (database_url)")
        return self

    def resolved_database_url(self) -> str:
        """The SQLAlchemy URL; a SQLite file under ``var_dir`` by default."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.var_dir / (self.service_name + '.db')}"


def _backend(url: str) -> str:
    try:
        return make_url(url).get_backend_name()
    except ArgumentError:
        raise ValueError(f"not a database URL: {url.split('@')[-1]!r}") from None
