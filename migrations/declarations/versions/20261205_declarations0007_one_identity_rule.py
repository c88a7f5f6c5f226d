"""Rekey the item index with the match keys both registers now share.

The item index stored makers and calibres under their structural form (spelling
reduced, aliases not resolved), while the registry matched on the alias-resolved
key: "Izhmash" and "Kalashnikov Concern" were two makers here and one there. The
service now keys items with ``services.common.identifiers.manufacturer_key`` and
``calibre_key``; this step rekeys the stored rows the same way (``manufacturer_key``,
``calibre_key``, ``match_key`` and ``destroyed_key`` of weapons and ammunition; the
keys of parts name neither). Records themselves are untouched: the index is derived.

The new keys come from the stored ones (the key of a structural form is the key of the
spelling, a property test holds it), computed by the shared functions themselves, not
a copy as declarations0006 keeps: the stored keys must equal what the service that
runs after this step computes, with the alias table it ships.

Where the old rule kept apart two destructions of one weapon (one spelling each), the
unique destroyed key would now collide. Both records stay: the earlier destruction
(by declaration time, then id and position) keeps the key, the other's item gets a
key of its own, ``<key>|duplicate|<declaration id>|<position>`` (no match key has more
than three parts), and the pair is listed in ``duplicate_destructions`` for an operator
(``regctl destructions duplicates``). A row whose new key would outgrow its column (the
service now refuses such items with a 422) keeps its old keys.

Downgrading recomputes the structural keys from each indexed version's content, so
rows written after the upgrade are restored too, then drops the pairs' table.

Revision ID: declarations0007
Revises: declarations0006
Create Date: 2026-12-05 19:30:00
"""

import json
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

from services.common.identifiers import calibre_key, manufacturer_key
from services.common.identifiers.calibres import structural_calibre_key
from services.common.identifiers.manufacturers import structural_manufacturer_key

revision: str = "declarations0007"
down_revision: str | None = "declarations0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Column lengths of the item index (declarations0006).
ROOM = {"match_key": 1000, "manufacturer_key": 400, "calibre_key": 400, "destroyed_key": 1000}
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
Keys = dict[str, str | None]


def rekeyed(row: Any) -> Keys:
    """The keys of an index row under the shared match keys (from its stored keys)."""
    maker = None if row.manufacturer_key is None else manufacturer_key(row.manufacturer_key)
    calibre = None if row.calibre_key is None else calibre_key(row.calibre_key)
    if row.kind == "weapon":
        match_key = f"weapon|{maker}|{row.serial_key}"
    else:  # ammunition|<calibre>|<lot>: a calibre key holds no "|"
        match_key = f"ammunition|{calibre}|{row.match_key.split('|', 2)[2]}"
    return _keys(row, match_key, maker, calibre)


def structural(row: Any, item: dict[str, Any]) -> Keys:
    """The keys of an index row under the structural rule (from its declared item)."""
    maker = item.get("manufacturer")
    calibre = None if item.get("calibre") is None else structural_calibre_key(item["calibre"])
    if row.kind == "weapon":
        maker = structural_manufacturer_key(maker or "")
        match_key = f"weapon|{maker}|{row.serial_key}"
    else:
        maker = None
        match_key = f"ammunition|{calibre}|{row.match_key.split('|', 2)[2]}"
    return _keys(row, match_key, maker, calibre)


def _keys(row: Any, match_key: str, maker: str | None, calibre: str | None) -> Keys:
    return {
        "match_key": match_key,
        "manufacturer_key": maker,
        "calibre_key": calibre,
        "destroyed_key": None if row.destroyed_key is None else match_key,
    }


def _fits(keys: Keys) -> bool:
    return all(value is None or len(value) <= ROOM[name] for name, value in keys.items())


def duplicate_key(key: str, declaration_id: str, position: int) -> str:
    """The destroyed key of a destruction that duplicates an earlier one."""
    return f"{key}|duplicate|{declaration_id}|{position}"


