"""Each service's table models and its migrations describe the same schema.

The app never calls create_all: the database is what the migrations made, and the
code is written against the models. A column widened in one and not the other (or a
table the migrations create but the models do not know) shows here, on both databases.
"""

from __future__ import annotations

import functools
import importlib
import warnings

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine
from sqlalchemy.schema import SchemaItem

from services.common import migrations


@pytest.mark.parametrize("service", migrations.SERVICES)
def test_models_and_migrations_agree(service: str, empty_database_url: str) -> None:
    migrations.upgrade(service, empty_database_url)
    metadata = importlib.import_module(f"services.{service}.models").metadata
    engine = create_engine(empty_database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection,
                opts={
                    "compare_type": True,
                    "compare_server_default": False,
                    "include_object": functools.partial(
                        _for_dialect, dialect=connection.dialect.name
                    ),
                },
            )
            with warnings.catch_warnings():
                # PostgreSQL-only expression indexes (``ddl_if``, registry0021): SQLite
                # has neither them nor a way to reflect them; PostgreSQL compares them.
                warnings.filterwarnings(
                    "ignore",
                    r"autogenerate skipping metadata-specified expression-based index"
                    r" 'ix_\w+_serial_key_reversed'; dialect 'sqlite'",
                    UserWarning,
                )
                differences = compare_metadata(context, metadata)
    finally:
        engine.dispose()
    assert differences == [], differences


def _for_dialect(
    item: SchemaItem,
    name: str | None,
    kind: str,
    reflected: bool,
    compare_to: object,
    *,
    dialect: str,
) -> bool:
    """Leave out what the models create on another database only (``ddl_if``: the
    trigram indexes of registry0022 are PostgreSQL's), which autogenerate would report
    missing."""
    ddl_if = getattr(item, "_ddl_if", None)
    return reflected or ddl_if is None or ddl_if.dialect in (None, dialect)
