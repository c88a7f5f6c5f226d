"""Test support for declarations: real callers, a movable clock, and body factories.

Callers get real tokens from the real auth service (``tests/support/auth_fixtures.py``):
member states, secretariats and operator clients are created over HTTP by the
operator's admin client. Community memberships are the auth service's seeded
ones and missions the registry's seeded ones (MINUSMA, MONUSCO, ...).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.elements import TextClause

from services.common.transparency.merkle import leaf_hash
from tests.support.auth_fixtures import AuthApi

DEFAULT_STATE_SCOPES = ("declarations:write", "register:read")


def _scopes(scopes: str | tuple[str, ...]) -> tuple[str, ...]:
    return tuple(scopes.split()) if isinstance(scopes, str) else scopes


class Callers:
    """Bearer headers of real clients, one token per (organisation, scopes) and test."""

    def __init__(self, auth_api: AuthApi) -> None:
        self.auth_api = auth_api
        self._headers: dict[tuple[str, str, tuple[str, ...]], dict[str, str]] = {}

    def _cached(self, kind: str, code: str, scopes: tuple[str, ...]) -> dict[str, str]:
        key = (kind, code, tuple(sorted(scopes)))
        if key not in self._headers:
            if kind == "member_state":
                headers = self.auth_api.member_state_headers(code, scopes)
            elif kind == "secretariat":
                headers = self.auth_api.secretariat_headers(code, scopes)
            elif scopes == ("admin",):
                headers = self.auth_api.admin_headers()
            else:
                headers = self.auth_api.operator_headers(scopes)
            self._headers[key] = headers
        return dict(self._headers[key])

    def state(
        self, country: str, scopes: str | tuple[str, ...] = DEFAULT_STATE_SCOPES
    ) -> dict[str, str]:
        """A member state's ministry (``declarations:write register:read`` by default)."""
        return self._cached("member_state", country, _scopes(scopes))

    def secretariat(
        self, community: str = "ECOWAS", scopes: str | tuple[str, ...] = ("register:read",)
    ) -> dict[str, str]:
        """A regional secretariat (``register:read``)."""
        return self._cached("secretariat", community, _scopes(scopes))

    def operator(self, scopes: str | tuple[str, ...] = ("admin",)) -> dict[str, str]:
        """The operator: the bootstrap admin client, or another client with ``scopes``."""
        return self._cached("operator", "", _scopes(scopes))

    def token(self, headers: dict[str, str]) -> str:
        """The bare token inside bearer ``headers``."""
        return headers["Authorization"].removeprefix("Bearer ")


class MovableClock:
    """A clock tests can move forward (retention periods last decades)."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, *, years: int = 0, days: int = 0) -> None:
        self.offset += timedelta(days=365 * years + years // 4 + 1 + days)

    def rewind(self, *, years: int) -> None:
        """Move back ``years`` (and a day): what is declared now has expired by the real date.

        The database checks retention against its own date, which tests cannot
        move: a test that disposes declares in the past and disposes today.
        """
        self.offset -= timedelta(days=365 * years + years // 4 + 1)

    def reset(self) -> None:
        """Back to the real date."""
        self.offset = timedelta()

    def today(self) -> date:
        """The clock's date (UTC)."""
        return self().date()


def weapon(serial: str = "AK-123456", **overrides: Any) -> dict[str, Any]:
    """A weapon item."""
    item = {
        "kind": "weapon",
        "category": "assault_rifle",
        "manufacturer": "Izhmash",
        "model": "AKM",
        "calibre": "7.62x39",
        "serial_number": serial,
    }
    return {**item, **overrides}


def ammunition(lot: str = "LOT-77", quantity: int = 500) -> dict[str, Any]:
    """An ammunition item."""
    return {
        "kind": "ammunition",
        "calibre": "7,62 × 39 mm",
        "lot_number": lot,
        "quantity": quantity,
    }


def declaration(country: str = "SEN", **overrides: Any) -> dict[str, Any]:
    """A valid seizure declaration body (mission MINUSMA, seeded by the registry)."""
    body: dict[str, Any] = {
        "type": "seizure",
        "declaring_country": country,
        "mission": "MINUSMA",
        "event_date": (date.today() - timedelta(days=10)).isoformat(),
        "location": {"country": "MLI", "place": "Gao", "lat": 16.27, "lon": -0.04},
        "circumstances": "cache found during patrol",
        "presumed_user": "armed group",
        "items": [weapon(), ammunition()],
    }
    return {**body, **overrides}


