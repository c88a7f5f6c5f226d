"""Queries on manifests, including the bulk insert of their items."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Date, and_, case, cast, func, literal, or_, select, text
from sqlmodel import Session

from services.common.pagination import PageParams, paginate
from services.common.security import ReadScope
from services.registry.daily_counts.repository import add_manifest_items
from services.registry.ledger.repository import balance, movements
from services.registry.manifests.item_rules import ITEM_COLUMNS
from services.registry.models import Manifest, ManifestItem
from services.registry.models.handles import manifest_items, manifests

_COLUMN_LIST = ", ".join(ITEM_COLUMNS)
_COPY_SQL = f"COPY manifest_items ({_COLUMN_LIST}) FROM STDIN"
_INSERT_SQL = (
    f"INSERT INTO manifest_items ({_COLUMN_LIST}) VALUES ({', '.join('?' for _ in ITEM_COLUMNS)})"
)
_DATE_COLUMN = ITEM_COLUMNS.index("crossing_date")
_MANIFEST_COLUMN = ITEM_COLUMNS.index("manifest_id")


def add_manifest(session: Session, manifest: Manifest) -> None:
    """Stage the manifest header (flushed so its items can refer to it)."""
    session.add(manifest)
    session.flush()


def bulk_insert_manifest_items(session: Session, rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert item rows (``ITEM_COLUMNS`` order) in the session's transaction, in bulk.

    PostgreSQL: one ``COPY ... FROM STDIN`` through psycopg. SQLite: one
    ``executemany`` of a prepared INSERT. Never ORM objects: 100,000 rows must
    cost about what the database itself needs. Then one grouped upsert adds the rows to
    the daily counts statistics read, in the same transaction.
    """
    _insert_items(session, rows)
    add_manifest_items(session, sorted({row[_MANIFEST_COLUMN] for row in rows}))


def _insert_items(session: Session, rows: Sequence[tuple[Any, ...]]) -> None:
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        driver = connection.connection.driver_connection
        assert driver is not None
        with driver.cursor() as cursor, cursor.copy(_COPY_SQL) as copy:
            for row in rows:
                copy.write_row(row)
        return
    # sqlite3's implicit date adapter is deprecated: bind ISO strings, as SQLAlchemy does.
    # Every row repeats its header's date (the ledger groups one table, no join): one string.
    stamp = rows[0][_DATE_COLUMN].isoformat() if rows else None
    connection.exec_driver_sql(
        _INSERT_SQL,
        [(*row[:_DATE_COLUMN], stamp, *row[_DATE_COLUMN + 1 :]) for row in rows],
    )


@dataclass(frozen=True)
class BrokenBalance:
    """An item of a just-inserted manifest that the in/out rules refuse."""

    line: int
    serial_number: str
    held: int
    latest_in: date | None
    crossing_date: date


# tenancy: write path: create_manifest, the caller's own contingent (require_own_country)
def weapons_breaking_balance(
    session: Session, *, manifest_id: str, mission: str, country: str, direction: str
) -> list[BrokenBalance]:
    """Weapons of a just-inserted manifest that the in/out rules refuse, in line order.

    After an ``in`` a weapon's balance (in − out − lost − destroyed) must be at
    most 1 (else it was already in the area). An ``out`` must leave it at least
    0 (else it never came in) and cross no earlier than the weapon's latest
    ``in`` (a movement cannot precede the arrival it undoes). Items marked as
    corrections are exempt. One grouped query over the contingent's movements,
    aggregated once (a materialized CTE) and hash- or merge-joined to the manifest's
    rows, so its cost does not depend on the planner's statistics; at most 1,000
    offending items.
    """
    m = movements(mission=mission, country=country, kinds=("weapon",))
    # Only an out is compared with the latest in: an in skips that aggregate (it cost
    # about 15% of this query over a contingent's 100,000 movements).
    latest_in: ColumnElement[Any] = (
        func.max(case((m.c.qty_in > 0, m.c.record_date), else_=None))
        if direction == "out"
        else cast(literal(None), Date)
    )
    per_weapon = (
        select(
            m.c.serial_key,
            m.c.manufacturer_key,
            balance(m).label("held"),
            latest_in.label("latest_in"),
        )
        .group_by(m.c.serial_key, m.c.manufacturer_key)
        .cte("per_weapon")
        .prefix_with("MATERIALIZED", dialect="postgresql")
    )
    mi = manifest_items
    broken: ColumnElement[bool]
    if direction == "in":
        broken = per_weapon.c.held > 1
    else:
        broken = or_(per_weapon.c.held < 0, per_weapon.c.latest_in > mi.c.crossing_date)
    statement = (
        select(
            mi.c.line,
            mi.c.serial_number,
            per_weapon.c.held,
            per_weapon.c.latest_in,
            mi.c.crossing_date,
        )
        .join(
            per_weapon,
            and_(
                per_weapon.c.serial_key == mi.c.serial_key,
                per_weapon.c.manufacturer_key == mi.c.manufacturer_key,
            ),
        )
        .where(
            mi.c.manifest_id == manifest_id,
            mi.c.kind == "weapon",
            mi.c.is_correction.is_(False),
            broken,
        )
        .order_by(mi.c.line)
        .limit(1000)
    )
    with _joined_without_nested_loops(session):
        found = session.execute(statement).all()
    return [
        BrokenBalance(
            line=int(r.line),
            serial_number=str(r.serial_number),
            held=int(r.held),
            latest_in=_as_date(r.latest_in),
            crossing_date=_as_date(r.crossing_date) or date.min,
        )
        for r in found
    ]


