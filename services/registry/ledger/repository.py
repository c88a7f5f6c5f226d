"""The movement ledger: every manifest item and loss-report item as a signed movement.

Holdings, reconciliation and the manifest duplicate rules all read this one
UNION ALL, filtered to one mission (and optionally one country) before
aggregation, and group it by the normalized keys:

    weapons      (mission, country, serial_key, manufacturer_key)
    ammunition   (mission, country, calibre_key, lot_key)

A weapon's (or lot's) unit is the unit of its latest in-movement (by crossing
date; between two ins on one day, the later unit name): weapons are tracked per
serial, and a contingent is a country and a unit, so rotation rules ask which
unit brought the weapon in last.

Destroyed quantities come from the declarations index (:mod:`models.index`): a
destruction declared by the contributing state itself, of an item with the
contingent's keys, in that mission (or naming no mission), is destroyed COE.
Destructions declared by another state are not: they are evidence of
diversion and raise an alert instead.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    and_,
    case,
    cast,
    func,
    literal,
    or_,
    select,
    text,
    union_all,
)
from sqlalchemy.sql import Subquery
from sqlmodel import Session

from services.common.security import ReadScope
from services.registry.models.handles import declared_items, loss_items, manifest_items


def _zero() -> ColumnElement[Any]:
    return literal(0)


# tenancy: write paths' balance checks over the caller's own contingent (require_own_country)
def movements(*, mission: str, country: str | None, kinds: tuple[str, ...]) -> Subquery:
    """Signed movements of one mission (and country) for the given item kinds."""
    mi = manifest_items
    li = loss_items
    manifest_filter = [mi.c.mission_code == mission, mi.c.kind.in_(kinds)]
    loss_filter = [li.c.mission_code == mission, li.c.kind.in_(kinds)]
    if country is not None:
        manifest_filter.append(mi.c.contributing_country == country)
        loss_filter.append(li.c.contributing_country == country)
    from_manifests: Select[Any] = select(
        literal("manifest").label("source"),
        mi.c.manifest_id.label("record_id"),
        mi.c.crossing_date.label("record_date"),
        mi.c.mission_code,
        mi.c.contributing_country,
        mi.c.unit,
        mi.c.kind,
        mi.c.serial_key,
        mi.c.manufacturer_key,
        mi.c.calibre_key,
        mi.c.lot_key,
        mi.c.serial_number,
        mi.c.manufacturer,
        mi.c.model,
        mi.c.category,
        mi.c.calibre,
        mi.c.lot_number,
        case((mi.c.direction == "in", mi.c.quantity), else_=0).label("qty_in"),
        case((mi.c.direction == "out", mi.c.quantity), else_=0).label("qty_out"),
        _zero().label("qty_lost"),
        _zero().label("qty_destroyed"),
    ).where(*manifest_filter)
    from_losses: Select[Any] = select(
        literal("loss_report").label("source"),
        li.c.loss_report_id.label("record_id"),
        li.c.loss_date.label("record_date"),
        li.c.mission_code,
        li.c.contributing_country,
        cast(literal(None), String).label("unit"),
        li.c.kind,
        li.c.serial_key,
        li.c.manufacturer_key,
        li.c.calibre_key,
        li.c.lot_key,
        li.c.serial_number,
        li.c.manufacturer,
        li.c.model,
        cast(literal(None), String).label("category"),
        li.c.calibre,
        li.c.lot_number,
        _zero().label("qty_in"),
        _zero().label("qty_out"),
        li.c.quantity.label("qty_lost"),
        _zero().label("qty_destroyed"),
    ).where(*loss_filter)
    di = declared_items
    destroyed_filter = [
        di.c.declaration_type == "destruction",
        or_(di.c.mission_code == mission, di.c.mission_code.is_(None)),
        di.c.kind.in_(kinds),
    ]
    if country is not None:
        destroyed_filter.append(di.c.declaring_country == country)
    from_destructions: Select[Any] = select(
        literal("declaration").label("source"),
        di.c.declaration_id.label("record_id"),
        di.c.event_date.label("record_date"),
        literal(mission).label("mission_code"),
        di.c.declaring_country.label("contributing_country"),
        cast(literal(None), String).label("unit"),
        di.c.kind,
        di.c.serial_key,
        di.c.manufacturer_key,
        di.c.calibre_key,
        di.c.lot_key,
        di.c.serial_number,
        di.c.manufacturer,
        di.c.model,
        di.c.category,
        di.c.calibre,
        di.c.lot_number,
        _zero().label("qty_in"),
        _zero().label("qty_out"),
        _zero().label("qty_lost"),
        di.c.quantity.label("qty_destroyed"),
    ).where(*destroyed_filter)
    return union_all(from_manifests, from_losses, from_destructions).subquery("movements")


def balance(m: Subquery) -> ColumnElement[Any]:
    """in − out − lost − destroyed over a group of movements."""
    return (
        func.sum(m.c.qty_in)
        - func.sum(m.c.qty_out)
        - func.sum(m.c.qty_lost)
        - func.sum(m.c.qty_destroyed)
    )


GROUP_KEYS: dict[str, tuple[str, str]] = {
    "weapon": ("serial_key", "manufacturer_key"),
    "ammunition": ("calibre_key", "lot_key"),
}


def _stamp(date_col: ColumnElement[Any], id_col: ColumnElement[Any]) -> ColumnElement[Any]:
    return cast(date_col, String) + literal(" ") + id_col


# "YYYY-MM-DD " is 11 characters: what follows a stamp is the value it carries.
_STAMPED_VALUE_START = 12


def latest_in_unit(is_in: ColumnElement[bool]) -> ColumnElement[Any]:
    """Aggregate: the unit of the latest in-movement of the group (None without an in)."""
    mi = manifest_items
    stamped = func.max(case((is_in, _stamp(mi.c.crossing_date, mi.c.unit)), else_=None))
    return func.substr(stamped, _STAMPED_VALUE_START)


def lock_contingent_ledger(session: Session, *, mission: str, country: str) -> None:
    """Serialize writers of one contingent's movements until the transaction ends, so a
    balance check sees every movement committed before it (PostgreSQL: a transaction-level
    advisory lock; SQLite already has one writer at a time)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    session.execute(
        text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
        {"key": f"registry:ledger\n{mission}\n{country}"},
    )