def declaration_at(clock: MovableClock, country: str = "SEN", **overrides: Any) -> dict[str, Any]:
    """:func:`declaration` with its event ten days before ``clock``'s date."""
    event_date = (clock.today() - timedelta(days=10)).isoformat()
    return declaration(country, **{"event_date": event_date, **overrides})


def destruction(
    references: list[str], items: list[dict[str, Any]], country: str = "SEN", **overrides: Any
) -> dict[str, Any]:
    """A destruction declaration body."""
    return declaration(
        country,
        type="destruction",
        references=references,
        items=items,
        destruction={"method": "cutting", "place": "Bamako", "witnesses": ["UNMAS officer"]},
        circumstances=None,
        presumed_user=None,
        **overrides,
    )


# What the declarations migrations' triggers say when they refuse, per database
# (declarations0002 and declarations0004). A test names the rule it expects, so a
# statement refused for another reason (a typo'd column, a missing row) fails it.
_TRIGGER_MESSAGES = {
    "postgresql": {
        "append_only": "the register is append-only: {action} on {table} refused",
        "content_update": "declaration content is removed only by a recorded disposal: UPDATE",
        "content_delete": "declaration content is removed only by a recorded disposal: DELETE",
        "retention": "retention of declaration {id} has not expired on ",
        "hold": "declaration {id} is under a legal hold",
        "logged_disposal": "disposal of {id} needs its disposal entry in the log",
    },
    "sqlite": {
        "append_only": "the register is append-only: {action} on {table} refused",
        "content_update": "declaration content is removed only by a recorded disposal",
        "content_delete": "declaration content is never deleted",
        # SQLite's guard is one trigger for both rules, so one message.
        "retention": "retention has not expired by the database date or a legal hold is active",
        "hold": "retention has not expired by the database date or a legal hold is active",
        "logged_disposal": "a disposal needs its disposal entry in the log",
    },
}

Statement = str | tuple[TextClause, dict[str, Any]]


def trigger_message(engine: Engine, rule: str, **names: object) -> str:
    """The message ``rule``'s trigger raises on ``engine``'s database."""
    return _TRIGGER_MESSAGES[engine.dialect.name][rule].format(**names)


def _run_in_one_transaction(engine: Engine, statements: tuple[Statement, ...]) -> None:
    with engine.begin() as connection:
        for statement in statements:
            if isinstance(statement, str):
                connection.execute(text(statement))
            else:
                connection.execute(*statement)


def assert_refused_by(engine: Engine, message: str, *statements: Statement) -> None:
    """Run ``statements`` in one transaction; the database must refuse them with ``message``."""
    with pytest.raises(DBAPIError) as refused:
        _run_in_one_transaction(engine, statements)
    assert message in str(refused.value.orig), str(refused.value.orig)


_INSERT_DISPOSAL = text(
    "INSERT INTO disposals (declaration_id, disposed_on, disposed_at, disposed_by, log_index)"
    " VALUES (:id, :on, :at, 'forger', :log_index)"
)
_INSERT_LOG_ENTRY = text(
    'INSERT INTO log_entries ("index", entry_type, declaration_id, version, leaf_input,'
    " leaf_hash, created_at) VALUES (:index, 'disposal', :id, 1, :input, :hash, :at)"
)


def disposal_row(declaration_id: str, on: date, log_index: int) -> Statement:
    """An INSERT of a ``disposals`` row, as a forger with the app's privileges would write it."""
    params = {"id": declaration_id, "on": on, "at": datetime.now(UTC), "log_index": log_index}
    return _INSERT_DISPOSAL, params


def disposal_log_entry(declaration_id: str, index: int) -> Statement:
    """An INSERT of a forged ``disposal`` log entry of ``declaration_id`` at ``index``."""
    forged = b'{"type":"disposal","declaration_id":"' + declaration_id.encode() + b'"}'
    params = {
        "index": index,
        "id": declaration_id,
        "input": forged,
        "hash": leaf_hash(forged),
        "at": datetime.now(UTC),
    }
    return _INSERT_LOG_ENTRY, params
