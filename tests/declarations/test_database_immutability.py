"""The database itself refuses UPDATE, DELETE and TRUNCATE on record and log tables.

Each refusal is checked against the message of the trigger that enforces the rule
(see ``trigger_message``): a statement refused for another reason, such as a
misspelt column, fails the test instead of passing it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from services.common.database import make_engine
from services.declarations.models import APPEND_ONLY_TABLES
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


@pytest.fixture
def engine(declarations_url: str) -> Iterator[Engine]:
    engine = make_engine(declarations_url)
    yield engine
    engine.dispose()


@pytest.fixture
def populated(client: TestClient, callers: Callers) -> str:
    """A declaration with a hold and its lift: a row in every append-only table."""
    created = assert_status(client.post(URL, json=declaration(), headers=callers.state("SEN")))
    holds = f"{URL}/{created['id']}/holds"
    assert_status(
        client.post(
            holds, json={"reason": "r"}, headers=callers.operator(("admin", "register:read"))
        )
    )
    lifted = client.request(
        "DELETE", holds, json={"reason": "r"}, headers=callers.operator(("admin", "register:read"))
    )
    assert_status(lifted, 200)
    return str(created["id"])


def _next_log_index(engine: Engine) -> int:
    with engine.connect() as connection:
        next_index = connection.execute(text('SELECT max("index") + 1 FROM log_entries'))
        return int(next_index.scalar_one())


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
    for action, statement in (
        ("UPDATE", f"UPDATE {table} SET {column}"),
        ("DELETE", f"DELETE FROM {table}"),
    ):
        refusal = trigger_message(engine, "append_only", action=action, table=table)
        assert_refused_by(engine, refusal, statement)


def test_truncate_is_refused_on_postgresql(engine: Engine, populated: str) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    for table in (*APPEND_ONLY_TABLES, "declaration_contents"):
        # CASCADE truncates the referencing tables too; whichever trigger fires first refuses.
        refusal = trigger_message(engine, "append_only", action="TRUNCATE", table="")
        assert_refused_by(engine, refusal.removesuffix(" refused"), f"TRUNCATE {table} CASCADE")


def test_content_cannot_be_edited_or_removed_without_a_disposal(
    engine: Engine, populated: str
) -> None:
    edit = trigger_message(engine, "content_update")
    assert_refused_by(engine, edit, "UPDATE declaration_contents SET content = '{}'")
    assert_refused_by(engine, edit, "UPDATE declaration_contents SET content = NULL")
    delete = trigger_message(engine, "content_delete")
    assert_refused_by(engine, delete, "DELETE FROM declaration_contents")


def test_a_disposal_before_expiry_is_refused_by_the_retention_rule(
    engine: Engine, populated: str
) -> None:
    # The disposal has its own disposal entry in the log and no hold is active (the
    # fixture's hold is lifted): only retention is left to refuse it.
    index = _next_log_index(engine)
    assert_refused_by(
        engine,
        trigger_message(engine, "retention", id=populated),
        disposal_log_entry(populated, index),
        disposal_row(populated, datetime.now(UTC).date(), index),
    )


def test_after_disposal_content_stays_null(
    client: TestClient, callers: Callers, engine: Engine, clock: MovableClock
) -> None:
    clock.rewind(years=31)
    sen = callers.state("SEN")
    expired = assert_status(client.post(URL, json=declaration_at(clock), headers=sen))
    clock.reset()
    assert_status(client.delete(f"{URL}/{expired['id']}", headers=callers.operator()), 200)
    assert client.get(f"{URL}/{expired['id']}", headers=sen).json()["record"] is None
    edit = trigger_message(engine, "content_update")
    assert_refused_by(engine, edit, "UPDATE declaration_contents SET content = '{}'")
    delete = trigger_message(engine, "append_only", action="DELETE", table="disposals")
    assert_refused_by(engine, delete, "DELETE FROM disposals")
