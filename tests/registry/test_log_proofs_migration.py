"""registry0025 adds the kept log proofs (checkpoint and audit path) to indexed
declarations and case items, on both databases; its downgrade drops them, and the case
items keep their triggers either way."""

from __future__ import annotations

from sqlalchemy import create_engine, inspect, text

from services.common import migrations

TABLES = ("indexed_declarations", "case_items")
ADDED = {"log_checkpoint", "log_inclusion"}


def _columns(url: str) -> dict[str, set[str]]:
    engine = create_engine(url)
    try:
        inspector = inspect(engine)
        return {t: {str(c["name"]) for c in inspector.get_columns(t)} for t in TABLES}
    finally:
        engine.dispose()


def _case_item_triggers(url: str) -> set[str]:
    """The triggers keeping case items (a plain ADD COLUMN must not lose them)."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            if engine.dialect.name == "sqlite":
                query = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
                query += " AND tbl_name = 'case_items'"
            else:
                query = "SELECT tgname FROM pg_trigger"
                query += " WHERE tgrelid = 'case_items'::regclass AND NOT tgisinternal"
            return {str(row[0]) for row in connection.execute(text(query))}
    finally:
        engine.dispose()


def test_the_log_proof_columns_come_with_registry0025_and_go_with_its_downgrade(
    empty_database_url: str,
) -> None:
    migrations.upgrade("registry", empty_database_url, "registry0025")
    assert all(columns >= ADDED for columns in _columns(empty_database_url).values())
    kept = _case_item_triggers(empty_database_url)
    assert kept
    migrations.downgrade("registry", empty_database_url, "-1")
    assert not any(ADDED & columns for columns in _columns(empty_database_url).values())
    assert _case_item_triggers(empty_database_url) == kept
    migrations.upgrade("registry", empty_database_url)
    assert all(columns >= ADDED for columns in _columns(empty_database_url).values())
