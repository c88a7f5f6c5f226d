"""The auth service's table base and metadata (its own database, its own Alembic tree)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import SQLModel

from services.common.errors import BadRequest
from services.common.pagination import decode_cursor
from services.common.tables import idempotency_table, new_registry

auth_registry = new_registry()
metadata = auth_registry.metadata


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware timestamp that reads back aware on SQLite too (stored in UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class AuthTable(SQLModel, registry=auth_registry):
    """Base of every table model of the auth service."""


idempotency_keys = idempotency_table(metadata)


def sort_key(*attributes: Any) -> list[ColumnElement[Any]]:
    """Model attributes as the column list keyset pagination expects (typing bridge)."""
    return [cast("ColumnElement[Any]", attribute) for attribute in attributes]


_INT64 = 2**63 - 1


def check_cursor(cursor: str | None, *kinds: type) -> None:
    """Refuse (400 ``invalid_cursor``) a cursor whose values are not of the key's types.

    ``decode_cursor`` checks only the width; a hand-made cursor with a string
    for an integer key, or an integer past 64 bits, would otherwise reach the
    database and fail there.
    """
    if cursor is None:
        return
    values = decode_cursor(cursor, len(kinds))
    for value, kind in zip(values, kinds, strict=True):
        wrong_type = not isinstance(value, kind) or (kind is int and isinstance(value, bool))
        out_of_range = isinstance(value, int) and not -_INT64 <= value <= _INT64
        unprintable = isinstance(value, str) and not value.isprintable()
        if wrong_type or out_of_range or unprintable:
            raise BadRequest(
                "The cursor is not one this list produced; start again without it",
                code="invalid_cursor",
            )
