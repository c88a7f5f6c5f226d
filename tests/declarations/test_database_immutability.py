"""The database itself refuses UPDATE, DELETE and TRUNCATE on record and log tables."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import DBAPIError

from services.declarations.models import APPEND_ONLY_TABLES
from tests.declarations.support import Callers, MovableClock, declaration, declaration_at

URL = "/declarations/v1/declarations"


@pytest.fixture
def engine(declarations_url: str) -> Iterator[Engine]:
    engine = create_engine(declarations_url)
    yield engine
    engine.dispose()


@pytest.fixture
def populated(client: TestClient, callers: Callers) -> str:
    created = client.post(URL, json=declaration(), headers=callers.state("SEN")).json()
    client.post(f"{URL}/{created['id']}/holds", json={"reason": "r"}, headers=callers.operator())
    client.request(
        "DELETE", f"{URL}/{created['id']}/holds", json={"reason": "r"}, headers=callers.operator()
    )
    return str(created["id"])


def _refused(engine: Engine, statement: str) -> None:
    with pytest.raises(DBAPIError), engine.begin() as connection:
        connection.execute(text(statement))


@pytest.mark.parametrize("table", [t for t in APPEND_ONLY_TABLES if t != "disposals"])
def test_update_and_delete_are_refused(engine: Engine, populated: str, table: str) -> None:
    column = {
        "declarations": "type = 'collection'",
        "declaration_versions": "reason = 'forged'",
        "holds": "reason = 'forged'",
        "hold_lifts": "reason = 'forged'",
        "log_entries": "entry_type = 'forged'",
        "log_nodes": "level = level",
        "checkpoints": "signed_note = 'forged'",
    }[table]
    _refused(engine, f"UPDATE {table} SET {column}")
    _refused(engine, f"DELETE FROM {table}")


def test_truncate_is_refused_on_postgresql(engine: Engine, populated: str) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    for table in (*APPEND_ONLY_TABLES, "declaration_contents"):
        _refused(engine, f"TRUNCATE {table} CASCADE")


def test_content_cannot_be_edited_or_removed_without_a_disposal(
    engine: Engine, populated: str
) -> None:
    _refused(engine, "UPDATE declaration_contents SET content = '{}'")
    _refused(engine, "UPDATE declaration_contents SET content = NULL")
    _refused(engine, "DELETE FROM declaration_contents")


def test_a_disposal_before_expiry_is_refused_by_the_database(
    engine: Engine, populated: str
) -> None:
    _refused(
        engine,
        "INSERT INTO disposals (declaration_id, disposed_on, disposed_at, disposed_by, log_index)"
        f" VALUES ('{populated}', '{date.today().isoformat()}', CURRENT_TIMESTAMP, 'x', 999)",
    )


def test_after_disposal_content_stays_null(
    client: TestClient, callers: Callers, engine: Engine, clock: MovableClock
) -> None:
    clock.rewind(years=31)
    expired = client.post(URL, json=declaration_at(clock), headers=callers.state("SEN")).json()
    clock.reset()
    assert client.delete(f"{URL}/{expired['id']}", headers=callers.operator()).status_code == 200
    _refused(engine, "UPDATE declaration_contents SET content = '{}'")
    _refused(engine, "DELETE FROM disposals")
