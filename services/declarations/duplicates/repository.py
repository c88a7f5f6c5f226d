"""Reading ``duplicate_destructions``: pairs a migration found, for an operator to settle."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from services.declarations.models import duplicate_destructions


@dataclass(frozen=True)
class DuplicateDestruction:
    """One weapon destroyed by two records; the first keeps the destroyed key."""

    id: int
    destroyed_key: str
    kept_declaration_id: str
    kept_position: int
    other_declaration_id: str
    other_position: int
    other_destroyed_key: str
    found_by: str
    found_at: datetime


def list_duplicate_destructions(
    session: Session, *, after: int, limit: int
) -> list[DuplicateDestruction]:
    """Pairs with an id above ``after``, in the order found (keyset), at most ``limit``."""
    table = duplicate_destructions
    rows = session.execute(
        select(table).where(table.c.id > after).order_by(table.c.id).limit(limit)
    ).mappings()
    return [DuplicateDestruction(**row) for row in rows]
