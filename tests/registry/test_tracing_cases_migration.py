"""registry0016 adds the tracing case tables and the log position of indexed
declarations, and takes them away again on downgrade."""

from __future__ import annotations

from sqlalchemy import create_engine, inspect

from services.common import migrations

TABLES = {"cases", "case_items", "case_shares", "trace_requests", "trace_request_events"}


def _schema(url: str) -> tuple[set[str], set[str]]:
    engine = create_engine(url)
    try:
        inspector = inspect(engine)
        tables = set(inspector.get_table_names())
        columns = {c["name"] for c in inspector.get_columns("indexed_declarations")}
    finally:
        engine.dispose()
    return tables, columns


def test_registry0016_upgrades_downgrades_and_upgrades_again(empty_database_url: str) -> None:
    migrations.upgrade("registry", empty_database_url, "registry0016")
    tables, columns = _schema(empty_database_url)
    assert tables >= TABLES
    assert {"log_index", "log_leaf_hash"} <= columns

    migrations.downgrade("registry", empty_database_url, "registry0012")
    tables, columns = _schema(empty_database_url)
    assert not tables & TABLES
    assert not {"log_index", "log_leaf_hash"} & columns

    migrations.upgrade("registry", empty_database_url, "registry0016")
    tables, _ = _schema(empty_database_url)
    assert tables >= TABLES
