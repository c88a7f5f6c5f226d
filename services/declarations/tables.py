"""The declarations service's table base and metadata (its own database, its own Alembic tree)."""

from __future__ import annotations

from sqlmodel import SQLModel

from services.common.tables import idempotency_table, new_registry

declarations_registry = new_registry()
metadata = declarations_registry.metadata


class DeclarationsTable(SQLModel, registry=declarations_registry):
    """Base of every table model of the declarations service."""


idempotency_keys = idempotency_table(metadata)
