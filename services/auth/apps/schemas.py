"""Browser app documents."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

from services.auth.params import PRINTABLE

LOOPBACK = ("localhost", "127.0.0.1", "[::1]", "::1")


def check_redirect_uri(uri: str) -> str:
    """An absolute https URI without fragment (http only on a loopback host, RFC 8252)."""
    parts = urlsplit(uri)
    if parts.fragment or "#" in uri:
        raise ValueError("a redirect URI has no fragment (RFC 6749 section 3.1.2)")
    if parts.scheme == "https" and parts.hostname:
        return uri
    if parts.scheme == "http" and parts.hostname in LOOPBACK:
        return uri
    raise ValueError("a redirect URI is https (http only for localhost)")


class AppCreate(BaseModel):
    """A browser app people sign in to, with the exact redirect URIs it may use."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200, pattern=PRINTABLE, examples=["Console"])
    redirect_uris: list[str] = Field(
        min_length=1, max_length=10, examples=[["https://register.example.org/console/callback"]]
    )
    public: bool = Field(
        default=False,
        description="A public app (a single-page app) has no secret and relies on PKCE alone.",
    )

    @field_validator("redirect_uris")
    @classmethod
    def _valid(cls, uris: list[str]) -> list[str]:
        for uri in uris:
            if len(uri) > 2000 or not uri.isprintable():
                raise ValueError("a redirect URI is printable and at most 2000 characters")
            check_redirect_uri(uri)
        return list(dict.fromkeys(uris))


class AppOut(BaseModel):
    """A browser app (never its secret)."""

    client_id: str
    name: str
    redirect_uris: list[str]
    public: bool
    enabled: bool
    created_at: datetime


class AppCreated(AppOut):
    """A new app; a confidential app's secret is shown this once."""

    client_secret: str | None = Field(
        description="Null for a public app, and on an Idempotency-Key replay. Shown once."
    )
