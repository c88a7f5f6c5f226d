"""The auth service's table base and metadata (its own database, its own Alembic tree)."""

from __future__ import annotations

from sqlmodel import SQLModel

from services.common.tables import idempotency_table, new_registry

auth_registry = new_registry()
metadata = auth_registry.metadata


class AuthTable(SQLModel, registry=auth_registry):
    """Base of every table model of the auth service."""


idempotency_keys = idempotency_table(metadata)
