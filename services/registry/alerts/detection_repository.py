"""Queries behind alert detection: set-based joins on indexed match keys, bounded."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import and_, func, literal, or_, select, true, union_all
from sqlalchemy.engine import Row
from sqlmodel import Session

from services.common.security import ReadScope
from services.registry.ledger.repository import aggregate
from services.registry.models import Mission
from services.registry.models.handles import (
    declared_items,
    manifest_items,
    manifests,
    missions,
)

RECOVERIES = ("seizure", "collection")
MAX_LINKED = 1000
MAX_EVIDENCE = 1000
# Detection reads every contingent's movements; an alert's audience rows say who sees it.
_EVERY_RECORD = ReadScope(everything=True, periods=())


# The diversion rule for ammunition, the same whichever record comes second: the lot
# of a contingent's "in" (calibre and lot keys), and makers that do not disagree.
_SAME_LOT = and_(
    manifest_items.c.calibre_key == declared_items.c.calibre_key,
    manifest_items.c.lot_key == declared_items.c.lot_key,
)
_AMMUNITION_IN = and_(
    declared_items.c.kind == "ammunition",
    manifest_items.c.kind == "ammunition",
    manifest_items.c.direction == "in",
)
_LOT_MAKERS_AGREE = or_(
    declared_items.c.manufacturer_key.is_(None),
    manifest_items.c.manufacturer_key.is_(None),
    manifest_items.c.manufacturer_key == declared_items.c.manufacturer_key,
)


# tenancy: detection across states (diversions.py), readers filtered by the alert's audience
def diversion_matches(session: Session, *, declaration_id: str) -> list[Row[Any]]:
    """Declared items of a declaration matching materiel declared in by a contingent:
    weapons by serial key (and manufacturer when the declaration names one), ammunition by
    calibre and lot (and manufacturer when both name one). One row per manifest item."""
    di, mi = declared_items, manifest_items
    columns = (
        di.c.item_index,
        di.c.kind,
        di.c.serial_number.label("declared_serial"),
        di.c.lot_number.label("declared_lot"),
        mi.c.mission_code,
        mi.c.contributing_country,
        mi.c.manifest_id,
        mi.c.line,
        mi.c.crossing_date,
        mi.c.unit,
        mi.c.serial_number.label("manifest_serial"),
        mi.c.lot_number.label("manifest_lot"),
        mi.c.manufacturer,
        mi.c.model,
    )
    weapons = (
        select(*columns)
        .select_from(di)
        .join(mi, mi.c.serial_key == di.c.serial_key)
        .where(
            di.c.declaration_id == declaration_id,
            di.c.kind == "weapon",
            mi.c.kind == "weapon",
            mi.c.direction == "in",
            or_(di.c.manufacturer_key.is_(None), mi.c.manufacturer_key == di.c.manufacturer_key),
        )
    )
    lots = (
        select(*columns)
        .select_from(di)
        .join(mi, _SAME_LOT)
        .where(di.c.declaration_id == declaration_id, _AMMUNITION_IN, _LOT_MAKERS_AGREE)
    )
    found = list(session.execute(weapons).all())
    found += list(session.execute(lots).all())
    return found


# tenancy: detection across states (diversions.py), readers filtered by the alert's audience
def manifest_diversion_matches(session: Session, *, manifest_id: str) -> list[Row[Any]]:
    """Items of a just-stored manifest ``in`` matching declared items already indexed, by
    the rule of :func:`diversion_matches` seen from the other side. One query over the
    manifest's items (each probes the indexed keys), ordered by declared item then line;
    each row carries the declaration's header as its items repeat it."""
    di, mi = declared_items, manifest_items
    columns = (
        di.c.declaration_id,
        di.c.declaration_version,
        di.c.declaration_type,
        di.c.declaring_country,
        di.c.mission_code.label("declared_mission"),
        di.c.event_date,
        di.c.location_country,
        di.c.place,
        di.c.item_index,
        di.c.kind,
        di.c.serial_number.label("declared_serial"),
        di.c.lot_number.label("declared_lot"),
        mi.c.manifest_id,
        mi.c.line,
        mi.c.crossing_date,
        mi.c.unit,
        mi.c.serial_number.label("manifest_serial"),
        mi.c.lot_number.label("manifest_lot"),
        mi.c.manufacturer,
        mi.c.model,
    )
    # "No maker declared, or the same maker", written so that it can only filter what the
    # serial-key probe found: as an OR, PostgreSQL may AND in the maker's index entries,
    # all 100,000 of them for a manifest of one maker (a weapon always names its maker).
    same_maker = func.coalesce(di.c.manufacturer_key, mi.c.manufacturer_key) == (
        mi.c.manufacturer_key
    )
    weapons = (
        select(*columns)
        .select_from(mi)
        .join(di, di.c.serial_key == mi.c.serial_key)
        .where(
            mi.c.manifest_id == manifest_id,
            mi.c.kind == "weapon",
            mi.c.direction == "in",
            di.c.kind == "weapon",
            same_maker,
        )
    )
    lots = (
        select(*columns)
        .select_from(mi)
        .join(di, _SAME_LOT)
        .where(mi.c.manifest_id == manifest_id, _AMMUNITION_IN, _LOT_MAKERS_AGREE)
    )
    matches = union_all(weapons, lots).subquery("matches")
    statement = select(matches).order_by(
        matches.c.declaration_id, matches.c.item_index, matches.c.line
    )
    return list(session.execute(statement).all())


