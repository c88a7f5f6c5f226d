"""Holdings: what each contingent holds in a mission area now."""

from __future__ import annotations

from sqlmodel import Session

from services.common.errors import ValidationFailed
from services.common.pagination import PageParams
from services.common.security import ReadScope
from services.registry.holdings import repository
from services.registry.holdings.schemas import Holding
from services.registry.missions import repository as missions

ALL_KINDS = ("weapon", "ammunition")


def require_mission(session: Session, code: str) -> str:
    """The mission's code, upper-cased; 422 if the register does not know it."""
    mission = missions.get_mission(session, code.strip().upper())
    if mission is None:
        raise ValidationFailed([{"loc": "query.mission", "msg": f"unknown mission {code!r}"}])
    return mission.code


def list_holdings(
    *,
    session: Session,
    scope: ReadScope,
    mission: str,
    country: str | None,
    kind: str | None,
    params: PageParams,
    unit: str | None = None,
) -> tuple[list[Holding], str | None]:
    """Weapons in the area (in − out − lost − destroyed = 1) and ammunition balances > 0,
    per contingent, for the movements the caller may read.

    Each line's unit is the unit of its latest in-movement (a weapon moves between
    units only by going out and in again); ``unit`` keeps that unit's lines.
    """
    code = require_mission(session, mission)
    rows, cursor = repository.list_holdings(
        session,
        mission=code,
        country=country.upper() if country else None,
        unit=unit.strip() if unit else None,
        kinds=(kind,) if kind else ALL_KINDS,
        scope=scope,
        params=params,
    )
    holdings = [
        Holding(
            kind=row.kind,
            mission=row.mission_code,
            contributing_country=row.contributing_country,
            unit=row.unit,
            category=row.category,
            manufacturer=row.manufacturer,
            model=row.model,
            calibre=row.calibre,
            serial_number=row.serial_number if row.kind == "weapon" else None,
            lot_number=row.lot_number,
            quantity=int(row.balance),
            match_key=[row.key1, row.key2],
        )
        for row in rows
    ]
    return holdings, cursor
