"""The movement ledger: every manifest item and loss-report item as a signed movement.

Holdings, reconciliation and the manifest duplicate rules all read this one
UNION ALL, filtered to one mission (and optionally one country) before
aggregation, and group it by the normalized keys:

    weapons      (mission, country, serial_key, manufacturer_key)
    ammunition   (mission, country, calibre_key, lot_key)

Destroyed quantities (declarations service, issue 6) will arrive as a third
source: add it in :func:`movements` with ``qty_destroyed`` filled; every
balance already subtracts that column.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, String, case, cast, func, literal, select, union_all
from sqlalchemy.sql import Subquery

from services.registry.models import LossReportItem, Manifest, ManifestItem

manifest_items = ManifestItem.__table__  # type: ignore[attr-defined]
loss_items = LossReportItem.__table__  # type: ignore[attr-defined]
manifests = Manifest.__table__  # type: ignore[attr-defined]


def _zero() -> ColumnElement[Any]:
    return literal(0)


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
    return union_all(from_manifests, from_losses).subquery("movements")


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


def _latest(m: Subquery, condition: ColumnElement[bool]) -> ColumnElement[Any]:
    """Latest "YYYY-MM-DD <record id>" among movements meeting ``condition`` (evidence)."""
    stamp = cast(m.c.record_date, String) + literal(" ") + m.c.record_id
    return func.max(case((condition, stamp), else_=None))


def aggregate(*, mission: str, country: str | None, kind: str, visible: Any) -> Select[Any]:
    """Per weapon (or lot) of one mission: declared values, in/out/lost/destroyed, balance
    and the latest evidence of each movement kind. ``visible(country_col, date_col)`` is
    the caller's tenancy filter, applied to each movement before grouping."""
    m = movements(mission=mission, country=country, kinds=(kind,))
    key1, key2 = (m.c[name] for name in GROUP_KEYS[kind])
    return (
        select(
            literal(kind).label("kind"),
            m.c.mission_code,
            m.c.contributing_country,
            key1.label("key1"),
            key2.label("key2"),
            func.max(m.c.unit).label("unit"),
            func.max(m.c.category).label("category"),
            func.max(m.c.manufacturer).label("manufacturer"),
            func.max(m.c.model).label("model"),
            func.max(m.c.calibre).label("calibre"),
            func.max(m.c.serial_number).label("serial_number"),
            func.max(m.c.lot_number).label("lot_number"),
            func.sum(m.c.qty_in).label("qty_in"),
            func.sum(m.c.qty_out).label("qty_out"),
            func.sum(m.c.qty_lost).label("qty_lost"),
            func.sum(m.c.qty_destroyed).label("qty_destroyed"),
            balance(m).label("balance"),
            _latest(m, m.c.qty_in > 0).label("last_in"),
            _latest(m, m.c.qty_out > 0).label("last_out"),
            _latest(m, m.c.qty_lost > 0).label("last_loss"),
        )
        .where(visible(m.c.contributing_country, m.c.record_date))
        .group_by(m.c.mission_code, m.c.contributing_country, key1, key2)
    )
