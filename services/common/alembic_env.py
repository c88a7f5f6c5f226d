"""The body of every service's Alembic ``env.py``."""

from __future__ import annotations

from collections.abc import Callable

from alembic import context
from sqlalchemy import Connection, MetaData

from services.common.database import is_sqlite, make_engine


def run_migrations(*, metadata: MetaData, default_url: Callable[[], str]) -> None:
    """Run the migrations of one service against its own database."""
    config = context.config
    url = config.attributes.get("database_url") or default_url()
    # SQLite alters tables by copying them (batch mode); PostgreSQL alters in place.
    batch = is_sqlite(url)
    if context.is_offline_mode():
        context.configure(
            url=url, target_metadata=metadata, literal_binds=True, render_as_batch=batch
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            if batch:
                # Batch mode rebuilds a table (copy, drop, rename): with foreign keys
                # enforced, SQLite refuses to drop a table that rows of another refer to
                # (loss_reports under its items). Off for the migration alone, set before
                # a transaction begins (SQLite ignores the pragma inside one); every
                # reference is checked before the migration commits.
                sqlite = connection.connection.driver_connection
                assert sqlite is not None  # a checked-out connection has its driver's
                sqlite.execute("PRAGMA foreign_keys=OFF")
            context.configure(
                connection=connection,
                target_metadata=metadata,
                render_as_batch=batch,
                compare_type=True,
            )
            with context.begin_transaction():
                context.run_migrations()
                if batch:
                    _check_sqlite_references(connection)
    finally:
        engine.dispose()


def _check_sqlite_references(connection: Connection) -> None:
    """Refuse (roll back) a migration that left a row referring to a missing one."""
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        found = ", ".join(f"{row[0]} row {row[1]} -> {row[2]}" for row in broken[:10])
        raise RuntimeError(f"the migration broke {len(broken)} reference(s): {found}")
