"""Table models of the declarations service. Alembic's env imports this module."""

from __future__ import annotations

from services.declarations.tables import DeclarationsTable, idempotency_keys, metadata

__all__ = ["DeclarationsTable", "idempotency_keys", "metadata"]
