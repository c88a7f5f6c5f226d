"""The body of every service's Alembic ``env.py``."""

from __future__ import annotations

from collections.abc import Callable

from alembic import context
from sqlalchemy import MetaData

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
            context.configure(
                connection=connection,
                target_metadata=metadata,
                render_as_batch=batch,
                compare_type=True,
            )
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()
