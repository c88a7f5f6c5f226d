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
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Float,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.engine import Row
from sqlmodel import Session

from services.registry.ledger import declared_items, loss_items, manifest_items
from services.registry.models import LossReport

loss_reports = LossReport.__table__  # type: ignore[attr-defined]
# Keys hold only letters and digits, so no key starting with the prefix sorts above this.
_TOP = "\uffff"


KeyMatch = Literal["keys", "fuzzy_keys", "like"]


def _key_condition(column: ColumnElement[Any], how: KeyMatch, dialect: str) -> ColumnElement[bool]:
    """``column`` among the bound ``keys`` (``fuzzy_keys``), or LIKE the bound ``pattern``
    bounded by its literal ``prefix`` so a B-tree range serves it."""
    if how == "like":
        prefix = bindparam("prefix", type_=String())
        return and_(
            column >= prefix,
            column < prefix + _TOP,
            column.like(bindparam("pattern", type_=String())),
        )
    if dialect == "postgresql":
        # IN (SELECT unnest(...)): one text parameter (keys are letters and digits, so a
        # comma separates them safely and the driver has no array to escape), a nested
        # loop of index probes, and none of the per-element selectivity estimates that
        # "= ANY(array)" costs the planner.
        joined = bindparam(how, type_=String())
        return column.in_(select(func.unnest(func.string_to_array(joined, ","))).scalar_subquery())
    return column.in_(bindparam(how, expanding=True))


def key_parameters(
    dialect: str, *, keys: Sequence[str] = (), fuzzy_keys: Sequence[str] = (), like: str = ""
) -> dict[str, Any]:
    """The bound values ``_key_condition`` expects."""
    if like:
        return {"pattern": like, "prefix": like.split("%", 1)[0].split("_", 1)[0]}
    if dialect == "postgresql":
        return {"keys": ",".join(keys), "fuzzy_keys": ",".join(fuzzy_keys)}
    return {"keys": list(keys), "fuzzy_keys": list(fuzzy_keys)}


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


def candidates(
    session: Session,
    *,
    how: KeyMatch,
    parameters: dict[str, Any],
    visible: tuple[ColumnElement[bool], ColumnElement[bool], ColumnElement[bool]],
    manufacturer_key: str | None,
    serial_key: str,
    limit: int,
) -> list[Row[Any]]:
    """Candidate rows of manifest items (in and out), loss-report items (with the report's
    place) and declared items, each source cut at ``limit`` rows, closest then oldest
    first. Keys match as ``how`` says (``fuzzy_keys``: declared items by fuzzy key, the
    others by ``keys``) with ``parameters`` from ``key_parameters``; ``visible`` holds
    each source's tenancy filter."""
    dialect = session.get_bind().dialect.name
    statement = _statement(dialect, how, manufacturer_key is not None, limit, visible)
    values = {**parameters, "serial_key": serial_key}
    if manufacturer_key is not None:
        values["manufacturer_key"] = manufacturer_key
    return list(session.execute(statement, values).all())


@functools.lru_cache(maxsize=256)
def _statement(
    dialect: str,
    how: KeyMatch,
    by_maker: bool,
    limit: int,
    visible: tuple[ColumnElement[bool], ColumnElement[bool], ColumnElement[bool]],
) -> CompoundSelect[Any]:
    """The UNION ALL for one shape of trace (tenancy filters are cached per community)."""
    mi, li, lr, di = manifest_items, loss_items, loss_reports, declared_items
    # Declared items may match by fuzzy key; manifest and loss items by match key only.
    item_keys: KeyMatch = "like" if how == "like" else "keys"
    manifests = select(
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
        _none(String()).label("loss_type"),
        _none(String()).label("place"),
        _none(String()).label("location_country"),
        _none(Float()).label("lat"),
        _none(Float()).label("lon"),
        _none(String()).label("declaration_type"),
        _none(Integer()).label("declaration_version"),
    ).where(_key_condition(mi.c.serial_key, item_keys, dialect), visible[0])
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
            lr.c.loss_type,
            lr.c.place,
            _none(String()).label("location_country"),
            _none(Float()).label("lat"),
            _none(Float()).label("lon"),
            _none(String()).label("declaration_type"),
            _none(Integer()).label("declaration_version"),
        )
        .join(lr, lr.c.id == li.c.loss_report_id)
        .where(_key_condition(li.c.serial_key, item_keys, dialect), visible[1])
    )
    declared = select(
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
        _none(String()).label("loss_type"),
        di.c.place,
        di.c.location_country,
        di.c.lat,
        di.c.lon,
        di.c.declaration_type,
        di.c.declaration_version,
    ).where(
        _key_condition(di.c.fuzzy_key if how == "fuzzy_keys" else di.c.serial_key, how, dialect),
        visible[2],
    )
    return union_all(
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
    )
