"""Session documents."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class SessionOut(BaseModel):
    """An open sign-in session (one app, one sign-in)."""

    id: str
    app: str
    address: str | None
    started_at: datetime
    last_used_at: datetime


class SessionPerson(BaseModel):
    """Whose session it is."""

    id: str
    name: str
    email: str
    role: str


class OrganisationSessionOut(SessionOut):
    """An open session of one of the organisation's people."""

    person: SessionPerson


class SignedOut(BaseModel):
    """How many sessions were ended."""

    person_id: str
    sessions_ended: int
