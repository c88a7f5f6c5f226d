"""The registry service's table base and metadata (its own database, its own Alembic tree)."""

from __future__ import annotations

from sqlmodel import SQLModel

from services.common.tables import idempotency_table, new_registry

registry_registry = new_registry()
metadata = registry_registry.metadata


class RegistryTable(SQLModel, registry=registry_registry):
    """Base of every table model of the registry service."""


idempotency_keys = idempotency_table(metadata)
