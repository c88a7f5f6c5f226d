"""Organisations: member states' ministries, secretariats, the operator."""

from __future__ import annotations

import re
from datetime import datetime

from sqlmodel import Session

from services.auth.actors import Actor
from services.auth.audit import service as audit
from services.auth.models import Community, Organisation
from services.auth.organisations import repository
from services.auth.organisations.schemas import OrganisationCreate
from services.common.countries import is_alpha3
from services.common.errors import Conflict, NotFound, ValidationFailed
from services.common.pagination import PageParams
from services.common.scopes import Scope
from services.common.security import Principal

OPERATOR_CODE = re.compile(r"^[A-Z][A-Z0-9_]{1,15}$")


def _check_code(session: Session, org_type: str, code: str) -> None:
    if org_type == "member_state" and not is_alpha3(code):
        message = "a member state's code is its ISO 3166-1 alpha-3 country code (e.g. SEN)"
    elif org_type == "secretariat" and session.get(Community, code) is None:
        message = "a secretariat's code is the code of a known community (e.g. ECOWAS, ECCAS)"
    elif org_type == "operator" and not OPERATOR_CODE.match(code):
        message = "an operator's code is 2-16 upper-case letters, digits or underscores"
    else:
        return
    raise ValidationFailed([{"loc": "code", "msg": message}])


def create_organisation(
    *, session: Session, data: OrganisationCreate, actor: Actor, now: datetime
) -> Organisation:
    """Create an organisation (409 ``organisation_exists`` when the code is taken, also
    by a concurrent create)."""
    code = data.code.strip().upper()
    _check_code(session, data.type, code)
    organisation = Organisation(code=code, type=data.type, name=data.name.strip(), created_at=now)
    if not repository.add_new(session, organisation):
        raise Conflict(f"An organisation with code {code} exists", code="organisation_exists")
    audit.record(
        session=session,
        actor=actor,
        event="organisation.created",
        subject=code,
        details={"type": data.type, "name": organisation.name},
        now=now,
    )
    return organisation


def get_organisation(*, session: Session, code: str, principal: Principal) -> Organisation:
    """One organisation: the operator sees all, others only their own (404 otherwise)."""
    organisation = repository.get(session, code.upper())
    visible = principal.has_scope(Scope.ADMIN) or principal.org == code.upper()
    if organisation is None or not visible:
        raise NotFound(f"No organisation {code}")
    return organisation


def list_organisations(
    *, session: Session, params: PageParams, org_type: str | None
) -> tuple[list[Organisation], str | None]:
    """A page of organisations by code."""
    return repository.page(session, params=params, org_type=org_type)
