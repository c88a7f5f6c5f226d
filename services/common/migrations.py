"""Run a service's Alembic tree programmatically (CLI, runner, tests, readiness)."""

from __future__ import annotations

import sysconfig
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

SERVICES = ("auth", "registry", "declarations")


def migrations_root() -> Path:
    """Where the Alembic trees are: beside ``services/`` in a checkout (or an editable
    install), else where ``pip install .`` put them (``<prefix>/share/salw-register``)."""
    checkout = Path(__file__).resolve().parents[2] / "migrations"
    if (checkout / SERVICES[0] / "env.py").is_file():
        return checkout
    return Path(sysconfig.get_path("data")) / "share" / "salw-register" / "migrations"


MIGRATIONS_ROOT = migrations_root()


def alembic_config(service: str, database_url: str) -> Config:
    """An Alembic config for ``service``'s tree pointed at ``database_url``."""
    if service not in SERVICES:
        raise ValueError(f"unknown service {service!r}")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_ROOT / service))
    config.set_main_option("path_separator", "os")
    # Date-prefixed files sort in the order they were written.
    config.set_main_option("file_template", "%%(year)d%%(month).2d%%(day).2d_%%(rev)s_%%(slug)s")
    config.attributes["database_url"] = database_url
    return config


def upgrade(service: str, database_url: str, revision: str = "head") -> None:
    """Migrate ``service``'s database up to ``revision``."""
    command.upgrade(alembic_config(service, database_url), revision)


def downgrade(service: str, database_url: str, revision: str = "base") -> None:
    """Migrate ``service``'s database down to ``revision``."""
    command.downgrade(alembic_config(service, database_url), revision)


def head_revisions(service: str) -> set[str]:
    """The head revision(s) of ``service``'s tree."""
    script = ScriptDirectory.from_config(alembic_config(service, "sqlite://"))
    return set(script.get_heads())


def current_revisions(engine: Engine) -> set[str]:
    """The revision(s) the database is at."""
    with engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads())
