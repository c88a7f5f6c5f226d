"""The database refuses a disposal by its own date and only with its logged disposal entry.

A writer with the application's privileges (on PostgreSQL: the documented
least-privilege role; on SQLite: any connection) must not be able to remove a
record's content before retention has expired by forging a disposal row.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from services.common.database import make_engine
from tests.declarations.database_roles import documented_role
from tests.declarations.support import (
    Callers,
    MovableClock,
    assert_refused_by,
    declaration,
    declaration_at,
    disposal_log_entry,
    disposal_row,
    trigger_message,
)
from tests.support.responses import assert_status

URL = "/declarations/v1/declarations"
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


def test_a_disposal_dated_2099_on_the_day_of_declaration_is_refused_and_content_stays(
    client: TestClient, callers: Callers, writer: Engine
) -> None:
    sen = callers.state("SEN")
    declaration_id = assert_status(client.post(URL, json=declaration(), headers=sen))["id"]
    # Even with a disposal entry of its own in the log, the forger's date is not believed.
    assert_refused_by(
        writer,
        trigger_message(writer, "retention", id=declaration_id),
        disposal_log_entry(declaration_id, 1),
        disposal_row(declaration_id, date(2099, 1, 1), 1),
        (NULL_CONTENT, {"id": declaration_id}),
    )
    assert_refused_by(
        writer, trigger_message(writer, "content_update"), (NULL_CONTENT, {"id": declaration_id})
    )
    assert client.get(f"{URL}/{declaration_id}", headers=sen).json()["record"] is not None


def test_a_disposal_needs_a_logged_disposal_entry_of_that_declaration(
    client: TestClient, callers: Callers, clock: MovableClock, writer: Engine
) -> None:
    sen = callers.state("SEN")
    clock.rewind(years=31)
    expired = assert_status(client.post(URL, json=declaration_at(clock), headers=sen))["id"]
    other = assert_status(client.post(URL, json=declaration_at(clock), headers=sen))["id"]
    today = datetime.now(UTC).date()
    unlogged = trigger_message(writer, "logged_disposal", id=expired)
    assert_refused_by(writer, unlogged, disposal_row(expired, today, 0))  # its version entry
    assert_refused_by(writer, unlogged, disposal_row(expired, today, 999))  # no entry at all
    assert_refused_by(  # another declaration's disposal entry
        writer, unlogged, disposal_log_entry(other, 2), disposal_row(expired, today, 2)
    )
    clock.reset()
    assert_status(client.delete(f"{URL}/{expired}", headers=sen), 200)
    assert client.get(f"{URL}/{expired}", headers=sen).json()["record"] is None


def test_a_disposal_dated_in_the_future_is_refused_even_after_expiry(
    client: TestClient, callers: Callers, clock: MovableClock, writer: Engine
) -> None:
    clock.rewind(years=31)
    sen = callers.state("SEN")
    expired = assert_status(client.post(URL, json=declaration_at(clock), headers=sen))["id"]
    assert_refused_by(
        writer,
        trigger_message(writer, "retention", id=expired),
        disposal_log_entry(expired, 1),
        disposal_row(expired, date(2099, 1, 1), 1),
    )


def test_a_disposal_under_an_active_hold_is_refused_by_the_database_after_expiry(
    client: TestClient, callers: Callers, clock: MovableClock, writer: Engine
) -> None:
    clock.rewind(years=31)
    sen = callers.state("SEN")
    expired = assert_status(client.post(URL, json=declaration_at(clock), headers=sen))["id"]
    clock.reset()
    hold = {"reason": "Panel of Experts inquiry"}
    assert_status(
        client.post(
            f"{URL}/{expired}/holds",
            json=hold,
            headers=callers.operator(("admin", "register:read")),
        )
    )
    # Retention has expired and the disposal entry is in the log: only the hold refuses.
    assert_refused_by(
        writer,
        trigger_message(writer, "hold", id=expired),
        disposal_log_entry(expired, 2),
        disposal_row(expired, datetime.now(UTC).date(), 2),
    )


def test_a_disposal_the_app_clock_allows_but_the_database_date_refuses_is_409(
    client: TestClient, callers: Callers, clock: MovableClock
) -> None:
    sen = callers.state("SEN")
    declaration_id = assert_status(client.post(URL, json=declaration(), headers=sen))["id"]
    clock.advance(years=31)
    response = client.delete(f"{URL}/{declaration_id}", headers=sen)
    assert response.status_code == 409, response.text
    assert response.json()["code"] == "retention_active"
    assert client.get(f"{URL}/{declaration_id}", headers=sen).json()["record"] is not None
