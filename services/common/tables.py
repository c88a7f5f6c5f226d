"""Table-model bases: one SQLAlchemy registry per service.

Services share a process in the embedded runner but never share tables, so
each gets its own metadata (and Alembic tree) with one constraint naming
convention, so migrations name constraints predictably on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator
from sqlalchemy import JSON, Column, DateTime, Integer, MetaData, String, Table, Text
from sqlalchemy.orm import registry

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_registry() -> registry:
    """A mapper registry with its own metadata and the naming convention."""
    return registry(metadata=MetaData(naming_convention=NAMING_CONVENTION))


def utcnow() -> datetime:
    """Timezone-aware now in UTC (naive datetimes are banned in this code base)."""
    return datetime.now(UTC)


def assume_utc(moment: datetime) -> datetime:
    """A stored datetime as aware UTC: SQLite hands ``DateTime(timezone=True)`` back naive."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


# For response models: always RFC 3339 with an offset, whatever the database returned.
UtcDatetime = Annotated[datetime, AfterValidator(assume_utc)]


def column_length(table: Table, column: str) -> int:
    """The declared length of ``table.column`` (a ``String(n)``): what the database holds,
    so request limits and key checks follow a migration that widens the column."""
    # String(n), or a type decorating it (SQLModel's AutoString): both carry ``length``.
    length = getattr(table.c[column].type, "length", None)
    if not isinstance(length, int):
        raise TypeError(f"{table.name}.{column} has no length")
    return length


def idempotency_table(metadata: MetaData) -> Table:
    """The per-service table remembering responses to creating POSTs."""
    return Table(
        "idempotency_keys",
        metadata,
        Column("client_id", String(255), primary_key=True),
        Column("idempotency_key", String(255), primary_key=True),
        Column("fingerprint", String(64), nullable=False),
        Column("status_code", Integer, nullable=False),
        Column("response_body", Text, nullable=False),
        Column("response_headers", JSON, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False, default=utcnow),
    )
