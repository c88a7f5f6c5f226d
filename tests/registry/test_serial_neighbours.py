"""The serial neighbourhood index behind trace: backlog, indexer, disposal, upgrade, CLI.

Trace itself is checked in both states (indexed, and records still queued) by
test_trace.py; these tests check the index's own bookkeeping.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlmodel import Session

from services.cli.main import main as regctl
from services.common import migrations
from services.common.database import make_engine
from services.embedded import EmbeddedSettings, create_embedded_app
from services.registry import serial_index
from services.registry.models.handles import serial_index_backlog, serial_neighbours
from tests.registry.factories import INDEX, MANIFESTS, declared_weapon, delivery, manifest, weapon
from tests.support.auth_fixtures import AuthApi
from tests.support.responses import assert_status

pytestmark = pytest.mark.db


@pytest.fixture
def engine(register_settings: EmbeddedSettings) -> Iterator[Engine]:
    engine = make_engine(register_settings.registry.resolved_database_url())
    yield engine
    engine.dispose()


def _stored(engine: Engine) -> set[tuple[str, str]]:
    with Session(engine) as session:
        rows = session.execute(select(serial_neighbours)).all()
    return {(row.search_key, row.serial_key) for row in rows}


def _queued(engine: Engine) -> list[tuple[str, str]]:
    with Session(engine) as session:
        statement = select(serial_index_backlog.c.source, serial_index_backlog.c.record_id)
        return [(row.source, row.record_id) for row in session.execute(statement)]


def test_a_stored_manifest_is_queued_then_indexed_once(
    client: TestClient, auth_api: AuthApi, engine: Engine
) -> None:
    sen = auth_api.member_state_headers("SEN")
    body = manifest([weapon("56-0000123"), weapon("S6-0000124"), weapon("123")])
    created = client.post(MANIFESTS, json=body, headers=sen)
    assert created.status_code == 201, created.text
    assert _queued(engine) == [("manifest", created.json()["id"])]
    assert _stored(engine) == set()

    assert serial_index.index_until_empty(engine) == 1
    assert _queued(engine) == []
    expected = serial_index.neighbour_rows({"560000123", "S60000124"})
    assert _stored(engine) == expected  # "123" is too short for one-edit matching
    assert ("560000123/0", "560000123") in expected
    assert ("560000124/0", "S60000124") in expected  # keyed by the fuzzy key (S/5)
    assert ("56000024/7", "S60000124") in expected  # the deletion and its position
    assert serial_index.index_until_empty(engine) == 0


def test_a_refused_manifest_leaves_nothing_queued(
    client: TestClient, auth_api: AuthApi, engine: Engine
) -> None:
    sen = auth_api.member_state_headers("SEN")
    out = manifest([weapon("56-0000999")], direction="out")  # never brought in
    assert client.post(MANIFESTS, json=out, headers=sen).status_code == 422
    assert _queued(engine) == []


def test_loss_reports_and_delivered_declarations_are_queued_too(
    client: TestClient, auth_api: AuthApi, engine: Engine
) -> None:
    sen = auth_api.member_state_headers("SEN")
    assert_status(client.post(MANIFESTS, json=manifest([weapon("AK-5550001")]), headers=sen))
    report: dict[str, Any] = {
        "mission": "MINUSCA",
        "contributing_country": "SEN",
        "loss_type": "stolen",
        "loss_date": "2024-04-02",
        "place": "Bria",
        "circumstances": "Taken from a vehicle",
        "items": [{"kind": "weapon", "serial_number": "AK-5550001"}],
    }
    lost = client.post("/registry/v1/loss-reports", json=report, headers=sen)
    assert lost.status_code == 201, lost.text
    relay = auth_api.operator_headers(("index:write",))
    indexed = client.post(INDEX, json=delivery([declared_weapon(0, "KC-7770001")]), headers=relay)
    assert indexed.status_code == 200, indexed.text
    assert [source for source, _ in _queued(engine)] == ["manifest", "loss_report", "declaration"]
    assert serial_index.index_until_empty(engine) == 3
    keys = {key for _, key in _stored(engine)}
    assert keys == {"AK5550001", "KC7770001"}


def test_a_disposal_removes_the_serials_no_record_holds_any_more(
    client: TestClient, auth_api: AuthApi, engine: Engine
) -> None:
    sen = auth_api.member_state_headers("SEN")
    assert_status(client.post(MANIFESTS, json=manifest([weapon("AK-5550001")]), headers=sen))
    relay = auth_api.operator_headers(("index:write",))
    items = [declared_weapon(0, "AK-5550001"), declared_weapon(1, "KC-7770001")]
    assert_status(client.post(INDEX, json=delivery(items), headers=relay), 200)
    serial_index.index_until_empty(engine)
    dispose = delivery([], version=2, action="dispose")
    assert client.post(INDEX, json=dispose, headers=relay).status_code == 200
    keys = {key for _, key in _stored(engine)}
    assert keys == {"AK5550001"}  # still in a manifest; the seized-only serial is gone


def test_the_background_indexer_drains_the_backlog(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings, engine: Engine
) -> None:
    sen = auth_api.member_state_headers("SEN")
    created = client.post(MANIFESTS, json=manifest([weapon("56-0000123")]), headers=sen)
    assert created.status_code == 201
    assert _queued(engine)
    # The same register's registry with its background indexer on (the default).
    registry = register_settings.registry.model_copy(
        update={"neighbour_indexer_enabled": True, "neighbour_indexer_interval_seconds": 0.05}
    )
    with TestClient(create_embedded_app(replace(register_settings, registry=registry))):
        deadline = time.monotonic() + 20
        while _queued(engine) and time.monotonic() < deadline:
            time.sleep(0.05)
    assert _queued(engine) == []
    assert {key for _, key in _stored(engine)} == {"560000123"}


def test_regctl_index_neighbours_drains_the_backlog(
    client: TestClient,
    auth_api: AuthApi,
    engine: Engine,
    register_settings: EmbeddedSettings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    sen = auth_api.member_state_headers("SEN")
    assert_status(client.post(MANIFESTS, json=manifest([weapon("56-0000123")]), headers=sen))
    monkeypatch.setenv("REGISTRY_DATABASE_URL", register_settings.registry.resolved_database_url())
    assert regctl(["index", "neighbours"]) == 0
    assert "1 records indexed, 0 queued" in capsys.readouterr().out
    assert _queued(engine) == []


def test_the_upgrade_queues_every_record_stored_before_it(empty_database_url: str) -> None:
    migrations.upgrade("registry", empty_database_url, "registry0005")
    engine = make_engine(empty_database_url)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO manifests (id, direction, mission_code, contributing_country, unit,"
                " crossing_date, is_correction, closes_rotation, item_count, submitted_by,"
                " created_at) VALUES ('m-1', 'in', 'MINUSCA', 'SEN', 'SENBATT', '2024-01-01',"
                " false, false, 0, 'test', '2024-01-01 00:00:00+00')"
            )
        migrations.upgrade("registry", empty_database_url)
        assert _queued(engine) == [("manifest", "m-1")]
        with Session(engine) as session:
            assert (
                session.execute(select(func.count()).select_from(serial_neighbours)).scalar() == 0
            )
        migrations.downgrade("registry", empty_database_url, "registry0005")
        migrations.upgrade("registry", empty_database_url)
        assert _queued(engine) == [("manifest", "m-1")]
    finally:
        engine.dispose()
