"""Table models of the auth service. Alembic's env imports this module.

Private signing keys are deliberately absent: they live in files (mode 0600)
or a configured key file, never in a table the API reads.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, Column, Integer
from sqlmodel import Field

from services.auth.tables import AuthTable, UtcDateTime, idempotency_keys, metadata

ORG_TYPES = ("member_state", "secretariat", "operator")


class Organisation(AuthTable, table=True):
    """A ministry (member state), a community secretariat, or the register's operator."""

    __tablename__ = "organisations"
    __table_args__ = (
        CheckConstraint("type IN ('member_state', 'secretariat', 'operator')", name="type"),
    )

    code: str = Field(primary_key=True, max_length=16)
    type: str = Field(max_length=16)
    name: str = Field(max_length=200)
    created_at: datetime = Field(sa_type=UtcDateTime)


class Community(AuthTable, table=True):
    """A regional economic community whose secretariat reads its members' records."""

    __tablename__ = "communities"

    code: str = Field(primary_key=True, max_length=16)
    name: str = Field(max_length=200)


class CommunityMembership(AuthTable, table=True):
    """One period of a state's membership: ``joined_on`` until before ``left_on`` (open if null)."""

    __tablename__ = "community_memberships"
    __table_args__ = (CheckConstraint("left_on IS NULL OR left_on > joined_on", name="period"),)

    id: int | None = Field(default=None, primary_key=True)
    community: str = Field(foreign_key="communities.code", max_length=16, index=True)
    country: str = Field(max_length=3)
    joined_on: date
    left_on: date | None = None


class ApiClient(AuthTable, table=True):
    """A machine client of an organisation; its secret is kept only as an argon2 hash."""

    __tablename__ = "api_clients"

    client_id: str = Field(primary_key=True, max_length=64)
    organisation: str = Field(foreign_key="organisations.code", max_length=16, index=True)
    name: str = Field(max_length=200)
    scopes: str = Field(max_length=255)  # space-separated, as in the token
    secret_hash: str = Field(max_length=255)
    enabled: bool = True
    created_at: datetime = Field(sa_type=UtcDateTime)
    updated_at: datetime = Field(sa_type=UtcDateTime)

    @property
    def scope_set(self) -> frozenset[str]:
        """The allowed scopes as a set."""
        return frozenset(self.scopes.split())


class SigningKey(AuthTable, table=True):
    """A token-signing key's public half; the newest unretired one signs."""

    __tablename__ = "signing_keys"

    kid: str = Field(primary_key=True, max_length=64)
    public_jwk: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    source: str = Field(max_length=16)  # "generated" (file under var/keys) or "file" (configured)
    created_at: datetime = Field(sa_type=UtcDateTime, index=True)
    retired_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class AuditEvent(AuthTable, table=True):
    """Who did what, when, from which address: tokens issued or refused, admin changes."""

    __tablename__ = "audit_events"

    id: int | None = Field(
        default=None,
        sa_column=Column(
            BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
        ),
    )
    occurred_at: datetime = Field(sa_type=UtcDateTime, index=True)
    event: str = Field(max_length=64, index=True)
    actor: str = Field(max_length=255)
    actor_org: str | None = Field(default=None, max_length=16)
    address: str | None = Field(default=None, max_length=64)
    subject: str | None = Field(default=None, max_length=255, index=True)
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    request_id: str | None = Field(default=None, max_length=128)


__all__ = [
    "ORG_TYPES",
    "ApiClient",
    "AuditEvent",
    "AuthTable",
    "Community",
    "CommunityMembership",
    "Organisation",
    "SigningKey",
    "idempotency_keys",
    "metadata",
]
