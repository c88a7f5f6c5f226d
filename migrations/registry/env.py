"""Alembic environment of the registry service (its own database)."""

from services.common.alembic_env import run_migrations
from services.registry import models
from services.registry.settings import RegistrySettings

run_migrations(
    metadata=models.metadata, default_url=lambda: RegistrySettings().resolved_database_url()
)
