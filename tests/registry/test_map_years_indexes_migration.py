"""registry0023 adds the located records' date indexes (the map's years), on both
databases, and its downgrade drops them."""

from __future__ import annotations

from sqlalchemy import create_engine, inspect

from services.common import migrations

ADDED = {
    "indexed_declarations": "ix_indexed_declarations_located_date",
    "loss_reports": "ix_loss_reports_located_date",
}


def _indexes(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        inspector = inspect(engine)
        return {str(index["name"]) for table in ADDED for index in inspector.get_indexes(table)}
    finally:
        engine.dispose()


def test_the_map_years_indexes_come_with_registry0023_and_go_with_its_downgrade(
    empty_database_url: str,
) -> None:
    migrations.upgrade("registry", empty_database_url, "registry0023")
    assert set(ADDED.values()) <= _indexes(empty_database_url)
    migrations.downgrade("registry", empty_database_url, "registry0022")
    assert not set(ADDED.values()) & _indexes(empty_database_url)
    migrations.upgrade("registry", empty_database_url)
    assert set(ADDED.values()) <= _indexes(empty_database_url)
