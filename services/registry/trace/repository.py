"""Trace queries: candidate rows of the three sources by indexed serial keys, within tenancy.

A trace reads its candidates in one statement: a UNION ALL of manifest items, loss-report
items and declared items, each branch filtered by its serial key condition and the
caller's tenancy, closest rows first and cut at the page size. One round trip instead
of three matters at a thousand traces a second, and so does building that statement
once: it is cached per shape (how keys match, a manufacturer or not, the page size,
the caller's tenancy filter) with the query's values as bound parameters.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Float,
    Integer,
    Select,
    String,
    bindparam,
    case,
    cast,
    literal,
    null,
    or_,
    select,
    text,
    union_all,
)

from services.common.security import ReadScope
from services.registry.models.handles import (
    declared_items,
    loss_items,
    loss_reports,
    manifest_items,
    serial_neighbours,
)
from services.registry.models.manifests import FIELD_KINDS
from services.registry.serial_index import anything_queued
from services.registry.trace.keys_repository import (
    PATTERN_MATCHES,
    KeyMatch,
    key_parameters,
    like_prefix,
    like_suffix,
    pattern_condition,
    pattern_match,
    text_list,
)

__all__ = [
    "KeyMatch",
    "Lookup",
    "candidates",
    "key_parameters",
    "like_prefix",
    "like_suffix",
    "pattern_match",
    "queued",
]


def _closest_first(column: ColumnElement[Any]) -> ColumnElement[int]:
    """Rows whose match key is the query's (exact or normalized matches) sort before the
    near misses, so a page filled with a contingent's consecutive serials keeps them."""
    return case((column == bindparam("serial_key", type_=String()), 0), else_=1)


def _branch(
    statement: Select[Any],
    *,
    maker_column: ColumnElement[Any] | None,
    order: Sequence[ColumnElement[Any]],
    limit: int,
) -> Select[Any]:
    if maker_column is not None:
        maker = bindparam("manufacturer_key", type_=String())
        statement = statement.where(or_(maker_column == maker, maker_column.is_(None)))
    return select(statement.order_by(*order).limit(limit).subquery())


def _none(kind: Any) -> ColumnElement[Any]:
    return cast(null(), kind)


@dataclass(frozen=True)
class Lookup:
    """One trace statement and its bound values, ready for a session or ``HotReads``."""

    statement: CompoundSelect[Any]
    parameters: dict[str, Any]
    # Planned with its values on each run rather than prepared (``HotReads.fetch``).
    plan_each_time: bool = False


def candidates(
    *,
    dialect: str,
    how: KeyMatch,
    parameters: dict[str, Any],
    scope: ReadScope,
    manufacturer_key: str | None,
    serial_key: str,
    limit: int,
) -> Lookup:
    """The statement reading candidate rows of manifest items (in and out), loss-report
    items (with the report's place), declared items and, unless ``how`` is a pattern's,
    declared weapons whose ``partial`` serial's pattern matches the query's key, each
    source cut at ``limit``
    rows, closest then oldest first, each within the caller's ``scope`` (the record's
    country and date); ``parameters`` from ``key_parameters``. With ``how`` =
    ``neighbours`` it also reports, in the same snapshot, whether records await the
    index (``queued``)."""
    mi, li, di = manifest_items, loss_items, declared_items
    # The same expressions for the same community (``ReadScope.clause`` caches them), so
    # the statement cache below sees one tenancy filter per community.
    visible = (
        scope.clause(mi.c.contributing_country, mi.c.crossing_date),
        scope.clause(li.c.contributing_country, li.c.loss_date),
        scope.clause(di.c.declaring_country, di.c.event_date),
    )
    statement = _statement(dialect, how, manufacturer_key is not None, limit, visible)
    values = {**parameters, "serial_key": serial_key}
    if manufacturer_key is not None:
        values["manufacturer_key"] = manufacturer_key
    # A generic plan of ``serial_key LIKE $1`` guesses that 0.5 % of the keys match any
    # pattern: with a state's tenancy filter it then also reads that state's whole
    # country index (a BitmapAnd), and a cheaper-looking index could replace the trigram
    # one as tables grow. Planned with the pattern, PostgreSQL counts its trigrams.
    return Lookup(statement, values, plan_each_time=how == "trigram")


def queued(rows: Sequence[Any]) -> bool:
    """True when a ``neighbours`` lookup found records the index does not hold yet."""
    return any(row.source == _QUEUED for row in rows)


_QUEUED = "queued"


