"""Table models of the auth service. Alembic's env imports this module.

Private signing keys are deliberately absent: they live in files (mode 0600)
or a configured key file, never in a table the API reads.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, Column, Integer, UniqueConstraint
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


# The roles each type of organisation may give its people (ARCHITECTURE "People and sign-in").
ROLE_PAIRS = (
    "(org_type = 'member_state' AND role IN ('admin', 'editor', 'reader'))"
    " OR (org_type = 'secretariat' AND role IN ('admin', 'analyst', 'reader'))"
    " OR (org_type = 'operator' AND role = 'admin')"
)


class Person(AuthTable, table=True):
    """Someone who signs in: one organisation, one role; disabled, never deleted."""

    __tablename__ = "people"
    __table_args__ = (
        CheckConstraint(ROLE_PAIRS, name="role"),
        UniqueConstraint("email_key"),
    )

    id: str = Field(primary_key=True, max_length=40)
    organisation: str = Field(foreign_key="organisations.code", max_length=16, index=True)
    # The organisation's type, copied so the database can check the role suits it.
    org_type: str = Field(max_length=16)
    role: str = Field(max_length=16)
    email: str = Field(max_length=254)
    # The email as compared (case folded): unique, so no two people share an address.
    email_key: str = Field(max_length=254)
    name: str = Field(max_length=200)
    # The language of what the register sends the person (en, fr, pt, es).
    language: str = Field(default="en", max_length=2, sa_column_kwargs={"server_default": "en"})
    enabled: bool = True
    password_hash: str | None = Field(default=None, max_length=255)
    totp_secret: str | None = Field(default=None, max_length=64)
    # The last TOTP time step accepted: a code of that step or before is refused (no replay).
    totp_last_step: int | None = Field(default=None, sa_type=BigInteger)
    enrolled_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    created_at: datetime = Field(sa_type=UtcDateTime)
    updated_at: datetime = Field(sa_type=UtcDateTime)


class Enrolment(AuthTable, table=True):
    """A one-time enrolment link: only the SHA-256 of its 256-bit token is kept."""

    __tablename__ = "enrolments"

    token_hash: str = Field(primary_key=True, max_length=64)
    person_id: str = Field(foreign_key="people.id", max_length=40, index=True)
    # The authenticator key offered on the enrolment page; the person's once confirmed.
    totp_secret: str = Field(max_length=64)
    created_at: datetime = Field(sa_type=UtcDateTime)
    expires_at: datetime = Field(sa_type=UtcDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    # Replaced by a newer link (re-enrolment) or the person was disabled.
    revoked_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class RecoveryCode(AuthTable, table=True):
    """One of a person's ten one-time recovery codes (SHA-256 of an 80-bit code)."""

    __tablename__ = "recovery_codes"

    code_hash: str = Field(primary_key=True, max_length=64)
    person_id: str = Field(foreign_key="people.id", max_length=40, index=True)
    created_at: datetime = Field(sa_type=UtcDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class BrowserApp(AuthTable, table=True):
    """An app people sign in to (authorization code with PKCE); public apps have no secret."""

    __tablename__ = "browser_apps"
    __table_args__ = (
        CheckConstraint(
            "(public AND secret_hash IS NULL) OR (NOT public AND secret_hash IS NOT NULL)",
            name="secret",
        ),
    )

    client_id: str = Field(primary_key=True, max_length=64)
    name: str = Field(max_length=200)
    redirect_uris: list[str] = Field(sa_column=Column(JSON, nullable=False))
    public: bool
    secret_hash: str | None = Field(default=None, max_length=255)
    enabled: bool = True
    created_at: datetime = Field(sa_type=UtcDateTime)


class AuthorizationCode(AuthTable, table=True):
    """A code handed to an app's redirect URI, exchanged once (its SHA-256 kept)."""

    __tablename__ = "authorization_codes"

    code_hash: str = Field(primary_key=True, max_length=64)
    app_id: str = Field(foreign_key="browser_apps.client_id", max_length=64)
    person_id: str = Field(foreign_key="people.id", max_length=40, index=True)
    redirect_uri: str = Field(max_length=2000)
    code_challenge: str = Field(max_length=128)
    signed_in_at: datetime = Field(sa_type=UtcDateTime)
    expires_at: datetime = Field(sa_type=UtcDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    # The session its exchange started: ended if the code is presented again.
    session_id: str | None = Field(default=None, max_length=40)


class PersonSession(AuthTable, table=True):
    """A signed-in session of one person in one app: one family of refresh tokens."""

    __tablename__ = "person_sessions"

    id: str = Field(primary_key=True, max_length=40)
    person_id: str = Field(foreign_key="people.id", max_length=40, index=True)
    app_id: str = Field(foreign_key="browser_apps.client_id", max_length=64)
    address: str | None = Field(default=None, max_length=64)
    started_at: datetime = Field(sa_type=UtcDateTime)
    last_used_at: datetime = Field(sa_type=UtcDateTime)
    ended_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    end_reason: str | None = Field(default=None, max_length=32)


class RefreshToken(AuthTable, table=True):
    """A refresh token (SHA-256 kept); used once, then replaced by the next of its family."""

    __tablename__ = "refresh_tokens"

    token_hash: str = Field(primary_key=True, max_length=64)
    session_id: str = Field(foreign_key="person_sessions.id", max_length=40, index=True)
    issued_at: datetime = Field(sa_type=UtcDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


__all__ = [
    "ORG_TYPES",
    "ROLE_PAIRS",
    "ApiClient",
    "AuditEvent",
    "AuthTable",
    "AuthorizationCode",
    "BrowserApp",
    "Community",
    "CommunityMembership",
    "Enrolment",
    "Organisation",
    "Person",
    "PersonSession",
    "RecoveryCode",
    "RefreshToken",
    "SigningKey",
    "idempotency_keys",
    "metadata",
]
