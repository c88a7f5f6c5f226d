"""Token issuance under a flood: secret checks take turns by address, outside any lock.

An argon2id check costs tens of milliseconds on purpose. It used to run inside the
SQLite write gate, so every check, and every other write of the service, queued
behind it; and one address flooding the token endpoint delayed every other caller.
"""

from __future__ import annotations

import sqlite3
import threading
from typing import Any

import anyio
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from services.auth.clients import secrets
from services.auth.tokens.check_gate import CheckGate, GateFull
from tests.support.auth_fixtures import AuthApi

FORM = "/auth/v1/token"


def _form(client_id: str, secret: str) -> dict[str, str]:
    return {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}


def test_a_freed_slot_goes_to_the_next_address_not_the_next_request() -> None:
    served: list[str] = []

    async def scenario() -> None:
        gate = CheckGate(concurrency=1, per_address_waiting=16)
        release = anyio.Event()

        async def check(name: str, address: str, *, hold: bool = False) -> None:
            async def wait_for_release() -> None:
                await release.wait()

            def work() -> None:
                served.append(name)
                if hold:
                    anyio.from_thread.run(wait_for_release)

            await gate.run(address, work)

        async with anyio.create_task_group() as tasks:
            tasks.start_soon(lambda: check("flood-0", "10.0.0.1", hold=True))
            while gate.running == 0:
                await anyio.sleep(0)
            for n in range(1, 9):
                tasks.start_soon(check, f"flood-{n}", "10.0.0.1")
            while gate.waiting < 8:
                await anyio.sleep(0)
            tasks.start_soon(check, "ministry", "10.0.0.2")
            while gate.waiting < 9:
                await anyio.sleep(0)
            release.set()

    anyio.run(scenario)
    # flood-0 held the slot; then one check per address in turn: the flood's next,
    # then the ministry's, long before the flood's other seven.
    assert served[:3] == ["flood-0", "flood-1", "ministry"]
    assert sorted(served) == sorted([f"flood-{n}" for n in range(9)] + ["ministry"])


def test_an_address_over_its_waiting_bound_is_told_to_slow_down() -> None:
    outcomes: list[str] = []

    async def scenario() -> None:
        gate = CheckGate(concurrency=1, per_address_waiting=2)
        release = anyio.Event()

        async def hold() -> None:
            await release.wait()

        async def check(address: str, holds: bool) -> None:
            try:
                await gate.run(address, (lambda: anyio.from_thread.run(hold)) if holds else str)
                outcomes.append(f"{address} served")
            except GateFull:
                outcomes.append(f"{address} refused")

        async with anyio.create_task_group() as tasks:
            tasks.start_soon(check, "a", True)
            while gate.running == 0:
                await anyio.sleep(0)
            for _ in range(3):
                tasks.start_soon(check, "a", False)
            tasks.start_soon(check, "b", False)
            while gate.waiting < 3:
                await anyio.sleep(0)
            await anyio.sleep(0.01)
            release.set()

    anyio.run(scenario)
    assert outcomes.count("a refused") == 1
    assert outcomes.count("a served") == 3
    assert outcomes.count("b served") == 1


def test_a_cancelled_waiter_gives_back_its_place() -> None:
    async def scenario() -> tuple[int, int]:
        gate = CheckGate(concurrency=1, per_address_waiting=4)
        release = anyio.Event()

        async def hold() -> None:
            await release.wait()

        async with anyio.create_task_group() as tasks:
            tasks.start_soon(gate.run, "a", lambda: anyio.from_thread.run(hold))
            while gate.running == 0:
                await anyio.sleep(0)
            with anyio.move_on_after(0.05):
                await gate.run("b", str)  # waits, then is cancelled
            assert gate.waiting == 0
            release.set()
        await gate.run("c", str)  # the slot was freed, not leaked
        return gate.running, gate.waiting

    assert anyio.run(scenario) == (0, 0)


@pytest.mark.db
def test_the_secret_check_holds_no_database_lock(
    client: TestClient, auth_api: AuthApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While argon2 runs, another writer can take the auth database's write lock."""
    client_id, secret = auth_api.create_member_state("SEN")
    engine: Engine = client.app.auth.state.engine  # type: ignore[attr-defined]
    seen: list[str] = []
    real_verify = secrets.verify_secret

    def verify_secret(*args: Any, **kwargs: Any) -> bool:
        gate = getattr(client.app.auth.state, "sqlite_write_gate", None)  # type: ignore[attr-defined]
        seen.append("gate held" if gate is not None and gate.locked() else "gate free")
        if engine.dialect.name == "sqlite":
            database = engine.url.database
            assert database is not None
            other = sqlite3.connect(database, timeout=0, isolation_level=None)
            try:
                other.execute("BEGIN IMMEDIATE")
                other.execute("ROLLBACK")
                seen.append("database free")
            except sqlite3.OperationalError as exc:
                seen.append(f"database locked: {exc}")
            finally:
                other.close()
        return real_verify(*args, **kwargs)

    monkeypatch.setattr(secrets, "verify_secret", verify_secret)
    assert client.post(FORM, data=_form(client_id, secret)).status_code == 200
    assert client.post(FORM, data=_form(client_id, "wrong")).status_code == 401
    expected = ["gate free", "database free"] if engine.dialect.name == "sqlite" else ["gate free"]
    assert seen == expected * 2


@pytest.mark.db
def test_a_client_disabled_while_its_secret_was_checked_gets_no_token(
    client: TestClient, auth_api: AuthApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check runs outside the transaction; the write that signs reads the client again."""
    client_id, secret = auth_api.create_member_state("GHA")
    admin = auth_api.admin_headers()
    real_verify = secrets.verify_secret
    disabled = threading.Event()

    def verify_secret(*args: Any, **kwargs: Any) -> bool:
        result = real_verify(*args, **kwargs)
        if not disabled.is_set():
            disabled.set()
            # Another request disables the client between the check and the signature.
            outcome: dict[str, int] = {}

            def disable() -> None:
                response = client.post(f"/auth/v1/clients/{client_id}/disable", headers=admin)
                outcome["status"] = response.status_code

            worker = threading.Thread(target=disable)
            worker.start()
            worker.join()
            assert outcome["status"] == 200
        return result

    monkeypatch.setattr(secrets, "verify_secret", verify_secret)
    response = client.post(FORM, data=_form(client_id, secret))
    assert response.status_code == 401, response.text
    assert response.json()["error"] == "invalid_client"
    assert "disabled" in response.json()["error_description"]
