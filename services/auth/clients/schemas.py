"""API client documents."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from services.auth.params import PRINTABLE
from services.common.scopes import Scope


class ClientCreate(BaseModel):
    """A new client of an organisation, with the scopes it may request."""

    model_config = ConfigDict(extra="forbid")

    organisation: str = Field(pattern=r"^[A-Za-z0-9_]{2,16}$", examples=["SEN"])
    name: str = Field(
        min_length=1, max_length=200, pattern=PRINTABLE, examples=["Ministry of Armed Forces, G3"]
    )
    scopes: list[Scope] = Field(min_length=1, examples=[["manifests:write", "register:read"]])

    @field_validator("scopes")
    @classmethod
    def _unique(cls, scopes: list[Scope]) -> list[Scope]:
        return list(dict.fromkeys(scopes))


class ClientOut(BaseModel):
    """A client (never its secret)."""

    client_id: str
    organisation: str
    name: str
    scopes: list[str]
    enabled: bool
    created_at: datetime
    updated_at: datetime


class ClientCreated(ClientOut):
    """A new client with its secret: shown this once, stored only as a hash."""

    client_secret: str | None = Field(
        description="Shown once. A replay of the same Idempotency-Key answers null here:"
        " rotate the secret if it was lost."
    )


class ClientSecret(BaseModel):
    """A client's new secret, shown once."""

    client_id: str
    client_secret: str