@contextmanager
def _joined_without_nested_loops(session: Session) -> Iterator[None]:
    """PostgreSQL: no nested-loop join for the statements run inside, in this transaction.

    The balance check joins a manifest's just-inserted rows to its contingent's
    aggregated movements. The planner sizes both from statistics that predate the
    insert (on a new database: none at all) and, believing each side one row, chose a
    nested loop: 5,000 items took 54 s instead of 0.5 s. A hash or merge join costs the
    same whatever the statistics say, so the check no longer needs an ``ANALYZE`` in the
    upload's transaction, whose lock made concurrent uploads wait for one another's
    commit. The previous setting is restored afterwards. SQLite: nothing to do.
    """
    if session.get_bind().dialect.name != "postgresql":
        yield
        return
    previous = session.execute(
        text(
            "SELECT current_setting('enable_nestloop'), set_config('enable_nestloop', 'off', true)"
        )
    ).scalar_one()
    try:
        yield
    finally:
        session.execute(
            text("SELECT set_config('enable_nestloop', :previous, true)"), {"previous": previous}
        )


def _as_date(value: object) -> date | None:
    # A date through a UNION and MAX comes back as text on SQLite.
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def readable_manifest(session: Session, *, scope: ReadScope, manifest_id: str) -> Manifest | None:
    """The manifest with this id if ``scope`` may read it; None if it does not exist or
    lies outside the caller's tenancy (the two are not told apart)."""
    manifest = session.get(Manifest, manifest_id)
    if manifest is None or not scope.allows(manifest.contributing_country, manifest.crossing_date):
        return None
    return manifest


def list_manifests(
    session: Session,
    *,
    scope: ReadScope,
    params: PageParams,
    mission: str | None,
    country: str | None,
    direction: str | None,
    crossed_from: date | None,
    crossed_to: date | None,
    unit: str | None = None,
) -> tuple[list[Manifest], str | None]:
    """A page of the manifests ``scope`` may read, newest first by (created_at, id)."""
    t = manifests
    statement = select(Manifest).where(scope.clause(t.c.contributing_country, t.c.crossing_date))
    if mission is not None:
        statement = statement.where(t.c.mission_code == mission)
    if country is not None:
        statement = statement.where(t.c.contributing_country == country)
    if direction is not None:
        statement = statement.where(t.c.direction == direction)
    if crossed_from is not None:
        statement = statement.where(t.c.crossing_date >= crossed_from)
    if crossed_to is not None:
        statement = statement.where(t.c.crossing_date <= crossed_to)
    if unit is not None:
        statement = statement.where(func.lower(t.c.unit) == unit.lower())
    rows, cursor = paginate(
        session,
        statement,
        key=[t.c.created_at, t.c.id],
        params=params,
        key_of=lambda row: [row[0].created_at, row[0].id],
    )
    return [row[0] for row in rows], cursor


# tenancy: manifests/service.py list_manifest_items checks get_manifest(scope) first (404)
def list_manifest_items(
    session: Session, *, manifest_id: str, params: PageParams, search: str | None = None
) -> tuple[list[ManifestItem], str | None]:
    """A page of a manifest's items in declaration order; with ``search``, those whose
    serial number, lot number, manufacturer or model contains it (any case)."""
    mi = manifest_items
    statement = select(ManifestItem).where(mi.c.manifest_id == manifest_id)
    if search:
        needle = search.lower()
        columns = (mi.c.serial_number, mi.c.lot_number, mi.c.manufacturer, mi.c.model)
        statement = statement.where(
            or_(*(func.lower(column).contains(needle, autoescape=True) for column in columns))
        )
    rows, cursor = paginate(
        session, statement, key=[mi.c.line], params=params, key_of=lambda row: [row[0].line]
    )
    return [row[0] for row in rows], cursor
