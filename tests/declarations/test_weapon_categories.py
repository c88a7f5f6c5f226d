"""The declarations service's reference codes are the registry's, which owns them.

Declarations keeps its own copy (services talk over HTTP, never by import), so
this test is what keeps the copy equal to the registry's reference data.
"""

from __future__ import annotations

from typing import get_args

from services.declarations.declarations import schemas as declarations
from services.registry.reference import schemas as registry
from services.registry.reference.service import (
    EXPLOSIVE_TYPES,
    ORDNANCE_TYPES,
    WEAPON_CATEGORIES,
)


def test_declarations_accepts_exactly_the_registrys_weapon_categories() -> None:
    assert get_args(declarations.WeaponCategory) == tuple(c.code for c in WEAPON_CATEGORIES)


def test_declarations_accepts_exactly_the_registrys_ordnance_and_explosive_types() -> None:
    assert get_args(declarations.OrdnanceType) == tuple(t.code for t in ORDNANCE_TYPES)
    assert get_args(declarations.ExplosiveType) == tuple(t.code for t in EXPLOSIVE_TYPES)


def test_declarations_serial_statuses_and_units_are_the_registrys() -> None:
    assert get_args(declarations.SerialStatus) == get_args(registry.SerialStatus)
    assert get_args(declarations.QuantityUnit) == get_args(registry.QuantityUnit)
