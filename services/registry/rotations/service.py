"""Rotations ending soon: the units that must take their weapons out before they leave."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlmodel import Session

from services.common.security import ReadScope
from services.registry.rotations import repository
from services.registry.rotations.schemas import RotationEnding, RotationsEnding


def rotations_ending(
    *,
    session: Session,
    scope: ReadScope,
    today: date,
    within_days: int,
    mission: str | None,
    country: str | None,
    limit: int,
) -> RotationsEnding:
    """The units of the movements ``scope`` may read whose rotation ends within
    ``within_days`` of ``today`` (its planned end, else its mission's end) while they
    still hold weapons; soonest first."""
    rows = repository.units_ending(
        session,
        scope=scope,
        today=today,
        until=today + timedelta(days=within_days),
        mission=mission.strip().upper() if mission else None,
        country=country.upper() if country else None,
        limit=limit + 1,
    )
    return RotationsEnding(items=[to_rotation(row) for row in rows[:limit]], more=len(rows) > limit)


def to_rotation(row: Any) -> RotationEnding:
    """A row of :mod:`repository` as the API and the ``rotation.ending`` event show it."""
    return RotationEnding(
        mission=row.mission_code,
        contributing_country=row.contributing_country,
        unit=row.unit,
        rotation_ends_on=_date(row.ends_on),
        ends_by="planned_rotation_end" if row.planned_end is not None else "mission_end",
        weapons_held=int(row.held),
        last_crossing_date=_date(row.last_crossing),
    )


def _date(value: Any) -> date:
    # SQLite returns COALESCE and MAX of dates as text.
    return value if isinstance(value, date) else date.fromisoformat(str(value))
