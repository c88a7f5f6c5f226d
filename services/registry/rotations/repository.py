"""Units whose rotation ends soon while they still hold weapons.

A unit's rotation ends on the ``rotation_end_date`` of its latest ``in`` manifest (a
correction counts only when the unit has no other), else on its mission's end date.
It still holds weapons when its weapons in outnumber its weapons out (the same count as
before planned dates existed: lost and destroyed weapons are reconciliation's concern).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import and_, case, func, select, tuple_
from sqlalchemy.engine import Row
from sqlmodel import Session

from services.common.security import ReadScope
from services.registry.models.handles import manifest_items, manifests, missions

_EVERY_RECORD = ReadScope(everything=True, periods=())


def units_ending(
    session: Session,
    *,
    scope: ReadScope,
    today: date,
    until: date,
    mission: str | None = None,
    country: str | None = None,
    limit: int,
) -> list[Row[Any]]:
    """The contingents (mission, country, unit) of the movements ``scope`` may read whose
    rotation ends between ``today`` and ``until`` and that still hold weapons; soonest
    first, at most ``limit``."""
    statement = _ending(scope=scope, today=today, until=until, mission=mission, country=country)
    return list(session.execute(statement.limit(limit)))


# The periodic rotation check reads every state's holdings; each event it writes carries
# the grants of the contingent's own records (audience.readers_of), so it reveals none.
# tenancy: a background job over every state, whose events carry each record's tenancy
def every_unit_ending(session: Session, *, today: date, until: date) -> list[Row[Any]]:
    """Every state's contingents whose rotation ends between ``today`` and ``until`` and
    that still hold weapons."""
    return list(session.execute(_ending(scope=_EVERY_RECORD, today=today, until=until)))


def _ending(
    *,
    scope: ReadScope,
    today: date,
    until: date,
    mission: str | None = None,
    country: str | None = None,
) -> Any:
    t, mi, m = manifests, manifest_items, missions
    latest_first = func.row_number().over(
        partition_by=(t.c.mission_code, t.c.contributing_country, t.c.unit),
        order_by=(t.c.is_correction, t.c.crossing_date.desc(), t.c.created_at.desc(), t.c.id),
    )
    ins = select(
        t.c.mission_code,
        t.c.contributing_country,
        t.c.unit,
        t.c.rotation_end_date,
        latest_first.label("latest_first"),
    ).where(t.c.direction == "in", scope.clause(t.c.contributing_country, t.c.crossing_date))
    if mission is not None:
        ins = ins.where(t.c.mission_code == mission)
    if country is not None:
        ins = ins.where(t.c.contributing_country == country)
    latest_in = ins.subquery("latest_in")
    ends_on = func.coalesce(latest_in.c.rotation_end_date, m.c.end_date)
    # The units whose rotation ends in the window, from the manifests (few rows), before
    # the items (many) are summed for those units only.
    due = (
        select(
            latest_in.c.mission_code,
            latest_in.c.contributing_country,
            latest_in.c.unit,
            latest_in.c.rotation_end_date.label("planned_end"),
            m.c.end_date.label("mission_end"),
            ends_on.label("ends_on"),
        )
        .join(m, m.c.code == latest_in.c.mission_code)
        .where(latest_in.c.latest_first == 1, ends_on >= today, ends_on <= until)
        .subquery("due")
    )
    signed = func.sum(
        func.coalesce(mi.c.quantity, 0)
        * case((mi.c.direction == "in", 1), (mi.c.direction == "out", -1), else_=0)
    )
    held = (
        select(
            mi.c.mission_code,
            mi.c.contributing_country,
            mi.c.unit,
            func.max(mi.c.crossing_date).label("last_crossing"),
            signed.label("held"),
        )
        .where(
            mi.c.kind == "weapon",
            scope.clause(mi.c.contributing_country, mi.c.crossing_date),
            tuple_(mi.c.mission_code, mi.c.contributing_country, mi.c.unit).in_(
                select(due.c.mission_code, due.c.contributing_country, due.c.unit)
            ),
        )
        .group_by(mi.c.mission_code, mi.c.contributing_country, mi.c.unit)
        .having(signed > 0)
        .subquery("held")
    )
    return (
        select(
            due.c.mission_code,
            due.c.contributing_country,
            due.c.unit,
            due.c.planned_end,
            due.c.mission_end,
            due.c.ends_on,
            held.c.last_crossing,
            held.c.held,
        )
        .join(
            held,
            and_(
                held.c.mission_code == due.c.mission_code,
                held.c.contributing_country == due.c.contributing_country,
                held.c.unit == due.c.unit,
            ),
        )
        .order_by(due.c.ends_on, due.c.mission_code, due.c.contributing_country, due.c.unit)
    )
