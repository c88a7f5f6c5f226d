"""Writes: 404 for callers who may not know a declaration exists, 403 for those who
may know it (they read it) but may not change it, before any state check (409, 412)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.declarations.support import Callers, MovableClock, declaration

URL = "/declarations/v1/declarations"
AMENDMENT = {"reason": "r", "changes": {"circumstances": "x"}}


@pytest.fixture
def declared(client: TestClient, callers: Callers) -> dict[str, str]:
    response = client.post(URL, json=declaration("SEN"), headers=callers.state("SEN"))
    assert response.status_code == 201, response.text
    return {"id": response.json()["id"], "etag": response.headers["etag"]}


def _amend(client: TestClient, declared: dict[str, str], headers: dict[str, str]) -> int:
    response = client.post(
        f"{URL}/{declared['id']}/amendments",
        json=AMENDMENT,
        headers=headers | {"If-Match": declared["etag"]},
    )
    if response.status_code == 403:  # the rule that refused: the write scope
        assert response.json()["code"] == "insufficient_scope", response.text
    return int(response.status_code)


def test_a_secretariat_that_reads_a_declaration_gets_403_on_amendment(
    client: TestClient, callers: Callers, declared: dict[str, str]
) -> None:
    reader = callers.secretariat("ECOWAS")
    assert client.get(f"{URL}/{declared['id']}", headers=reader).status_code == 200
    assert _amend(client, declared, reader) == 403


def test_a_reader_without_the_write_scope_gets_403_on_amendment(
    client: TestClient, callers: Callers, declared: dict[str, str]
) -> None:
    for reader in (
        callers.state("SEN", scopes="register:read"),
        callers.operator(scopes="admin register:read"),
    ):
        assert client.get(f"{URL}/{declared['id']}", headers=reader).status_code == 200
        assert _amend(client, declared, reader) == 403


def test_a_state_that_may_not_read_the_declaration_gets_404_on_amendment(
    client: TestClient, callers: Callers, declared: dict[str, str]
) -> None:
    assert client.get(f"{URL}/{declared['id']}", headers=callers.state("SEN")).status_code == 200
    assert _amend(client, declared, callers.state("CIV")) == 404
    assert _amend(client, declared, callers.state("SEN")) == 201


def test_a_secretariat_that_reads_a_declaration_gets_403_on_delete_before_and_after_expiry(
    client: TestClient, callers: Callers, declared: dict[str, str], clock: MovableClock
) -> None:
    reader = callers.secretariat("ECOWAS")
    before = client.delete(f"{URL}/{declared['id']}", headers=reader)
    assert before.status_code == 403
    assert before.json()["code"] == "disposal_not_allowed"
    clock.advance(years=31)
    assert client.delete(f"{URL}/{declared['id']}", headers=reader).status_code == 403
    assert client.get(f"{URL}/{declared['id']}", headers=reader).json()["record"] is not None


def test_readers_without_disposal_rights_get_403_on_delete(
    client: TestClient, callers: Callers, declared: dict[str, str]
) -> None:
    for reader in (
        callers.state("SEN", scopes="register:read"),
        callers.operator(scopes="register:read"),
    ):
        assert client.delete(f"{URL}/{declared['id']}", headers=reader).status_code == 403


def test_callers_who_may_not_know_the_declaration_get_404_on_delete(
    client: TestClient, callers: Callers, declared: dict[str, str]
) -> None:
    assert client.get(f"{URL}/{declared['id']}", headers=callers.state("SEN")).status_code == 200
    for outsider in (callers.state("CIV"), callers.secretariat("ECCAS")):
        assert client.delete(f"{URL}/{declared['id']}", headers=outsider).status_code == 404


def test_an_unknown_declaration_is_404_for_a_secretariat(
    client: TestClient, callers: Callers
) -> None:
    missing = "00000000-0000-4000-8000-000000000000"
    response = client.delete(f"{URL}/{missing}", headers=callers.secretariat("ECOWAS"))
    assert response.status_code == 404
