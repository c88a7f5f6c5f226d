"""Queries behind ammunition ``linkage`` alerts (:mod:`.ammunition_linkage`): a
declaration's ammunition signatures, every recovery sharing one, and the alert a
signature group already has."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.engine import Row
from sqlmodel import Session

from services.registry.alerts.detection_repository import MAX_LINKED, RECOVERIES
from services.registry.models.handles import alerts, declared_items

SIGNATURE = ("calibre_key", "manufacturer_key", "year_of_manufacture", "lot_key")


# tenancy: detection across states (ammunition_linkage.py), readers filtered by the alert's audience
def ammunition_signatures(session: Session, *, declaration_id: str) -> list[Row[Any]]:
    """The distinct (calibre, maker, year, lot or null) of a recovery's ammunition that
    names calibre, maker and year (the maker and year as declared or read from the
    headstamp)."""
    di = declared_items
    statement = (
        select(*(di.c[k] for k in SIGNATURE))
        .where(
            di.c.declaration_id == declaration_id,
            di.c.kind == "ammunition",
            di.c.declaration_type.in_(RECOVERIES),
            di.c.calibre_key.is_not(None),
            di.c.manufacturer_key.is_not(None),
            di.c.year_of_manufacture.is_not(None),
        )
        .distinct()
        .order_by(*(di.c[k] for k in SIGNATURE))
    )
    return list(session.execute(statement).all())


# tenancy: detection across states (ammunition_linkage.py), readers filtered by the alert's audience
def signature_members(session: Session, signature: Row[Any]) -> list[Row[Any]]:
    """Every recovery holding ammunition of ``signature`` (the lot the same, or absent in
    both), one row per declaration with its header, incident, resolved armed group and
    what matched: oldest event first, at most MAX_LINKED."""
    di = declared_items
    lot = signature.lot_key
    statement = (
        select(
            di.c.declaration_id,
            di.c.declaration_version,
            di.c.declaring_country,
            di.c.event_date,
            di.c.location_country,
            di.c.place,
            di.c.presumed_user,
            di.c.incident_id,
            di.c.armed_group,
            func.count().label("items"),
            func.sum(di.c.quantity).label("quantity"),
            func.min(di.c.headstamp).label("headstamp"),
            func.min(di.c.headstamp_maker).label("headstamp_maker"),
            func.min(di.c.manufacturer).label("manufacturer"),
            func.min(di.c.calibre).label("calibre"),
            func.min(di.c.condition).label("condition"),
        )
        .where(
            di.c.kind == "ammunition",
            di.c.declaration_type.in_(RECOVERIES),
            di.c.calibre_key == signature.calibre_key,
            di.c.manufacturer_key == signature.manufacturer_key,
            di.c.year_of_manufacture == signature.year_of_manufacture,
            di.c.lot_key.is_(None) if lot is None else di.c.lot_key == lot,
        )
        .group_by(
            di.c.declaration_id,
            di.c.declaration_version,
            di.c.declaring_country,
            di.c.event_date,
            di.c.location_country,
            di.c.place,
            di.c.presumed_user,
            di.c.incident_id,
            di.c.armed_group,
        )
        .order_by(di.c.event_date, di.c.declaration_id)
        .limit(MAX_LINKED)
    )
    return list(session.execute(statement).all())


def latest_alert_of_group(session: Session, dedupe_base: str) -> Row[Any] | None:
    """The newest alert raised for a signature group (its dedupe key, or the key of a
    later generation ``<key>#<n>`` raised after an earlier one was closed)."""
    a = alerts
    statement = (
        select(a.c.id, a.c.status, a.c.dedupe_key)
        .where(or_(a.c.dedupe_key == dedupe_base, a.c.dedupe_key.like(f"{dedupe_base}#%")))
        .order_by(a.c.created_at.desc(), a.c.id.desc())
        .limit(1)
    )
    return session.execute(statement).first()


def generations_of_group(session: Session, dedupe_base: str) -> int:
    """How many alerts a signature group has had."""
    a = alerts
    statement = select(func.count()).where(
        and_(or_(a.c.dedupe_key == dedupe_base, a.c.dedupe_key.like(f"{dedupe_base}#%")))
    )
    return int(session.execute(statement).scalar_one())
