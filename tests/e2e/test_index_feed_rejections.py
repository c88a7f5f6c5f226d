"""The feed keeps flowing past entries that fail or that the registry refuses for good.

Real parts only, as in test_index_feed: the embedded register on real databases,
the relay delivering through the registry's real endpoint. The registry here
takes index deliveries of at most 16 KiB (``REGISTRY_BULK_MAX_BODY_BYTES``), so a
declaration of many items is refused with 413 whatever the schemas allow; the
relay fetches two entries a pass, so two stuck entries would stop everything.
The relay's clock is set by the test, so backoff never depends on how fast the
machine is.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from services.cli import index_commands
from services.cli.main import main
from services.declarations.index_feed.relay import IndexRelay, is_rejection
from services.declarations.models import index_deliveries, index_retries, index_retry_outcomes
from services.embedded import EmbeddedRegister, EmbeddedSettings, create_embedded_app
from tests.e2e.test_index_feed import give_relay_a_client, rifle, seizure_by_niger
from tests.support.auth_fixtures import AuthApi
from tests.support.responses import assert_status

DECLARATIONS = "/declarations/v1/declarations"
DELIVER = "/declarations/v1/index-feed/deliveries"
FEED = "/declarations/v1/index-feed"
REGISTRY_INDEX_BODY_LIMIT = 16 * 1024


class ManualClock:
    """The relay's clock: still unless the test moves it."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def register_settings(register_settings: EmbeddedSettings) -> EmbeddedSettings:
    return EmbeddedSettings(
        auth=register_settings.auth,
        registry=register_settings.registry.model_copy(
            update={"bulk_max_body_bytes": REGISTRY_INDEX_BODY_LIMIT}
        ),
        declarations=register_settings.declarations.model_copy(update={"index_relay_batch": 2}),
    )


@pytest.fixture
def relay_clock(register: EmbeddedRegister, client: TestClient) -> ManualClock:
    clock = ManualClock()
    relay: IndexRelay = register.declarations.state.index_relay
    relay.clock = clock
    return clock


def declare(client: TestClient, auth_api: AuthApi, body: dict[str, Any]) -> int:
    niger = auth_api.member_state_headers("NER", ("declarations:write", "register:read"))
    response = client.post(DECLARATIONS, json=body, headers=niger)
    assert response.status_code == 201, response.text
    return int(response.json()["log_index"])


def too_large_for_the_registry(serial_prefix: str) -> dict[str, Any]:
    """A declaration the declarations service accepts (1 MiB limit), over the registry's 16 KiB."""
    body = seizure_by_niger(f"{serial_prefix}-0")
    body["items"] = [rifle(f"{serial_prefix}-{n:04d}") for n in range(150)]
    return body


def deliver(client: TestClient, auth_api: AuthApi) -> dict[str, Any]:
    response = client.post(DELIVER, headers=auth_api.admin_headers())
    assert response.status_code == 200, response.text
    return dict(response.json())


def feed(client: TestClient, auth_api: AuthApi) -> dict[str, Any]:
    response = client.get(FEED, headers=auth_api.admin_headers())
    assert response.status_code == 200, response.text
    return dict(response.json())


@pytest.mark.parametrize("status", [400, 413, 415, 422])
def test_a_4xx_about_the_entry_is_a_rejection(status: int) -> None:
    assert is_rejection(status)


@pytest.mark.parametrize("status", [200, 401, 403, 404, 405, 408, 409, 425, 429, 500, 502, 503])
def test_token_time_load_concurrency_and_server_answers_are_worth_retrying(status: int) -> None:
    assert not is_rejection(status)


def test_entries_the_registry_refuses_are_rejected_and_the_feed_flows_past_them(
    client: TestClient,
    auth_api: AuthApi,
    register_settings: EmbeddedSettings,
    relay_clock: ManualClock,
) -> None:
    declare(client, auth_api, too_large_for_the_registry("BIG1"))
    second_big = declare(client, auth_api, too_large_for_the_registry("BIG2"))
    declare(client, auth_api, seizure_by_niger("56-0000123"))
    give_relay_a_client(auth_api, register_settings)

    first = deliver(client, auth_api)
    assert (first["delivered"], first["rejected"], first["failed"]) == (0, 2, 0)
    assert all("413" in error for error in first["errors"])
    # Same instant: nothing is in backoff, the good entry behind them goes through.
    second = deliver(client, auth_api)
    assert (second["delivered"], second["rejected"], second["failed"]) == (1, 0, 0)

    status = feed(client, auth_api)
    assert status["pending"] == 0
    assert status["rejected"] == 2
    assert status["last_rejection"]["log_index"] == second_big
    assert status["last_rejection"]["version"] == 1
    assert "registry answered 413" in status["last_rejection"]["error"]
    assert status["last_error"]["log_index"] == second_big
    # Settled: later passes do not send them again.
    relay_clock.advance(3600)
    assert deliver(client, auth_api)["rejected"] == 0


