"""Reference lists: weapon categories and ammunition types."""

from __future__ import annotations

from fastapi import APIRouter

from services.registry.reference import service
from services.registry.reference.schemas import ReferenceList

router = APIRouter(prefix="/reference", tags=["reference"])


@router.get("/categories", response_model=ReferenceList)
def list_categories() -> ReferenceList:
    """Weapon category codes (UN Register / ITI usage) with English and French labels."""
    return ReferenceList(items=service.weapon_categories())


@router.get("/ammunition-types", response_model=ReferenceList)
def list_ammunition_types() -> ReferenceList:
    """Ammunition type codes with English and French labels."""
    return ReferenceList(items=service.ammunition_types())
