"""The holdings query: positive balances per weapon and per lot, one mission at a time."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, union_all
from sqlalchemy.engine import Row
from sqlmodel import Session

from services.common.pagination import PageParams, paginate
from services.common.security import ReadScope
from services.registry.ledger.repository import aggregate


def list_holdings(
    session: Session,
    *,
    mission: str,
    country: str | None,
    unit: str | None,
    kinds: tuple[str, ...],
    scope: ReadScope,
    params: PageParams,
) -> tuple[list[Row[Any]], str | None]:
    """A page of positive balances ordered by (kind, country, key), aggregated in SQL over
    the movements ``scope`` may read; with ``unit``, only those whose latest in-movement
    was that unit's."""
    parts = [
        aggregate(mission=mission, country=country, kind=kind, scope=scope, evidence=False)
        for kind in kinds
    ]
    grouped = (union_all(*parts) if len(parts) > 1 else parts[0]).subquery("grouped")
    statement = select(grouped).where(grouped.c.balance > 0)
    if unit is not None:
        statement = statement.where(grouped.c.unit == unit)
    key = [grouped.c.kind, grouped.c.contributing_country, grouped.c.key1, grouped.c.key2]
    return paginate(
        session,
        statement,
        key=key,
        params=params,
        key_of=lambda row: [row.kind, row.contributing_country, row.key1, row.key2],
    )