def aggregate(
    *, mission: str, country: str | None, kind: str, scope: ReadScope, evidence: bool = True
) -> Select[Any]:
    """Per weapon (or lot) of one mission: declared values, in/out/lost/destroyed, balance
    and (``evidence``) the latest "YYYY-MM-DD <record id>" of each movement kind.

    Manifest items are grouped directly, in the order of their covering index
    (no sort, no temporary union); the few loss items and the contingent's own
    declared destructions are grouped apart and joined per key.
    Only the movements ``scope`` may read (by country and date) are grouped.
    """
    visible = scope.clause
    mi, li, di = manifest_items, loss_items, declared_items
    k1, k2 = GROUP_KEYS[kind]
    loss_filter = [
        li.c.mission_code == mission,
        li.c.kind == kind,
        visible(li.c.contributing_country, li.c.loss_date),
    ]
    item_filter = [
        mi.c.mission_code == mission,
        mi.c.kind == kind,
        visible(mi.c.contributing_country, mi.c.crossing_date),
    ]
    if country is not None:
        loss_filter.append(li.c.contributing_country == country)
        item_filter.append(mi.c.contributing_country == country)
    losses = (
        select(
            li.c.contributing_country,
            li.c[k1],
            li.c[k2],
            func.sum(li.c.quantity).label("lost"),
            func.max(_stamp(li.c.loss_date, li.c.loss_report_id)).label("last_loss"),
        )
        .where(*loss_filter)
        .group_by(li.c.contributing_country, li.c[k1], li.c[k2])
        .subquery("losses")
    )
    destroyed_filter = [
        di.c.declaration_type == "destruction",
        or_(di.c.mission_code == mission, di.c.mission_code.is_(None)),
        di.c.kind == kind,
        visible(di.c.declaring_country, di.c.event_date),
    ]
    if country is not None:
        destroyed_filter.append(di.c.declaring_country == country)
    destructions = (
        select(
            di.c.declaring_country,
            di.c[k1],
            di.c[k2],
            func.sum(di.c.quantity).label("destroyed"),
            func.max(_stamp(di.c.event_date, di.c.declaration_id)).label("last_destroyed"),
        )
        .where(*destroyed_filter)
        .group_by(di.c.declaring_country, di.c[k1], di.c[k2])
        .subquery("destructions")
    )
    is_in = mi.c.direction == "in"
    qty_in = func.sum(case((is_in, mi.c.quantity), else_=0))
    qty_out = func.sum(case((is_in, 0), else_=mi.c.quantity))
    qty_lost = func.coalesce(func.max(losses.c.lost), 0)
    qty_destroyed = func.coalesce(func.max(destructions.c.destroyed), 0)
    columns: list[Any] = [
        literal(kind).label("kind"),
        mi.c.mission_code,
        mi.c.contributing_country,
        mi.c[k1].label("key1"),
        mi.c[k2].label("key2"),
        latest_in_unit(is_in).label("unit"),
        func.max(mi.c.category).label("category"),
        func.max(mi.c.manufacturer).label("manufacturer"),
        func.max(mi.c.model).label("model"),
        func.max(mi.c.calibre).label("calibre"),
        func.max(mi.c.serial_number).label("serial_number"),
        func.max(mi.c.lot_number).label("lot_number"),
        qty_in.label("qty_in"),
        qty_out.label("qty_out"),
        qty_lost.label("qty_lost"),
        qty_destroyed.label("qty_destroyed"),
        (qty_in - qty_out - qty_lost - qty_destroyed).label("balance"),
    ]
    if evidence:
        stamp = _stamp(mi.c.crossing_date, mi.c.manifest_id)
        columns += [
            func.max(case((is_in, stamp), else_=None)).label("last_in"),
            func.max(case((is_in, None), else_=stamp)).label("last_out"),
            func.max(losses.c.last_loss).label("last_loss"),
            func.max(destructions.c.last_destroyed).label("last_destroyed"),
        ]
    return (
        select(*columns)
        .select_from(mi)
        .join(
            losses,
            and_(
                losses.c.contributing_country == mi.c.contributing_country,
                losses.c[k1] == mi.c[k1],
                losses.c[k2] == mi.c[k2],
            ),
            isouter=True,
        )
        .join(
            destructions,
            and_(
                destructions.c.declaring_country == mi.c.contributing_country,
                destructions.c[k1] == mi.c[k1],
                destructions.c[k2] == mi.c[k2],
            ),
            isouter=True,
        )
        .where(*item_filter)
        .group_by(mi.c.mission_code, mi.c.contributing_country, mi.c[k1], mi.c[k2])
    )
