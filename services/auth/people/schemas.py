"""People documents."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from services.auth.params import PRINTABLE
from services.auth.people.roles import Role

EMAIL = r"^[^@\s\x00-\x1f\x7f]{1,64}@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f]+$"


class PersonInvite(BaseModel):
    """Invite a person into an organisation with one role."""

    model_config = ConfigDict(extra="forbid")

    organisation: str = Field(pattern=r"^[A-Za-z0-9_]{2,16}$", examples=["SEN"])
    email: str = Field(max_length=254, pattern=EMAIL, examples=["a.diop@forces.gouv.sn"])
    name: str = Field(min_length=1, max_length=200, pattern=PRINTABLE, examples=["Awa Diop"])
    role: Role = Field(
        description="member state: admin, editor, reader; secretariat: admin, analyst,"
        " reader; operator: admin."
    )


class RoleChange(BaseModel):
    """A person's new role."""

    model_config = ConfigDict(extra="forbid")

    role: Role


class PersonOut(BaseModel):
    """A person (never their password, authenticator key or recovery codes)."""

    id: str
    organisation: str
    org_type: str
    email: str
    name: str
    role: str
    scopes: list[str]
    enabled: bool
    enrolled: bool = Field(description="True once a password and an authenticator are set.")
    created_at: datetime
    updated_at: datetime


class PersonInvited(PersonOut):
    """A new person and their one-time enrolment link."""

    enrolment_url: str | None = Field(
        description="One-time link, shown to the inviter to pass on. A replay of the same"
        " Idempotency-Key answers null here: POST .../reset-mfa gives a new link."
    )
    expires_at: datetime


class EnrolmentLink(BaseModel):
    """A new enrolment link for a person (re-enrolment: password and authenticator anew)."""

    person_id: str
    enrolment_url: str
    expires_at: datetime


class DirectoryEntry(BaseModel):
    """Who a service may write to: an enabled person's address, language and role."""

    id: str
    email: str
    name: str
    language: str = Field(description="en, fr, pt or es.")
    role: str
    scopes: list[str] = Field(description="What the person's role lets them read and do.")
    organisation: str
    org_type: str


class Directory(BaseModel):
    """Enabled people (every one: no pagination; a register has hundreds, not millions)."""

    items: list[DirectoryEntry]


class Triager(BaseModel):
    """A person an alert may be assigned to: who they are, nothing more."""

    id: str
    name: str
    email: str


class Triagers(BaseModel):
    """The enabled people of one organisation who triage alerts, by name (no pagination:
    a secretariat has dozens)."""

    items: list[Triager]
