"""The reconciliation query: balances with status, discrepancies first, paginated in SQL."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import and_, case, func, literal, or_, select, union_all
from sqlalchemy.engine import Row
from sqlmodel import Session

from services.common.pagination import PageParams, paginate
from services.common.security import ReadScope
from services.registry.ledger.repository import aggregate
from services.registry.models.handles import manifests


def list_lines(
    session: Session,
    *,
    mission: str,
    mission_ended: bool,
    country: str | None,
    kinds: tuple[str, ...],
    scope: ReadScope,
    discrepancies_only: bool,
    params: PageParams,
) -> tuple[list[Row[Any]], str | None]:
    """A page of reconciliation lines over the movements ``scope`` may read: discrepancies
    first, then by kind, country, key.

    A contingent is a country and a unit; a line belongs to the unit of its latest
    in-movement. That contingent's rotation has ended when the mission has, or when
    the unit's latest ``closes_rotation`` out manifest is not older than its latest
    in manifest (another unit of the same country closing its rotation ends nothing).
    An ``in`` manifest's planned ``rotation_end_date`` ends nothing here: a plan is not
    proof of exit (``services.registry.rotations`` reads it, for reminders).
    """
    parts = [aggregate(mission=mission, country=country, kind=kind, scope=scope) for kind in kinds]
    grouped = (union_all(*parts) if len(parts) > 1 else parts[0]).subquery("grouped")
    t = manifests
    rotations = (
        select(
            t.c.contributing_country,
            t.c.unit,
            func.max(case((t.c.direction == "in", t.c.crossing_date))).label("last_in"),
            func.max(case((t.c.closes_rotation.is_(True), t.c.crossing_date))).label("last_close"),
        )
        .where(t.c.mission_code == mission)
        .group_by(t.c.contributing_country, t.c.unit)
        .subquery("rotations")
    )
    ended = or_(
        literal(mission_ended),
        and_(
            rotations.c.last_close.is_not(None),
            or_(rotations.c.last_in.is_(None), rotations.c.last_close >= rotations.c.last_in),
        ),
    )
    status = case(
        (grouped.c.balance < 0, "more_out_than_in"),
        (and_(grouped.c.kind == "weapon", grouped.c.balance > 1), "declared_in_twice"),
        (grouped.c.balance == 0, "balanced"),
        (ended, "not_taken_out"),
        else_="held",
    )
    lines = (
        select(
            grouped,
            status.label("status"),
            case((ended, 1), else_=0).label("rotation_ended"),
        )
        .select_from(grouped)
        .join(
            rotations,
            and_(
                rotations.c.contributing_country == grouped.c.contributing_country,
                rotations.c.unit == grouped.c.unit,
            ),
            isouter=True,
        )
        .subquery("lines")
    )
    rank = case((lines.c.status.in_(("balanced", "held")), 1), else_=0).label("rank")
    ranked = select(lines, rank).subquery("ranked")
    statement = select(ranked)
    if discrepancies_only:
        statement = statement.where(ranked.c.rank == 0)
    key = [
        ranked.c.rank,
        ranked.c.kind,
        ranked.c.contributing_country,
        ranked.c.key1,
        ranked.c.key2,
    ]
    return paginate(
        session,
        statement,
        key=key,
        params=params,
        key_of=lambda r: [r.rank, r.kind, r.contributing_country, r.key1, r.key2],
    )


def today() -> date:
    """Today's date in UTC (a seam for tests)."""
    from services.common.tables import utcnow

    return utcnow().date()