# tenancy: detection across states (_raise_linkages), readers filtered by the alert's audience
def linked_declarations(
    session: Session, *, declaration_id: str, incident_id: str | None = None
) -> list[Row[Any]]:
    """Other recoveries sharing a weapon signature (manufacturer, model and year) with
    this declaration's weapons, from another incident than ``incident_id`` (None: the
    declaration is an incident of its own). Distinct (signature, other declaration), at
    most MAX_LINKED rows. Ammunition is linked by group (``linkage_repository``)."""
    di = declared_items
    found: list[Row[Any]] = []
    for kind, keys in (("weapon", ("manufacturer_key", "model_key", "year_of_manufacture")),):
        mine = (
            select(*(di.c[k] for k in keys))
            .where(
                di.c.declaration_id == declaration_id,
                di.c.kind == kind,
                *(di.c[k].is_not(None) for k in keys),
            )
            .distinct()
            .subquery("mine")
        )
        other = di.alias("other")
        statement = (
            select(
                literal(kind).label("kind"),
                *(mine.c[k] for k in keys),
                other.c.declaration_id,
                other.c.declaring_country,
                other.c.event_date,
                other.c.location_country,
                other.c.place,
                func.count().label("items"),
            )
            .select_from(mine)
            .join(other, and_(*(other.c[k] == mine.c[k] for k in keys)))
            .where(
                other.c.declaration_id != declaration_id,
                other.c.kind == kind,
                other.c.declaration_type.in_(RECOVERIES),
                or_(other.c.incident_id.is_(None), other.c.incident_id != incident_id)
                if incident_id is not None
                else true(),
            )
            .group_by(
                *(mine.c[k] for k in keys),
                other.c.declaration_id,
                other.c.declaring_country,
                other.c.event_date,
                other.c.location_country,
                other.c.place,
            )
            .limit(MAX_LINKED)
        )
        found += list(session.execute(statement).all())
    return found


# Detection reads every state's destructions; the alert's audience rows, every one of which
# must admit a reader, say who sees the result.
# tenancy: detection across states, readers filtered by the alert's audience
def destroyed_by_other_states(session: Session, *, declaration_id: str) -> list[Row[Any]]:
    """Destructions by other declaring states of weapons this destruction destroys (same
    serial and manufacturer keys): one row per other destruction, with how many weapons
    they share and those weapons' serials as this declaration wrote them (at most
    MAX_LINKED rows)."""
    mine, other = declared_items.alias("mine"), declared_items.alias("other")
    statement = (
        select(
            other.c.declaration_id,
            other.c.declaring_country,
            other.c.event_date,
            other.c.location_country,
            other.c.place,
            func.count().label("items"),
            func.min(mine.c.serial_number).label("first_serial"),
        )
        .select_from(mine)
        .join(
            other,
            and_(
                other.c.serial_key == mine.c.serial_key,
                other.c.manufacturer_key == mine.c.manufacturer_key,
            ),
        )
        .where(
            mine.c.declaration_id == declaration_id,
            mine.c.kind == "weapon",
            mine.c.declaration_type == "destruction",
            mine.c.serial_key.is_not(None),
            mine.c.manufacturer_key.is_not(None),
            other.c.kind == "weapon",
            other.c.declaration_type == "destruction",
            other.c.declaring_country != mine.c.declaring_country,
        )
        .group_by(
            other.c.declaration_id,
            other.c.declaring_country,
            other.c.event_date,
            other.c.location_country,
            other.c.place,
        )
        .order_by(other.c.declaration_id)
        .limit(MAX_LINKED)
    )
    return list(session.execute(statement).all())


def weapons_still_held(
    session: Session, *, mission: str, country: str, unit: str | None = None
) -> list[Row[Any]]:
    """A contingent's weapons whose balance is still positive (at most MAX_EVIDENCE);
    with ``unit``, those whose latest in-movement was that unit's."""
    lines = aggregate(
        mission=mission,
        country=country,
        kind="weapon",
        scope=_EVERY_RECORD,
        evidence=False,
    ).subquery("lines")
    conditions = [lines.c.balance > 0]
    if unit is not None:
        conditions.append(lines.c.unit == unit)
    statement = (
        select(
            lines.c.serial_number,
            lines.c.manufacturer,
            lines.c.model,
            lines.c.unit,
            lines.c.balance,
        )
        .where(*conditions)
        .order_by(lines.c.key1, lines.c.key2)
        .limit(MAX_EVIDENCE)
    )
    return list(session.execute(statement).all())


def ended_missions(session: Session, *, today: date) -> list[Mission]:
    """Missions whose end date has passed."""
    t = missions
    statement = select(Mission).where(t.c.end_date.is_not(None), t.c.end_date < today)
    return list(session.execute(statement).scalars())


# tenancy: background job: detection.py scan_ended_missions (regctl alerts scan), every contingent
def contingents_of(session: Session, mission: str) -> list[str]:
    """Countries that declared materiel into a mission."""
    t = manifests
    statement = (
        select(t.c.contributing_country)
        .where(t.c.mission_code == mission, t.c.direction == "in")
        .distinct()
        .order_by(t.c.contributing_country)
    )
    return [str(c) for c in session.execute(statement).scalars()]
