"""Alembic environment of the registry service (its own database)."""

from services.registry import models
from services.registry.settings import RegistrySettings
from services.common.alembic_env import run_migrations

run_migrations(metadata=models.metadata, default_url=lambda: RegistrySettings().resolved_database_url())
