"""Alembic environment of the declarations service (its own database)."""

from services.declarations import models
from services.declarations.settings import DeclarationsSettings
from services.common.alembic_env import run_migrations

run_migrations(metadata=models.metadata, default_url=lambda: DeclarationsSettings().resolved_database_url())