@functools.lru_cache(maxsize=256)
def _statement(
    dialect: str,
    how: KeyMatch,
    by_maker: bool,
    limit: int,
    visible: tuple[ColumnElement[bool], ColumnElement[bool], ColumnElement[bool]],
) -> CompoundSelect[Any]:
    """The UNION ALL for one shape of trace (tenancy filters are cached per community)."""
    if how in PATTERN_MATCHES:
        matches = (
            pattern_condition(how, manifest_items.c.serial_key),
            pattern_condition(how, loss_items.c.serial_key),
        )
        declared_match = pattern_condition(how, declared_items.c.serial_key)
    elif how == "probe":
        keys = text_list("keys", dialect)
        matches = (manifest_items.c.serial_key.in_(keys), loss_items.c.serial_key.in_(keys))
        declared_match = declared_items.c.fuzzy_key.in_(text_list("fuzzy_keys", dialect))
    else:
        # Materialized once (a CTE), read by the three branches.
        near = (
            select(serial_neighbours.c.serial_key)
            .where(serial_neighbours.c.search_key.in_(text_list("probes", dialect)))
            .union_all(select(bindparam("serial_key", type_=String())))
            .cte("near")
        )
        wanted = select(near.c.serial_key)
        matches = (manifest_items.c.serial_key.in_(wanted), loss_items.c.serial_key.in_(wanted))
        declared_match = declared_items.c.serial_key.in_(wanted)
    mi, li, lr, di = manifest_items, loss_items, loss_reports, declared_items
    manifest_columns = (
        literal("manifest").label("source"),
        mi.c.manifest_id.label("record_id"),
        mi.c.line,
        mi.c.crossing_date.label("record_date"),
        mi.c.contributing_country.label("country"),
        mi.c.mission_code,
        mi.c.unit,
        mi.c.direction,
        mi.c.kind,
        mi.c.category,
        mi.c.manufacturer,
        mi.c.model,
        mi.c.calibre,
        mi.c.serial_number,
        mi.c.serial_key,
        mi.c.year_of_manufacture,
        _none(String()).label("serial_status"),
        _none(String()).label("loss_type"),
        _none(String()).label("place"),
        _none(String()).label("location_country"),
        _none(Float()).label("lat"),
        _none(Float()).label("lon"),
        _none(String()).label("declaration_type"),
        _none(Integer()).label("declaration_version"),
        mi.c.lot_number,
    )
    manifests = select(*manifest_columns, literal("serial").label("matched_on")).where(
        matches[0], visible[0]
    )
    losses = (
        select(
            literal("loss_report").label("source"),
            li.c.loss_report_id.label("record_id"),
            li.c.line,
            li.c.loss_date.label("record_date"),
            li.c.contributing_country.label("country"),
            li.c.mission_code,
            lr.c.unit,
            _none(String()).label("direction"),
            li.c.kind,
            _none(String()).label("category"),
            li.c.manufacturer,
            li.c.model,
            li.c.calibre,
            li.c.serial_number,
            li.c.serial_key,
            _none(Integer()).label("year_of_manufacture"),
            _none(String()).label("serial_status"),
            lr.c.loss_type,
            lr.c.place,
            _none(String()).label("location_country"),
            _none(Float()).label("lat"),
            _none(Float()).label("lon"),
            _none(String()).label("declaration_type"),
            _none(Integer()).label("declaration_version"),
            _none(String()).label("lot_number"),
            literal("serial").label("matched_on"),
        )
        .join(lr, lr.c.id == li.c.loss_report_id)
        .where(matches[1], visible[1])
    )
    declared_columns = (
        literal("declaration").label("source"),
        di.c.declaration_id.label("record_id"),
        di.c.item_index.label("line"),
        di.c.event_date.label("record_date"),
        di.c.declaring_country.label("country"),
        di.c.mission_code,
        _none(String()).label("unit"),
        _none(String()).label("direction"),
        di.c.kind,
        di.c.category,
        di.c.manufacturer,
        di.c.model,
        di.c.calibre,
        di.c.serial_number,
        di.c.serial_key,
        di.c.year_of_manufacture,
        di.c.serial_status,
        _none(String()).label("loss_type"),
        di.c.place,
        di.c.location_country,
        di.c.lat,
        di.c.lon,
        di.c.declaration_type,
        di.c.declaration_version,
        di.c.lot_number,
    )
    serial = literal("serial").label("matched_on")
    declared = select(*declared_columns, serial).where(declared_match, visible[2])
    branches = [
        _branch(
            manifests,
            maker_column=mi.c.manufacturer_key if by_maker else None,
            order=(_closest_first(mi.c.serial_key), mi.c.crossing_date, mi.c.id),
            limit=limit,
        ),
        _branch(
            losses,
            maker_column=li.c.manufacturer_key if by_maker else None,
            order=(_closest_first(li.c.serial_key), li.c.loss_date, li.c.id),
            limit=limit,
        ),
        _branch(
            declared,
            maker_column=di.c.manufacturer_key if by_maker else None,
            order=(_closest_first(di.c.serial_key), di.c.event_date, di.c.id),
            limit=limit,
        ),
    ]
    if how not in PATTERN_MATCHES:
        # Weapons whose serial is partly legible: the query's key matched against each
        # one's pattern (few rows: read through the serial_status index). A wildcard
        # query is a pattern itself and is not compared with patterns.
        partial = select(*declared_columns, serial).where(
            di.c.serial_status == "partial",
            bindparam("serial_key", type_=String()).like(di.c.serial_pattern),
            visible[2],
        )
        branches.append(
            _branch(
                partial,
                maker_column=di.c.manufacturer_key if by_maker else None,
                order=(di.c.event_date, di.c.id),
                limit=limit,
            )
        )
        # Ordnance and explosives carry no serial: their lot is what is marked on them,
        # matched by its key (the partial lot indexes; FIELD_KINDS repeated literally so
        # a prepared statement's plan can use them).
        lot = literal("lot").label("matched_on")
        wanted_lot = bindparam("serial_key", type_=String())
        for columns, table, visibility, dated in (
            (manifest_columns, mi, visible[0], mi.c.crossing_date),
            (declared_columns, di, visible[2], di.c.event_date),
        ):
            by_lot = select(*columns, lot).where(
                text(f"{table.name}.{FIELD_KINDS}"), table.c.lot_key == wanted_lot, visibility
            )
            branches.append(
                _branch(
                    by_lot,
                    maker_column=table.c.manufacturer_key if by_maker else None,
                    order=(dated, table.c.id),
                    limit=limit,
                )
            )
    if how == "neighbours":
        # One more row when the index lacks some stored record: same statement, same
        # snapshot, so a record is either indexed or reported queued, never missed.
        queued = [
            literal(_QUEUED).label("source")
            if column.name == "source"
            else cast(null(), column.type).label(column.name)
            for column in manifests.selected_columns
        ]
        branches.append(select(*queued).where(anything_queued()))
    return union_all(*branches)
