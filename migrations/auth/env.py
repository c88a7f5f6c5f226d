"""Alembic environment of the auth service (its own database)."""

from services.auth import models
from services.auth.settings import AuthSettings
from services.common.alembic_env import run_migrations

run_migrations(metadata=models.metadata, default_url=lambda: AuthSettings().resolved_database_url())
