"""The database refuses a disposal by its own date and only with its logged disposal entry.

A writer with the application's privileges (on PostgreSQL: the documented
least-privilege role; on SQLite: any connection) must not be able to remove a
record's content before retention has expired by forging a disposal row.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from services.common.database import make_engine
from services.common.transparency.merkle import leaf_hash
from tests.declarations.database_roles import documented_role
from tests.declarations.support import Callers, MovableClock, declaration, declaration_at

URL = "/declarations/v1/declarations"
INSERT_DISPOSAL = text(
    "INSERT INTO disposals (declaration_id, disposed_on, disposed_at, disposed_by, log_index)"
    " VALUES (:id, :on, :at, 'forger', :log_index)"
)
INSERT_LOG_ENTRY = text(
    'INSERT INTO log_entries ("index", entry_type, declaration_id, version, leaf_input,'
    " leaf_hash, created_at) VALUES (:index, 'disposal', :id, 1, :input, :hash, :at)"
)
NULL_CONTENT = text("UPDATE declaration_contents SET content = NULL WHERE declaration_id = :id")


@pytest.fixture
def writer(declarations_url: str) -> Iterator[Engine]:
    """A connection with the application's privileges, and no more."""
    if declarations_url.startswith("postgresql"):
        with documented_role(declarations_url) as url:
            engine = make_engine(url)
            yield engine
            engine.dispose()
        return
    engine = make_engine(declarations_url)
    yield engine
    engine.dispose()


def _run(engine: Engine, statements: tuple[tuple[Any, dict[str, Any]], ...]) -> None:
    with engine.begin() as connection:
        for statement, params in statements:
            connection.execute(statement, params)


def _refused(engine: Engine, *statements: tuple[Any, dict[str, Any]]) -> None:
    with pytest.raises(DBAPIError):
        _run(engine, statements)


def _disposal(declaration_id: str, on: date, log_index: int) -> tuple[Any, dict[str, Any]]:
    params = {"id": declaration_id, "on": on, "at": datetime.now(UTC), "log_index": log_index}
    return INSERT_DISPOSAL, params


def _forged_entry(declaration_id: str, index: int) -> tuple[Any, dict[str, Any]]:
    forged = b'{"type":"disposal","declaration_id":"' + declaration_id.encode() + b'"}'
    params = {
        "index": index,
        "id": declaration_id,
        "input": forged,
        "hash": leaf_hash(forged),
        "at": datetime.now(UTC),
    }
    return INSERT_LOG_ENTRY, params


def test_a_disposal_dated_2099_on_the_day_of_declaration_is_refused_and_content_stays(
    client: TestClient, callers: Callers, writer: Engine
) -> None:
    sen = callers.state("SEN")
    declaration_id = client.post(URL, json=declaration(), headers=sen).json()["id"]
    # Even with a disposal entry of its own in the log, the forger's date is not believed.
    _refused(
        writer,
        _forged_entry(declaration_id, 1),
        _disposal(declaration_id, date(2099, 1, 1), 1),
        (NULL_CONTENT, {"id": declaration_id}),
    )
    _refused(writer, (NULL_CONTENT, {"id": declaration_id}))
    assert client.get(f"{URL}/{declaration_id}", headers=sen).json()["record"] is not None


def test_a_disposal_needs_a_logged_disposal_entry_of_that_declaration(
    client: TestClient, callers: Callers, clock: MovableClock, writer: Engine
) -> None:
    sen = callers.state("SEN")
    clock.rewind(years=31)
    expired = client.post(URL, json=declaration_at(clock), headers=sen).json()["id"]
    other = client.post(URL, json=declaration_at(clock), headers=sen).json()["id"]
    today = datetime.now(UTC).date()
    _refused(writer, _disposal(expired, today, 0))  # its declaration_version entry
    _refused(writer, _disposal(expired, today, 999))  # no entry at all
    _refused(writer, _forged_entry(other, 2), _disposal(expired, today, 2))  # another's
    clock.reset()
    disposed = client.delete(f"{URL}/{expired}", headers=sen)
    assert disposed.status_code == 200, disposed.text
    assert client.get(f"{URL}/{expired}", headers=sen).json()["record"] is None


def test_a_disposal_dated_in_the_future_is_refused_even_after_expiry(
    client: TestClient, callers: Callers, clock: MovableClock, writer: Engine
) -> None:
    clock.rewind(years=31)
    expired = client.post(URL, json=declaration_at(clock), headers=callers.state("SEN")).json()
    _refused(writer, _forged_entry(expired["id"], 1), _disposal(expired["id"], date(2099, 1, 1), 1))


def test_a_disposal_the_app_clock_allows_but_the_database_date_refuses_is_409(
    client: TestClient, callers: Callers, clock: MovableClock
) -> None:
    sen = callers.state("SEN")
    declaration_id = client.post(URL, json=declaration(), headers=sen).json()["id"]
    clock.advance(years=31)
    response = client.delete(f"{URL}/{declaration_id}", headers=sen)
    assert response.status_code == 409, response.text
    assert response.json()["code"] == "retention_active"
    assert client.get(f"{URL}/{declaration_id}", headers=sen).json()["record"] is not None
