"""The registry owns the weapon category and ammunition type codes: one list each."""

from __future__ import annotations

from typing import get_args

from services.registry.reference.schemas import (
    AmmunitionTypeCode,
    CategoryCode,
    ExplosiveTypeCode,
    OrdnanceTypeCode,
)
from services.registry.reference.service import (
    AMMUNITION_TYPES,
    EXPLOSIVE_TYPES,
    ORDNANCE_TYPES,
    WEAPON_CATEGORIES,
)


def test_the_category_type_accepts_exactly_the_labelled_categories() -> None:
    assert get_args(CategoryCode) == tuple(c.code for c in WEAPON_CATEGORIES)


def test_the_ammunition_type_accepts_exactly_the_labelled_types() -> None:
    assert get_args(AmmunitionTypeCode) == tuple(t.code for t in AMMUNITION_TYPES)


def test_the_ordnance_and_explosive_types_accept_exactly_the_labelled_types() -> None:
    assert get_args(OrdnanceTypeCode) == tuple(t.code for t in ORDNANCE_TYPES)
    assert get_args(ExplosiveTypeCode) == tuple(t.code for t in EXPLOSIVE_TYPES)
