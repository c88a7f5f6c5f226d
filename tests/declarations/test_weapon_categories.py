"""The declarations service's weapon categories are the registry's, which owns them.

Declarations keeps its own copy (services talk over HTTP, never by import), so
this test is what keeps the copy equal to the registry's reference data.
"""

from __future__ import annotations

from typing import get_args

from services.declarations.declarations.schemas import WeaponCategory
from services.registry.reference.service import WEAPON_CATEGORIES


def test_declarations_accepts_exactly_the_registrys_weapon_categories() -> None:
    assert get_args(WeaponCategory) == tuple(c.code for c in WEAPON_CATEGORIES)
