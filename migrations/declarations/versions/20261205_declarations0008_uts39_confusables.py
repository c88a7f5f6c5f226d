"""Rekey the item index with the UTS #39 look-alike folding.

Serial, maker and calibre keys now fold every character Unicode lists as confusable
with a Latin letter or digit ("ꓗꓚ-777001" is "KC777001"). This step gives stored rows
the keys the service now computes (``match_key``, ``serial_key``, ``manufacturer_key``,
``calibre_key`` and ``destroyed_key`` of weapons, ammunition and parts), from each
indexed version's declared items, with the shared key functions themselves. Rows
whose keys do not change (all-ASCII items, nearly all) are not written.

Two destructions of one weapon that the old rule kept apart (one spelled with
look-alikes) are handled as declarations0007 does: the earlier keeps the key, the
other's item gets ``<key>|duplicate|<declaration id>|<position>``, and the pair is
listed in ``duplicate_destructions`` (found_by ``declarations0008``). A row whose new
key would outgrow its column keeps its old keys.

Downgrading computes the keys of the rule before (``keys_before_uts39``) the same way,
so rows written after the upgrade are restored too, and removes the pairs this step
listed.

Revision ID: declarations0008
Revises: declarations0007
Create Date: 2026-12-05 20:10:00
"""

import json
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

from services.common.identifiers import calibre_key, manufacturer_key, normalize_serial
from services.common.identifiers.legacy import keys_before_uts39

revision: str = "declarations0008"
down_revision: str | None = "declarations0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROOM = {
    "match_key": 1000,
    "serial_key": 400,
    "manufacturer_key": 400,
    "calibre_key": 400,
    "destroyed_key": 1000,
}
_PAGE = 5000

