"""The console's settings (env prefix ``CONSOLE_``), built in the app factory."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.common.settings import default_var_dir


class ConsoleSettings(BaseSettings):
    """Where the console finds the three APIs, and how it keeps people signed in."""

    model_config = SettingsConfigDict(env_prefix="CONSOLE_", extra="ignore", env_file=None)

    var_dir: Path = Field(default_factory=default_var_dir)
    # The base URL people's browsers use (the redirect URI is built on it), no trailing /.
    public_url: str = "http://127.0.0.1:8000"
    # Where the console calls the APIs (ignored when embedded: in-process transports).
    auth_base_url: str = "http://127.0.0.1:8000"
    registry_base_url: str = "http://127.0.0.1:8000"
    declarations_base_url: str = "http://127.0.0.1:8000"
    # The console's registration as a confidential browser app: the client id and secret,
    # or a JSON file {"client_id", "client_secret"} (default var/console-app.json,
    # written by the bootstrap at first start or from `regctl app create --json`).
    client_id: str | None = None
    client_secret: str | None = None
    app_file: Path | None = None
    # The key sealing the session cookie (32 random bytes, created 0600 on first use);
    # every console process must read the same file.
    session_key_file: Path | None = None
    # A session cookie is refused this long after sign-in whatever auth says.
    session_max_hours: int = Field(default=12, ge=1)
    api_timeout_seconds: float = Field(default=30.0, gt=0)
    log_level: str = "INFO"
    # OpenTelemetry spans and trace context on API calls (services/common/tracing.py).
    tracing_enabled: bool = False
    # Add `Server-Timing: api;dur=…, total;dur=…` to every page (time spent waiting for
    # the APIs, and in all): for operators measuring; off, visitors see no timings.
    timing_header: bool = False

    def resolved_public_url(self) -> str:
        """``public_url`` without a trailing slash."""
        return self.public_url.rstrip("/")

    def redirect_uri(self) -> str:
        """Where auth sends the browser back with the authorization code."""
        return f"{self.resolved_public_url()}/console/callback"

    def resolved_app_file(self) -> Path:
        """The file holding the console's client id and secret."""
        return self.app_file or self.var_dir / "console-app.json"

    def resolved_session_key_file(self) -> Path:
        """The file holding the session cookie's sealing key."""
        return self.session_key_file or self.var_dir / "console-session-key"
