"""The auth service's table base and metadata (its own database, its own Alembic tree)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import SQLModel

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