items = sa.table(
    "items",
    sa.column("id", sa.Integer),
    sa.column("declaration_id", sa.String),
    sa.column("position", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("match_key", sa.String),
    sa.column("serial_key", sa.String),
    sa.column("manufacturer_key", sa.String),
    sa.column("calibre_key", sa.String),
    sa.column("destroyed_key", sa.String),
)
declarations = sa.table(
    "declarations", sa.column("id", sa.String), sa.column("declared_at", sa.DateTime)
)
versions = sa.table(
    "declaration_versions", sa.column("declaration_id", sa.String), sa.column("version", sa.Integer)
)
contents = sa.table(
    "declaration_contents",
    sa.column("declaration_id", sa.String),
    sa.column("version", sa.Integer),
    sa.column("content", sa.Text),
)
pairs = sa.table(
    "duplicate_destructions",
    sa.column("destroyed_key", sa.String),
    sa.column("kept_declaration_id", sa.String),
    sa.column("kept_position", sa.Integer),
    sa.column("other_declaration_id", sa.String),
    sa.column("other_position", sa.Integer),
    sa.column("other_destroyed_key", sa.String),
    sa.column("found_by", sa.String),
    sa.column("found_at", sa.DateTime(timezone=True)),
)
Keys = dict[str, str | None]
KeysOf = Callable[[sa.Connection, list[Any]], list[Keys | None]]


def keys_of_item(row: Any, item: dict[str, Any]) -> Keys:
    """An index row's keys, computed from its declared item by the key functions in force
    (``custody.identify``'s rule: a part's words come from its stored key)."""
    serial = normalize_serial(item.get("serial_number") or "")
    maker = calibre = None
    if row.kind == "weapon":
        maker = manufacturer_key(item.get("manufacturer") or "")
        calibre = calibre_key(item.get("calibre") or "")
        match_key = f"weapon|{maker}|{serial}"
    elif row.kind == "ammunition":
        calibre = calibre_key(item.get("calibre") or "")
        match_key = f"ammunition|{calibre}|{normalize_serial(item.get('lot_number') or '')}"
    else:  # part|<words>|<serial>: a serial key holds no "|"
        match_key = f"{row.match_key.rsplit('|', 1)[0]}|{serial}"
    return {
        "match_key": match_key,
        "serial_key": (serial or None) if row.kind != "ammunition" else None,
        "manufacturer_key": maker,
        "calibre_key": calibre,
        "destroyed_key": None if row.destroyed_key is None else match_key,
    }


def _fits(keys: Keys) -> bool:
    return all(value is None or len(value) <= ROOM[name] for name, value in keys.items())


def duplicate_key(key: str, declaration_id: str, position: int) -> str:
    """The destroyed key of a destruction that duplicates an earlier one (as 0007)."""
    return f"{key}|duplicate|{declaration_id}|{position}"


_ORDER = (declarations.c.declared_at, items.c.declaration_id, items.c.position)


def _pages(bind: sa.Connection) -> Iterator[list[Any]]:
    """Every index row, earliest declaration first, a page at a time (keyset)."""
    after: tuple[Any, ...] | None = None
    while True:
        statement = (
            sa.select(items, declarations.c.declared_at)
            .join(declarations, declarations.c.id == items.c.declaration_id)
            .order_by(*_ORDER)
            .limit(_PAGE)
        )
        if after is not None:
            bound = (
                sa.literal(value, column.type) for value, column in zip(after, _ORDER, strict=True)
            )
            statement = statement.where(sa.tuple_(*_ORDER) > sa.tuple_(*bound))
        page = list(bind.execute(statement).all())
        if not page:
            return
        yield page
        after = (page[-1].declared_at, page[-1].declaration_id, page[-1].position)


def _declared_items(bind: sa.Connection, page: list[Any]) -> list[Keys | None]:
    """The keys of a page's rows from their current versions' items (None: not found)."""
    ids = sorted({row.declaration_id for row in page})
    current = (
        sa.select(versions.c.declaration_id, sa.func.max(versions.c.version).label("version"))
        .where(versions.c.declaration_id.in_(ids))
        .group_by(versions.c.declaration_id)
        .subquery()
    )
    stored = bind.execute(
        sa.select(contents.c.declaration_id, contents.c.content).join(
            current,
            sa.and_(
                current.c.declaration_id == contents.c.declaration_id,
                current.c.version == contents.c.version,
            ),
        )
    )
    declared = {
        declaration_id: json.loads(content).get("items", [])
        for declaration_id, content in stored
        if content is not None
    }
    keys: list[Keys | None] = []
    for row in page:
        listed = declared.get(row.declaration_id, [])
        keys.append(keys_of_item(row, listed[row.position]) if row.position < len(listed) else None)
    return keys


def _before_uts39(bind: sa.Connection, page: list[Any]) -> list[Keys | None]:
    with keys_before_uts39():
        return _declared_items(bind, page)


def _current(row: Any) -> Keys:
    return {name: getattr(row, name) for name in ROOM}


def _park_destroyed_keys(bind: sa.Connection) -> None:
    """A placeholder per destroyed key first: PostgreSQL checks the unique constraint
    row by row, and a row's new key may be what a later row still holds."""
    placeholder = sa.literal("rekeying|") + sa.cast(items.c.id, sa.String)
    bind.execute(
        items.update().where(items.c.destroyed_key.is_not(None)).values(destroyed_key=placeholder)
    )


def _rekey(bind: sa.Connection, keys_of: KeysOf) -> list[dict[str, Any]]:
    """Rekey every index row; returns the duplicate destructions found."""
    _park_destroyed_keys(bind)
    statement = items.update().where(items.c.id == sa.bindparam("row_id"))
    holder: dict[str, tuple[str, int]] = {}
    duplicates: list[dict[str, Any]] = []
    for page in _pages(bind):  # earliest declaration first: it keeps a contested key
        changes = []
        for row, found in zip(page, keys_of(bind, page), strict=True):
            keys = found if found is not None and _fits(found) else _current(row)
            if row.destroyed_key is not None and keys["destroyed_key"] is not None:
                # an unparked duplicate key of declarations0007 is found again below
                keys = {**keys, "destroyed_key": keys["match_key"]}
            destroyed = keys["destroyed_key"]
            if destroyed is not None and destroyed in holder:
                kept_declaration, kept_position = holder[destroyed]
                other = duplicate_key(destroyed, row.declaration_id, row.position)
                keys = {**keys, "destroyed_key": other}
                duplicates.append(
                    {
                        "destroyed_key": destroyed,
                        "kept_declaration_id": kept_declaration,
                        "kept_position": kept_position,
                        "other_declaration_id": row.declaration_id,
                        "other_position": row.position,
                        "other_destroyed_key": other,
                    }
                )
            elif destroyed is not None:
                holder[destroyed] = (row.declaration_id, row.position)
            if any(keys[name] != getattr(row, name) for name in ROOM):
                changes.append({"row_id": row.id, **keys})
        if changes:
            bind.execute(statement, changes)
    return duplicates


def _listed(bind: sa.Connection) -> set[tuple[str, int]]:
    rows = bind.execute(sa.select(pairs.c.other_declaration_id, pairs.c.other_position))
    return {(declaration_id, position) for declaration_id, position in rows}


def upgrade() -> None:
    bind = op.get_bind()
    listed = _listed(bind)
    found = [
        pair
        for pair in _rekey(bind, _declared_items)
        if (pair["other_declaration_id"], pair["other_position"]) not in listed
    ]
    now = datetime.now(UTC)
    if found:
        op.bulk_insert(pairs, [{**pair, "found_by": revision, "found_at": now} for pair in found])
    if bind.dialect.name == "postgresql":
        op.execute("ANALYZE items")


def downgrade() -> None:
    bind = op.get_bind()
    # The earlier rule keeps apart what this one keeps apart, except the pairs that
    # declarations0007 listed, which come out as they were.
    _rekey(bind, _before_uts39)
    bind.execute(pairs.delete().where(pairs.c.found_by == revision))
    if bind.dialect.name == "postgresql":
        op.execute("ANALYZE items")
