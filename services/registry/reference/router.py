"""Reference lists (weapon categories, ammunition, ordnance and explosive types, serial
statuses, incident types, loss circumstances) and the trail
of changes to reference data (missions, embargoes)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from services.common.database import SessionDep
from services.common.errors import problem_responses
from services.common.pagination import Page, PageParamsDep
from services.common.security import PrincipalDep
from services.registry.reference import service, trail
from services.registry.reference.schemas import ReferenceChangeRead, ReferenceList
from services.registry.reference.trail import ReferenceEntity

router = APIRouter(prefix="/reference", tags=["reference"])


@router.get("/categories", response_model=ReferenceList)
def list_categories() -> ReferenceList:
    """Weapon category codes (UN Register / ITI usage) with English and French labels."""
    return ReferenceList(items=service.weapon_categories())


@router.get("/ammunition-types", response_model=ReferenceList)
def list_ammunition_types() -> ReferenceList:
    """Ammunition type codes with English and French labels."""
    return ReferenceList(items=service.ammunition_types())


@router.get("/loss-circumstances", response_model=ReferenceList)
def list_loss_circumstances() -> ReferenceList:
    """How a loss happened (a loss report's ``circumstance``), with English and French
    labels."""
    return ReferenceList(items=service.loss_circumstances())


@router.get("/ordnance-types", response_model=ReferenceList)
def list_ordnance_types() -> ReferenceList:
    """Explosive ordnance types (an ``ordnance`` item's ``ordnance_type``), with English
    and French labels."""
    return ReferenceList(items=service.labelled("ordnance-types"))


@router.get("/explosive-types", response_model=ReferenceList)
def list_explosive_types() -> ReferenceList:
    """Explosive types (an ``explosive`` item's ``explosive_type``), with labels."""
    return ReferenceList(items=service.labelled("explosive-types"))


@router.get("/serial-statuses", response_model=ReferenceList)
def list_serial_statuses() -> ReferenceList:
    """A weapon's ``serial_status`` in declarations, with labels."""
    return ReferenceList(items=service.labelled("serial-statuses"))


@router.get("/incident-types", response_model=ReferenceList)
def list_incident_types() -> ReferenceList:
    """An incident's ``type`` (declarations' incidents), with labels."""
    return ReferenceList(items=service.labelled("incident-types"))


@router.get(
    "/changes", response_model=Page[ReferenceChangeRead], responses=problem_responses(400, 403)
)
def list_reference_changes(
    session: SessionDep,
    principal: PrincipalDep,
    page: PageParamsDep,
    entity: Annotated[ReferenceEntity | None, Query()] = None,
    key: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
) -> Page[ReferenceChangeRead]:
    """Every change to missions, embargoes, armed groups and headstamp codes, oldest
    first: who (client, organisation, address, request id), when, why (``reason``:
    required for changes to armed groups and headstamp codes) and the entity before and
    after. Secretariats and the operator; member states 403. ``entity`` and ``key`` (a
    mission code, embargo id, armed group or headstamp code) narrow it."""
    changes, cursor = trail.list_changes(
        session=session, principal=principal, params=page, entity=entity, key=key
    )
    return Page(items=[ReferenceChangeRead.model_validate(c) for c in changes], next_cursor=cursor)