def test_entries_in_backoff_do_not_starve_the_entries_behind_them(
    client: TestClient,
    auth_api: AuthApi,
    register_settings: EmbeddedSettings,
    relay_clock: ManualClock,
) -> None:
    for serial in ("1000001", "1000002", "1000003"):
        declare(client, auth_api, seizure_by_niger(serial))
    # No relay client yet: the two oldest fail and back off for a second.
    failed = deliver(client, auth_api)
    assert (failed["delivered"], failed["failed"]) == (0, 2)

    give_relay_a_client(auth_api, register_settings)
    behind = deliver(client, auth_api)
    assert (behind["delivered"], behind["failed"], behind["waiting"]) == (1, 0, 2)
    assert feed(client, auth_api)["pending"] == 2

    relay_clock.advance(1)
    retried = deliver(client, auth_api)
    assert (retried["delivered"], retried["waiting"]) == (2, 0)
    assert feed(client, auth_api)["pending"] == 0


def test_the_relay_backs_off_1_2_4_seconds_and_at_most_5_minutes(
    client: TestClient,
    auth_api: AuthApi,
    relay_clock: ManualClock,
) -> None:
    # No relay client: every delivery of the entry fails, and the relay backs off.
    declare(client, auth_api, seizure_by_niger("4000001"))
    expected_waits = [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300]
    for failures, wait in enumerate(expected_waits, start=1):
        failed = deliver(client, auth_api)
        assert (failed["failed"], failed["waiting"]) == (1, 0), (failures, failed)
        relay_clock.advance(wait - 1)
        early = deliver(client, auth_api)
        assert (early["failed"], early["waiting"]) == (0, 1), (failures, wait, early)
        relay_clock.advance(1)


def test_deliver_until_empty_fails_while_entries_wait_in_backoff(
    client: TestClient,
    auth_api: AuthApi,
    register: EmbeddedRegister,
    register_settings: EmbeddedSettings,
    relay_clock: ManualClock,
    capsys: pytest.CaptureFixture[str],
) -> None:
    declare(client, auth_api, seizure_by_niger("2000001"))
    relay: IndexRelay = register.declarations.state.index_relay
    until_empty = functools.partial(
        index_commands.deliver, relay, engine=relay.engine, until_empty=True
    )
    assert client.portal.call(until_empty) == 1  # no relay client: the pass fails
    capsys.readouterr()

    give_relay_a_client(auth_api, register_settings)
    # The entry waits out its backoff: nothing delivered, yet the log is not empty.
    assert client.portal.call(until_empty) == 1
    printed = capsys.readouterr()
    assert "delivered 0" in printed.out
    assert "not empty: 1 entries still pending" in printed.err

    relay_clock.advance(1)
    assert client.portal.call(until_empty) == 0
    assert "delivered 1" in capsys.readouterr().out


def test_deliver_until_empty_fails_while_entries_are_rejected(
    client: TestClient,
    auth_api: AuthApi,
    register: EmbeddedRegister,
    register_settings: EmbeddedSettings,
    relay_clock: ManualClock,
    capsys: pytest.CaptureFixture[str],
) -> None:
    declare(client, auth_api, too_large_for_the_registry("BIG3"))
    declare(client, auth_api, seizure_by_niger("3000001"))
    give_relay_a_client(auth_api, register_settings)
    relay: IndexRelay = register.declarations.state.index_relay
    until_empty = functools.partial(
        index_commands.deliver, relay, engine=relay.engine, until_empty=True
    )
    assert client.portal.call(until_empty) == 1
    printed = capsys.readouterr()
    assert "delivered 1; rejected 1" in printed.out
    assert "not empty: 1 entries rejected by the registry" in printed.err
    # Nothing new is delivered, and the rejection still keeps the backfill from looking done.
    assert client.portal.call(until_empty) == 1


