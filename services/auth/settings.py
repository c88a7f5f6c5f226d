"""Settings of the auth service (environment prefix ``AUTH_``)."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from services.common.settings import ServiceSettings


class AuthSettings(ServiceSettings):
    """Configuration of the auth service; see docs/operator.md, "Auth in detail"."""

    model_config = SettingsConfigDict(env_prefix="AUTH_", extra="ignore")

    service_name: str = "auth"
    # The auth service reads its own JWKS from its database: refetching on an unknown
    # kid costs one query, so new keys are seen at once (no floor).
    jwks_min_refetch_seconds: float = 0.0
    token_lifetime_seconds: int = Field(default=900, gt=0, le=900)
    # Generated private keys live here, one PEM per kid, mode 0600 (default: var_dir/keys).
    keys_dir: Path | None = None
    # Or one configured PEM (e.g. a mounted secret): then it is the only signing key.
    signing_key_file: Path | None = None
    # argon2id parameters for client secrets (RFC 9106 second recommendation by default).
    argon2_time_cost: int = Field(default=3, ge=1)
    argon2_memory_cost_kib: int = Field(default=65536, ge=8)
    argon2_parallelism: int = Field(default=4, ge=1)
    # Secret checks (argon2id) running at once, and waiting per address beyond which
    # an address is told to slow down (429): see auth/tokens/check_gate.py.
    secret_check_concurrency: int = Field(default_factory=lambda: os.cpu_count() or 2, ge=1)
    secret_checks_waiting_per_address: int = Field(default=8, ge=1)
    # Failed token requests allowed per sliding window: per client id from one address
    # (``token_failures_per_client``; ids are not secret, so never per id alone) and
    # per address whatever the client id.
    token_failures_per_client: int = Field(default=10, ge=1)
    token_failures_per_address: int = Field(default=50, ge=1)
    token_failure_window_seconds: int = Field(default=300, ge=1)
    # The operator organisation created at bootstrap.
    operator_code: str = Field(default="OPERATOR", pattern=r"^[A-Z][A-Z0-9_]{1,15}$")
    operator_name: str = "Register operator"
    # People and sign-in. Where people reach the register (enrolment links, the OAuth
    # issuer in the metadata); default: auth_base_url.
    public_url: str | None = None
    enrolment_link_hours: int = Field(default=72, ge=1, le=24 * 30)
    # The email of the operator's first administrator, invited at first start.
    first_admin_email: str = "admin@operator.invalid"
    # Signed-in sessions (refresh token families) end after this long unused, and at most
    # this long after sign-in.
    session_idle_minutes: int = Field(default=30, ge=1)
    session_max_hours: int = Field(default=12, ge=1)
    authorization_code_seconds: int = Field(default=60, ge=10, le=600)
    # Failed sign-ins allowed per window: per email from one address, per address.
    signin_failures_per_account: int = Field(default=5, ge=1)
    signin_failures_per_address: int = Field(default=50, ge=1)
    signin_failure_window_seconds: int = Field(default=900, ge=1)
    # Key that signs the sign-in pages' intermediate state (password checked, code not
    # yet): every auth process must share it. Default: a random key in var_dir, 0600.
    page_key_file: Path | None = None

    def resolved_public_url(self) -> str:
        """The base URL people's browsers use, without a trailing slash."""
        return (self.public_url or self.auth_base_url).rstrip("/")

    def resolved_page_key_file(self) -> Path:
        """Where the pages' signing key is kept."""
        return self.page_key_file or self.var_dir / "page-key"

    def resolved_keys_dir(self) -> Path:
        """Where generated private keys are kept."""
        return self.keys_dir or self.var_dir / "keys"
