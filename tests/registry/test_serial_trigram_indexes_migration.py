"""registry0022 adds the serial-key trigram indexes (PostgreSQL, pg_trgm) and its
downgrade drops them, and the extension only when it created it; a role that may not
create the extension gets a message naming the command an operator runs, and nothing
of the upgrade is applied."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from services.common import migrations

TRIGRAMS = {
    "manifest_items": "ix_manifest_items_serial_key_trgm",
    "declared_items": "ix_declared_items_serial_key_trgm",
    "loss_report_items": "ix_loss_report_items_serial_key_trgm",
}


def _indexes(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        inspector = inspect(engine)
        return {
            str(index["name"])
            for table in TRIGRAMS
            for index in inspector.get_indexes(table)
            if index["name"]
        }
    finally:
        engine.dispose()


def _run(url: str, sql: str) -> object:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            result = connection.execute(text(sql))
            return result.scalar() if result.returns_rows else None
    finally:
        engine.dispose()


def _has_trgm(url: str) -> bool:
    return _run(url, "SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm'") == 1


def _postgresql(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


def test_the_trigram_indexes_come_with_registry0022_and_go_with_its_downgrade(
    empty_database_url: str,
) -> None:
    url = empty_database_url
    added = set(TRIGRAMS.values())
    migrations.upgrade("registry", url, "registry0022")
    if not _postgresql(url):  # SQLite has no pg_trgm: the trace reads the prefix there
        assert not added & _indexes(url)
        migrations.downgrade("registry", url, "registry0021")
        return
    assert added <= _indexes(url)
    assert _has_trgm(url)
    migrations.downgrade("registry", url, "registry0021")
    assert not added & _indexes(url)
    assert not _has_trgm(url)  # the migration made it: its downgrade drops it
    migrations.upgrade("registry", url)
    assert added <= _indexes(url)


def test_an_extension_an_operator_created_stays_after_the_downgrade(
    empty_database_url: str,
) -> None:
    url = empty_database_url
    if not _postgresql(url):
        pytest.skip("pg_trgm is PostgreSQL's")
    _run(url, "CREATE EXTENSION pg_trgm")
    migrations.upgrade("registry", url, "registry0022")
    assert set(TRIGRAMS.values()) <= _indexes(url)
    migrations.downgrade("registry", url, "registry0021")
    assert not set(TRIGRAMS.values()) & _indexes(url)
    assert _has_trgm(url)


@pytest.fixture
def owner_without_create(empty_database_url: str) -> Iterator[str]:
    """The URL of a role owning the registry's schema but without CREATE on the database,
    so it may not create even a trusted extension."""
    if not _postgresql(empty_database_url):
        pytest.skip("pg_trgm is PostgreSQL's")
    role = f"r_{uuid.uuid4().hex[:10]}"
    _run(empty_database_url, f"CREATE ROLE {role} LOGIN")
    _run(empty_database_url, f"GRANT ALL ON SCHEMA public TO {role}")
    yield make_url(empty_database_url).set(username=role).render_as_string(hide_password=False)
    _run(empty_database_url, f"DROP OWNED BY {role}")
    _run(empty_database_url, f"DROP ROLE {role}")


def test_a_role_that_may_not_create_pg_trgm_is_told_what_to_run_and_nothing_is_applied(
    empty_database_url: str, owner_without_create: str
) -> None:
    restricted = owner_without_create
    migrations.upgrade("registry", restricted, "registry0021")
    with pytest.raises(RuntimeError, match='CREATE EXTENSION pg_trgm"') as refused:
        migrations.upgrade("registry", restricted)
    assert "permission denied" in str(refused.value)
    assert _run(restricted, "SELECT version_num FROM alembic_version") == "registry0021"
    assert not set(TRIGRAMS.values()) & _indexes(restricted)
    assert not _has_trgm(restricted)

    _run(empty_database_url, "CREATE EXTENSION pg_trgm")  # what the operator runs
    migrations.upgrade("registry", restricted)
    assert set(TRIGRAMS.values()) <= _indexes(restricted)
    migrations.downgrade("registry", restricted, "registry0021")
    assert _has_trgm(restricted)  # the operator's, not the migration's
