"""Rekey stored items with the UTS #39 look-alike folding, and their serial neighbours.

Serial, lot, maker and calibre keys now fold every character Unicode lists as
confusable with a Latin letter or digit ("ꓗꓚ-777001" is "KC777001"). This step gives
the items of manifests, loss reports and indexed declarations the keys the service
now computes from the fields they keep as declared (``serial_key``, ``lot_key``,
``manufacturer_key``, ``calibre_key`` and, for declared items, ``fuzzy_key``), with
the shared key functions themselves. A key is rewritten only where it is the
earlier rule's key of its field (so a key stored under any other rule is left
alone) and the new one fits its column; items whose fields are all ASCII, nearly all,
are skipped without computing anything.

The serial neighbourhood index is derived from the match keys: every record with a
changed serial key is queued in ``serial_index_backlog`` (the registry indexes it
after it starts, or ``regctl index neighbours --until-empty``), and the neighbour rows
of keys no item holds any more are removed.

Downgrading does the same with the keys of the rule before (``keys_before_uts39``).

Revision ID: registry0007
Revises: registry0006
Create Date: 2026-12-05 20:10:00
"""

from collections.abc import Callable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from services.common.identifiers import (
    calibre_key,
    manufacturer_key,
    normalize_serial,
    serial_fuzzy_key,
    serial_index_keys,
)
from services.common.identifiers.legacy import keys_before_uts39

revision: str = "registry0007"
down_revision: str | None = "registry0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PAGE = 5000
KeyFunction = Callable[[str], str]
# key column: (field it is computed from, function)
_KEYS: dict[str, tuple[str, KeyFunction]] = {
    "serial_key": ("serial_number", normalize_serial),
    "fuzzy_key": ("serial_number", serial_fuzzy_key),
    "lot_key": ("lot_number", normalize_serial),
    "manufacturer_key": ("manufacturer", manufacturer_key),
    "calibre_key": ("calibre", calibre_key),
}
_SHORT = {"serial_key": 128, "manufacturer_key": 255, "calibre_key": 64, "lot_key": 128}
# table: (backlog source, record column, key columns with their lengths)
TABLES: dict[str, tuple[str, str, dict[str, int]]] = {
    "manifest_items": ("manifest", "manifest_id", _SHORT),
    "loss_report_items": ("loss_report", "loss_report_id", _SHORT),
    "declared_items": ("declaration", "declaration_id", dict.fromkeys(_KEYS, 400)),
}
Keys = dict[str, str]


def _table(name: str) -> sa.TableClause:
    _, record, room = TABLES[name]
    fields = sorted({_KEYS[key][0] for key in room})
    columns = [sa.column(column, sa.String) for column in (record, *fields, *room)]
    return sa.table(name, sa.column("id", sa.Integer), *columns)


def _pages(bind: sa.Connection, table: sa.TableClause) -> Iterator[list[Any]]:
    """A table's rows, a page at a time (keyset on id)."""
    after: int | None = None
    while True:
        statement = sa.select(table).order_by(table.c.id).limit(_PAGE)
        if after is not None:
            statement = statement.where(table.c.id > after)
        page = list(bind.execute(statement).all())
        if not page:
            return
        yield page
        after = page[-1].id


def keys_of(row: Any, room: dict[str, int]) -> Keys:
    """The keys of a row's declared fields under the rule in force (stored keys only)."""
    keys: Keys = {}
    for key in room:
        field, function = _KEYS[key]
        if getattr(row, field) is not None and getattr(row, key) is not None:
            keys[key] = function(getattr(row, field))
    return keys


def _needs_keys(row: Any, room: dict[str, int]) -> bool:
    fields = {_KEYS[key][0] for key in room}
    return any(not (getattr(row, field) or "").isascii() for field in fields)


def _rekey_table(bind: sa.Connection, name: str, *, upgrading: bool) -> tuple[set[str], set[str]]:
    """Rekey one table; returns the records whose serial key changed, and the keys
    they held before."""
    _, record, room = TABLES[name]
    table = _table(name)
    statement = table.update().where(table.c.id == sa.bindparam("row_id"))
    records: set[str] = set()
    replaced: set[str] = set()
    for page in _pages(bind, table):
        rows = [row for row in page if _needs_keys(row, room)]
        if not rows:
            continue
        current = [keys_of(row, room) for row in rows]
        with keys_before_uts39():
            earlier = [keys_of(row, room) for row in rows]
        # Without values(), each parameter set's column names are what the update sets;
        # one executemany per set of changed columns.
        changes: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for row, now, before in zip(rows, current, earlier, strict=True):
            old, new = (before, now) if upgrading else (now, before)
            values = {
                key: new[key]
                for key in new
                if getattr(row, key) == old[key] != new[key] and len(new[key]) <= room[key]
            }
            if values:
                changes.setdefault(tuple(sorted(values)), []).append({"row_id": row.id, **values})
            if "serial_key" in values:
                records.add(getattr(row, record))
                replaced.add(row.serial_key)
        for parameters in changes.values():
            bind.execute(statement, parameters)
    return records, replaced


def _holds(bind: sa.Connection, table: sa.TableClause, key: str) -> bool:
    return bool(bind.execute(sa.select(sa.exists().where(table.c.serial_key == key))).scalar())


def _rekey(*, upgrading: bool) -> None:
    bind = op.get_bind()
    backlog = sa.table(
        "serial_index_backlog",
        sa.column("source", sa.String),
        sa.column("record_id", sa.String),
        sa.column("queued_at", sa.DateTime(timezone=True)),
    )
    neighbours = sa.table(
        "serial_neighbours", sa.column("search_key", sa.String), sa.column("serial_key", sa.String)
    )
    replaced: set[str] = set()
    for name, (source, _, _) in TABLES.items():
        records, keys = _rekey_table(bind, name, upgrading=upgrading)
        replaced |= keys
        for record_id in sorted(records):
            bind.execute(
                backlog.insert().values(
                    source=source, record_id=record_id, queued_at=sa.func.current_timestamp()
                )
            )
    tables = [_table(name) for name in TABLES]
    for key in sorted(replaced):
        if any(_holds(bind, table, key) for table in tables):
            continue
        bind.execute(
            neighbours.delete().where(
                neighbours.c.serial_key == key,
                neighbours.c.search_key.in_(serial_index_keys(key, normalized=True)),
            )
        )


def upgrade() -> None:
    _rekey(upgrading=True)


def downgrade() -> None:
    _rekey(upgrading=False)