def test_regctl_index_status_and_rejected_show_what_the_registry_refused(
    client: TestClient,
    auth_api: AuthApi,
    register_settings: EmbeddedSettings,
    relay_clock: ManualClock,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    big = declare(client, auth_api, too_large_for_the_registry("BIG4"))
    declare(client, auth_api, seizure_by_niger("4000001"))
    give_relay_a_client(auth_api, register_settings)
    assert deliver(client, auth_api)["rejected"] == 1
    monkeypatch.setenv(
        "DECLARATIONS_DATABASE_URL", register_settings.declarations.resolved_database_url()
    )
    monkeypatch.setenv("DECLARATIONS_VAR_DIR", str(register_settings.declarations.var_dir))
    capsys.readouterr()

    assert main(["index", "status"]) == 0
    status = capsys.readouterr().out
    assert "pending: 0" in status
    assert "rejected: 1" in status
    assert f"last rejection: log entry {big} (declaration_version of declaration" in status
    assert "registry answered 413" in status

    assert main(["index", "rejected"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert len(listed) == 1
    assert listed[0].startswith(f"log entry {big} ")
    assert main(["index", "rejected", "--after", str(big)]) == 0
    assert capsys.readouterr().out == ""


def test_a_rejected_entry_retried_after_a_fix_reaches_the_index_and_nothing_is_removed(
    client: TestClient,
    auth_api: AuthApi,
    register: EmbeddedRegister,
    register_settings: EmbeddedSettings,
    relay_clock: ManualClock,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    big = declare(client, auth_api, too_large_for_the_registry("BIG5"))
    give_relay_a_client(auth_api, register_settings)
    assert deliver(client, auth_api)["rejected"] == 1
    monkeypatch.setenv(
        "DECLARATIONS_DATABASE_URL", register_settings.declarations.resolved_database_url()
    )
    monkeypatch.setenv("DECLARATIONS_VAR_DIR", str(register_settings.declarations.var_dir))

    # Retried before the fix: pending again, then rejected again.
    assert main(["index", "retry", "--log-index", str(big), "--reason", "too early"]) == 0
    assert (feed(client, auth_api)["pending"], feed(client, auth_api)["rejected"]) == (1, 0)
    relay_clock.advance(1)
    assert deliver(client, auth_api)["rejected"] == 1
    again = feed(client, auth_api)
    assert (again["pending"], again["rejected"]) == (0, 1)
    assert again["last_rejection"]["log_index"] == big

    # The fix: the registry takes bodies of the default size again (a restart on the
    # same databases); the operator retries every rejected entry.
    assert main(["index", "retry", "--rejected"]) == 0
    fixed_settings = EmbeddedSettings(
        auth=register_settings.auth,
        registry=register_settings.registry.model_copy(update={"bulk_max_body_bytes": 2**27}),
        declarations=register_settings.declarations,
    )
    with TestClient(create_embedded_app(fixed_settings), base_url="http://127.0.0.1") as fixed:
        fixed_relay: IndexRelay = fixed.app.declarations.state.index_relay  # type: ignore[attr-defined]
        fixed_relay.clock = relay_clock
        relay_clock.advance(2)
        admin = auth_api.admin_headers()
        delivered = assert_status(fixed.post(DELIVER, headers=admin), 200)
        assert (delivered["delivered"], delivered["rejected"]) == (1, 0), delivered["errors"]
        status = fixed.get(FEED, headers=admin).json()
        assert (status["pending"], status["rejected"], status["last_rejection"]) == (0, 0, None)
        traced = fixed.get(
            "/registry/v1/trace",
            params={"serial_number": "BIG5-0149"},
            headers=auth_api.operator_headers(("register:read",)),
        ).json()["items"]
        exact = [r["record"] for r in traced if r["match"] == "exact"]
        assert exact == ["seizure"]

    # Nothing was removed: the first rejection, both retries and their outcomes remain.
    engine = register.declarations.state.engine
    with engine.connect() as connection:
        first = connection.execute(
            select(index_deliveries.c.outcome).where(index_deliveries.c.log_index == big)
        ).scalar_one()
        outcomes = connection.execute(
            select(index_retries.c.reason, index_retry_outcomes.c.outcome)
            .join(index_retry_outcomes, index_retry_outcomes.c.retry_id == index_retries.c.id)
            .where(index_retries.c.log_index == big)
            .order_by(index_retries.c.id)
        ).all()
    assert first == "rejected"
    assert [tuple(row) for row in outcomes] == [("too early", "rejected"), (None, "indexed")]
    capsys.readouterr()
    assert main(["index", "rejected"]) == 0
    assert capsys.readouterr().out == ""


def test_retrying_an_entry_that_is_not_rejected_is_refused_and_requests_nothing(
    client: TestClient,
    auth_api: AuthApi,
    register_settings: EmbeddedSettings,
    relay_clock: ManualClock,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    big = declare(client, auth_api, too_large_for_the_registry("BIG6"))
    good = declare(client, auth_api, seizure_by_niger("6000001"))
    give_relay_a_client(auth_api, register_settings)
    assert deliver(client, auth_api)["rejected"] == 1
    monkeypatch.setenv(
        "DECLARATIONS_DATABASE_URL", register_settings.declarations.resolved_database_url()
    )
    monkeypatch.setenv("DECLARATIONS_VAR_DIR", str(register_settings.declarations.var_dir))
    capsys.readouterr()

    assert main(["index", "retry", "--log-index", str(big), "--log-index", str(good)]) == 2
    assert f"not rejected, nothing retried: log entries {good}" in capsys.readouterr().err
    status = feed(client, auth_api)
    assert (status["pending"], status["rejected"]) == (0, 1)
