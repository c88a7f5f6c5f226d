"""Alembic environment of the declarations service (its own database)."""

from services.common.alembic_env import run_migrations
from services.declarations import models
from services.declarations.settings import DeclarationsSettings

run_migrations(
    metadata=models.metadata, default_url=lambda: DeclarationsSettings().resolved_database_url()
)
