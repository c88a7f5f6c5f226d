"""registry0030 adds ``incident_country`` to indexed declarations and their items (kept
NULL on rows indexed before it), and its downgrade drops it."""

from __future__ import annotations

from sqlalchemy import create_engine, inspect

from services.common import migrations

TABLES = ("indexed_declarations", "declared_items")


def _has_column(url: str) -> dict[str, bool]:
    engine = create_engine(url)
    try:
        inspector = inspect(engine)
        return {
            table: "incident_country" in {c["name"] for c in inspector.get_columns(table)}
            for table in TABLES
        }
    finally:
        engine.dispose()


def test_the_incident_country_comes_with_registry0030_and_goes_with_its_downgrade(
    empty_database_url: str,
) -> None:
    migrations.upgrade("registry", empty_database_url, "registry0030")
    assert _has_column(empty_database_url) == dict.fromkeys(TABLES, True)
    migrations.downgrade("registry", empty_database_url, "-1")
    assert _has_column(empty_database_url) == dict.fromkeys(TABLES, False)
    migrations.upgrade("registry", empty_database_url)
    assert _has_column(empty_database_url) == dict.fromkeys(TABLES, True)
