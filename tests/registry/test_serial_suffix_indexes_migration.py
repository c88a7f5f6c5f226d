"""registry0021 adds the reversed serial-key indexes (PostgreSQL) and the loss-report
items' serial-key index, and its downgrade drops them."""

from __future__ import annotations

from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import make_url

from services.common import migrations

REVERSED = {
    "manifest_items": "ix_manifest_items_serial_key_reversed",
    "declared_items": "ix_declared_items_serial_key_reversed",
    "loss_report_items": "ix_loss_report_items_serial_key_reversed",
}


def _indexes(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        inspector = inspect(engine)
        return {
            str(index["name"])
            for table in REVERSED
            for index in inspector.get_indexes(table)
            if index["name"]
        }
    finally:
        engine.dispose()


def test_the_serial_suffix_indexes_come_with_registry0021_and_go_with_its_downgrade(
    empty_database_url: str,
) -> None:
    postgresql = make_url(empty_database_url).get_backend_name() == "postgresql"
    added = {"ix_loss_report_items_serial_key"} | (set(REVERSED.values()) if postgresql else set())
    migrations.upgrade("registry", empty_database_url, "registry0021")
    assert added <= _indexes(empty_database_url)
    if not postgresql:  # SQLite has no reverse(): the trace reads the pattern there
        assert not set(REVERSED.values()) & _indexes(empty_database_url)
    migrations.downgrade("registry", empty_database_url, "registry0020")
    assert not added & _indexes(empty_database_url)
    migrations.upgrade("registry", empty_database_url)
    assert added <= _indexes(empty_database_url)
