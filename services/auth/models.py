"""Table models of the auth service. Alembic's env imports this module."""

from __future__ import annotations

from services.auth.tables import AuthTable, idempotency_keys, metadata

__all__ = ["AuthTable", "idempotency_keys", "metadata"]
