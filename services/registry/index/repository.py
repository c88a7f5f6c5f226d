"""Queries on the declarations index: delivery bookkeeping and bulk item replacement."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, insert, select
from sqlmodel import Session

from services.registry.daily_counts.repository import add_declared_items, remove_declared_items
from services.registry.models import IndexedDeclaration, IndexEvent
from services.registry.models.handles import declared_items, indexed_declarations

_CHUNK = 5000


def event_seen(session: Session, event_id: str) -> bool:
    """True if a delivery with this event id was received before."""
    return session.get(IndexEvent, event_id) is not None


def record_event(session: Session, event: IndexEvent) -> None:
    """Remember a delivery (its primary key refuses a concurrent twin)."""
    session.add(event)
    session.flush()


# tenancy: write path of the index feed: ingest_declaration, operator's service clients only
def get_declaration(session: Session, declaration_id: str) -> IndexedDeclaration | None:
    """The indexed declaration, locked for update where the database can."""
    t = indexed_declarations
    statement = (
        select(IndexedDeclaration).where(t.c.declaration_id == declaration_id).with_for_update()
    )
    return session.execute(statement).scalars().first()


def save_declaration(session: Session, declaration: IndexedDeclaration) -> None:
    """Insert or update the declaration row."""
    session.add(declaration)
    session.flush()


# tenancy: write path of the index feed: ingest_declaration, operator's service clients only
def item_serial_keys(session: Session, declaration_id: str) -> list[str]:
    """The distinct match keys of a declaration's indexed items."""
    di = declared_items
    statement = (
        select(di.c.serial_key)
        .where(di.c.declaration_id == declaration_id, di.c.serial_key.is_not(None))
        .distinct()
    )
    return list(session.execute(statement).scalars())


def delete_items(session: Session, declaration_id: str) -> None:
    """Remove every indexed item of a declaration (and take them out of the daily counts
    statistics read, in the same transaction)."""
    remove_declared_items(session, declaration_id)
    session.execute(delete(declared_items).where(declared_items.c.declaration_id == declaration_id))


def insert_items(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Insert item rows in chunks (executemany of one prepared INSERT), then add them to
    the daily counts statistics read (one grouped upsert per declaration, same
    transaction)."""
    for start in range(0, len(rows), _CHUNK):
        session.execute(insert(declared_items), list(rows[start : start + _CHUNK]))
    for declaration_id in sorted({row["declaration_id"] for row in rows}):
        add_declared_items(session, declaration_id)
