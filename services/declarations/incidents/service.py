"""Incidents: what several declarations, of one state or several, were recovered from.

Who reads an incident: the organisation that created it, and the secretariats whose
members include its country on its date (the operator: all). A state that knows an
incident's id may name it in its own declarations (``incident_id``) without reading it:
the id is the capability, and what that state learns of the incident is what it
declared itself. Incidents are never changed once created.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlmodel import Session

from services.common.errors import FieldProblem, NotFound, ValidationFailed
from services.common.pagination import PageParams
from services.common.security import Principal, ReadScope
from services.common.submitted_by import SubmittedBy
from services.declarations.declarations.checks import EARLIEST_PLAUSIBLE_DATE
from services.declarations.declarations.repository import as_utc
from services.declarations.declarations.schemas import Location
from services.declarations.incidents import repository
from services.declarations.incidents.schemas import IncidentCreate, IncidentView


def create_incident(
    session: Session, *, principal: Principal, incident: IncidentCreate, now: datetime
) -> IncidentView:
    """Record an incident; 422 naming every problem (future or pre-1945 date, one
    coordinate without the other)."""
    problems = []
    if incident.date > now.date():
        problems.append(FieldProblem(loc="date", msg="the incident date is in the future"))
    if incident.date < EARLIEST_PLAUSIBLE_DATE:
        problems.append(FieldProblem(loc="date", msg="the incident date is before 1945"))
    if (incident.location.lat is None) != (incident.location.lon is None):
        problems.append(FieldProblem(loc="location", msg="give both lat and lon, or neither"))
    if problems:
        raise ValidationFailed(problems)
    values: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "incident_type": incident.type,
        "incident_date": incident.date,
        "country": incident.location.country,
        "place": incident.location.place,
        "lat": incident.location.lat,
        "lon": incident.location.lon,
        "presumed_user": incident.presumed_user,
        "description": incident.description,
        "created_at": now,
        "created_by": principal.client_id,
        "created_by_type": principal.subject_type,
        "created_by_org": principal.org,
    }
    repository.insert_incident(session, values)
    return _view(values)


def get_incident(
    session: Session, *, incident_id: str, scope: ReadScope, own_org: str
) -> IncidentView:
    """One incident the caller may read; 404 otherwise (as if it did not exist)."""
    row = repository.find_incident(session, incident_id, scope=scope, own_org=own_org)
    if row is None:
        raise NotFound(f"No incident {incident_id}", code="incident_not_found")
    return _view(dict(row._mapping))


def list_incidents(
    session: Session, *, scope: ReadScope, own_org: str, page: PageParams
) -> tuple[list[IncidentView], str | None]:
    """The incidents the caller may read, oldest created first."""
    rows, cursor = repository.list_incidents(session, scope=scope, own_org=own_org, page=page)
    return [_view(dict(row._mapping)) for row in rows], cursor


def _view(values: dict[str, Any]) -> IncidentView:
    return IncidentView(
        id=values["id"],
        type=values["incident_type"],
        date=values["incident_date"],
        location=Location(
            country=values["country"],
            place=values["place"],
            lat=values["lat"],
            lon=values["lon"],
        ),
        presumed_user=values["presumed_user"],
        description=values["description"],
        created_at=as_utc(values["created_at"]),
        submitted_by=SubmittedBy(
            type=values["created_by_type"],
            id=values["created_by"],
            organisation=values["created_by_org"],
        ),
    )
