"""Table models of the registry service. Alembic's env imports this module."""

from __future__ import annotations

from services.registry.tables import RegistryTable, idempotency_keys, metadata

__all__ = ["RegistryTable", "idempotency_keys", "metadata"]
