"""Queries behind ``embargo`` alerts (:mod:`.embargo_alerts`): the embargoes in force on a
country, the items they cover, and the alerts an embargo raised."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import and_, func, literal, or_, select, true
from sqlalchemy.engine import Row
from sqlmodel import Session

from services.registry.alerts.detection_repository import MAX_EVIDENCE
from services.registry.models import Embargo
from services.registry.models.handles import (
    alerts,
    declared_items,
    embargoes,
    indexed_declarations,
)

EMBARGO_ITEM_FIELDS = (
    "item_index",
    "kind",
    "manufacturer",
    "model",
    "calibre",
    "serial_number",
    "lot_number",
    "year_of_manufacture",
)


def embargoes_for(session: Session, country: str) -> list[Embargo]:
    """Embargoes configured for a country and not withdrawn."""
    statement = select(Embargo).where(
        embargoes.c.country == country, embargoes.c.withdrawn_at.is_(None)
    )
    return list(session.execute(statement).scalars())


def listed_embargoes(session: Session) -> list[Embargo]:
    """Embargoes on listed entities wherever they are, not withdrawn."""
    statement = select(Embargo).where(
        embargoes.c.scope == "listed_entities", embargoes.c.withdrawn_at.is_(None)
    )
    return list(session.execute(statement).scalars())


# tenancy: detection across states (embargo_alerts.py), readers filtered by the alert's audience
def alerts_of_embargo(session: Session, embargo_id: str) -> list[Row[Any]]:
    """The open or acknowledged ``embargo`` alerts an embargo raised, each with its
    declaration's date and presumed user kind (to tell which ones it still raises)."""
    a = alerts
    d = indexed_declarations
    statement = (
        select(a.c.id, d.c.event_date, d.c.presumed_user_kind, d.c.armed_group)
        .join(d, d.c.declaration_id == a.c.declaration_id)
        .where(
            a.c.kind == "embargo",
            a.c.dedupe_key == literal("embargo:") + a.c.declaration_id + f":{embargo_id}",
            a.c.status.in_(("open", "acknowledged")),
        )
        .order_by(a.c.id)
    )
    return list(session.execute(statement).all())


# tenancy: detection across states (embargo_alerts.py), readers filtered by the alert's audience
def items_made_between(
    session: Session, *, declaration_id: str, after_year: int, until_year: int | None
) -> tuple[int, list[Row[Any]]]:
    """Items of a declaration made after ``after_year`` (and not after ``until_year``):
    their count and the first MAX_EVIDENCE."""
    di = declared_items
    conditions = [
        di.c.declaration_id == declaration_id,
        di.c.year_of_manufacture > after_year,
        di.c.year_of_manufacture <= until_year if until_year is not None else true(),
    ]
    count = session.execute(select(func.count()).where(*conditions)).scalar_one()
    rows = session.execute(
        select(*(di.c[name] for name in EMBARGO_ITEM_FIELDS))
        .where(*conditions)
        .order_by(di.c.item_index)
        .limit(MAX_EVIDENCE)
    ).all()
    return int(count), list(rows)


# tenancy: detection across states (embargo_alerts.py), readers filtered by the alert's audience
def items_under_embargo(
    session: Session,
    *,
    country: str | None,
    armed_groups: list[str] | None,
    starts_on: date,
    after_year: int,
    until_year: int | None,
) -> list[Row[Any]]:
    """Indexed items found in ``country`` (their incident's, else their own location's)
    (or, with ``armed_groups``, those whose presumed
    user resolved to one of them, wherever found) on or after ``starts_on`` and made after
    ``after_year`` (and not after ``until_year``): the first MAX_EVIDENCE of each
    declaration, each row with its declaration's header and ``item_count``, the number
    of such items in that declaration. One query (window functions)."""
    di = declared_items
    by_declaration = di.c.declaration_id
    matching = (
        select(
            di.c.declaration_id,
            di.c.declaration_version,
            di.c.declaration_type,
            di.c.declaring_country,
            di.c.mission_code.label("declared_mission"),
            di.c.event_date,
            di.c.location_country,
            di.c.place,
            di.c.presumed_user_kind,
            di.c.armed_group,
            *(di.c[name] for name in EMBARGO_ITEM_FIELDS),
            func.count().over(partition_by=by_declaration).label("item_count"),
            func.row_number()
            .over(partition_by=by_declaration, order_by=di.c.item_index)
            .label("position"),
        )
        .where(
            di.c.armed_group.in_(armed_groups)
            if armed_groups is not None
            # Where it was found: its incident's country, else its own location's.
            else or_(
                di.c.incident_country == country,
                and_(di.c.incident_country.is_(None), di.c.location_country == country),
            ),
            di.c.event_date >= starts_on,
            di.c.year_of_manufacture > after_year,
            di.c.year_of_manufacture <= until_year if until_year is not None else true(),
        )
        .subquery("matching")
    )
    statement = (
        select(matching)
        .where(matching.c.position <= MAX_EVIDENCE)
        .order_by(matching.c.declaration_id, matching.c.item_index)
    )
    return list(session.execute(statement).all())