_REKEYED_KINDS = ("weapon", "ammunition")
_ORDER = (declarations.c.declared_at, items.c.declaration_id, items.c.position)


def _pages(bind: sa.Connection) -> Iterator[list[Any]]:
    """Weapon and ammunition rows, earliest declaration first, a page at a time (keyset)."""
    after: tuple[Any, ...] | None = None
    while True:
        statement = (
            sa.select(items, declarations.c.declared_at)
            .join(declarations, declarations.c.id == items.c.declaration_id)
            .where(items.c.kind.in_(_REKEYED_KINDS))
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


def _park_destroyed_keys(bind: sa.Connection) -> None:
    """Give each rekeyed destroyed key a placeholder of its own first: the unique
    constraint is checked row by row on PostgreSQL, and a row's new key may be what a
    later row still holds. No match key starts with "rekeying|"."""
    placeholder = sa.literal("rekeying|") + sa.cast(items.c.id, sa.String)
    bind.execute(
        items.update()
        .where(items.c.kind.in_(_REKEYED_KINDS), items.c.destroyed_key.is_not(None))
        .values(destroyed_key=placeholder)
    )


def _current(row: Any) -> Keys:
    """A row's keys as they are (its destroyed key is its match key, unparked)."""
    return _keys(row, row.match_key, row.manufacturer_key, row.calibre_key)


KeysOf = Callable[[sa.Connection, list[Any]], list[Keys | None]]


def _rekey(bind: sa.Connection, keys_of: KeysOf) -> list[dict[str, Any]]:
    """Rekey every weapon and ammunition row; returns the duplicate destructions found."""
    _park_destroyed_keys(bind)
    # Without values(), each parameter set's column names are what the update sets.
    statement = items.update().where(items.c.id == sa.bindparam("row_id"))
    holder: dict[str, tuple[str, int]] = {}  # destroyed key -> (declaration, position)
    duplicates: list[dict[str, Any]] = []
    for page in _pages(bind):  # earliest declaration first: it keeps a contested key
        changes = []
        for row, found in zip(page, keys_of(bind, page), strict=True):
            keys = found if found is not None and _fits(found) else _current(row)
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


def upgrade() -> None:
    pairs = op.create_table(
        "duplicate_destructions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("destroyed_key", sa.String(length=1000), nullable=False),
        sa.Column("kept_declaration_id", sa.String(length=36), nullable=False),
        sa.Column("kept_position", sa.Integer(), nullable=False),
        sa.Column("other_declaration_id", sa.String(length=36), nullable=False),
        sa.Column("other_position", sa.Integer(), nullable=False),
        sa.Column("other_destroyed_key", sa.String(length=1000), nullable=False),
        sa.Column("found_by", sa.String(length=32), nullable=False),
        sa.Column("found_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["kept_declaration_id"],
            ["declarations.id"],
            name=op.f("fk_duplicate_destructions_kept_declaration_id_declarations"),
        ),
        sa.ForeignKeyConstraint(
            ["other_declaration_id"],
            ["declarations.id"],
            name=op.f("fk_duplicate_destructions_other_declaration_id_declarations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duplicate_destructions")),
    )
    assert pairs is not None
    found = _rekey(op.get_bind(), lambda _bind, page: [rekeyed(row) for row in page])
    now = datetime.now(UTC)
    if found:
        op.bulk_insert(pairs, [{**pair, "found_by": revision, "found_at": now} for pair in found])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ANALYZE items")


def _declared_items(bind: sa.Connection, page: list[Any]) -> list[Keys | None]:
    """The structural keys of a page's rows, from their current versions' items."""
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
        keys.append(structural(row, listed[row.position]) if row.position < len(listed) else None)
    return keys


def downgrade() -> None:
    bind = op.get_bind()
    # The structural rule keeps apart whatever the shared keys keep apart: nothing collides.
    _rekey(bind, _declared_items)
    op.drop_table("duplicate_destructions")
    if bind.dialect.name == "postgresql":
        op.execute("ANALYZE items")
