"""Faults (issue 17): the worker stopped between the commit and the delivery, or between
the delivery and recording it; and the periodic ``rotation.ending`` check."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from services.common.tables import utcnow
from services.embedded import EmbeddedRegister, EmbeddedSettings, create_embedded_app
from services.registry.models.handles import notification_events
from services.registry.notifications.worker import Worker
from tests.registry.factories import MANIFESTS, manifest, weapon
from tests.registry.webhook_receiver import Receiver
from tests.registry.webhook_support import (
    check_rotations,
    receiver,
    register_endpoint,
    run_pass,
    webhook_settings,
)
from tests.support.auth_fixtures import AuthApi

__all__ = ["receiver"]  # the fixture


@pytest.fixture
def register_settings(register_settings: EmbeddedSettings) -> EmbeddedSettings:
    return webhook_settings(register_settings)


def test_an_event_committed_while_the_worker_was_down_is_delivered_after_restart(
    client: TestClient,
    auth_api: AuthApi,
    register_settings: EmbeddedSettings,
    receiver: Receiver,
) -> None:
    sen = auth_api.member_state_headers("SEN")
    created = register_endpoint(client, sen, receiver.url(), ["manifest.accepted"])
    posted = client.post(MANIFESTS, json=manifest([weapon("SN-1")]), headers=sen)
    assert posted.status_code == 201
    time.sleep(0.3)
    assert receiver.received == []  # committed; nobody delivered it (the worker is down)

    # The registry restarts with its background worker running.
    restarted = create_embedded_app(
        dataclasses.replace(
            register_settings,
            registry=register_settings.registry.model_copy(
                update={"webhooks_worker_enabled": True, "webhooks_worker_interval_seconds": 0.05}
            ),
        )
    )
    with TestClient(restarted, base_url="http://127.0.0.1"):
        deadline = time.monotonic() + 20
        while not receiver.received and time.monotonic() < deadline:
            time.sleep(0.05)
    [got] = receiver.received
    assert got.payload["data"]["id"] == posted.json()["id"]
    log = client.get(f"/registry/v1/webhooks/{created['id']}/deliveries", headers=sen).json()
    assert [d["status"] for d in log["items"]] == ["delivered"]


class CrashAfterSending(Worker):
    """A worker that dies after the receiver's 2xx, before recording it."""

    def _settle(self, session: Any, **kwargs: Any) -> None:
        raise SystemExit("killed")


def test_a_worker_killed_after_sending_sends_again_with_the_same_webhook_id(
    client: TestClient, auth_api: AuthApi, register: EmbeddedRegister, receiver: Receiver
) -> None:
    sen = auth_api.member_state_headers("SEN")
    register_endpoint(client, sen, receiver.url(), ["manifest.accepted"])
    assert client.post(MANIFESTS, json=manifest([weapon("SN-1")]), headers=sen).status_code == 201
    app = register.registry

    async def crash() -> None:
        async with httpx.AsyncClient() as http:
            worker = CrashAfterSending(
                engine=app.state.engine, settings=app.state.settings, client=http
            )
            await worker.run_pass()

    with pytest.raises(SystemExit):
        asyncio.run(crash())
    assert len(receiver.received) == 1
    assert run_pass(register).delivered == 1
    first, second = receiver.received
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert first.body == second.body
    assert run_pass(register).delivered == 0  # settled now


def test_a_unit_still_holding_weapons_as_its_mission_ends_is_told_once_per_rotation(
    client: TestClient, auth_api: AuthApi, register: EmbeddedRegister, receiver: Receiver
) -> None:
    operator = auth_api.operator_headers()
    today = utcnow().date()
    mission = {
        "code": "TESTMIS",
        "name": "Test mission ending soon",
        "authority": "ECOWAS",
        "host_countries": ["GNB"],
        "start_date": "2020-01-01",
        "end_date": (today + timedelta(days=10)).isoformat(),
    }
    made = client.post("/registry/v1/missions", json=mission, headers=operator)
    assert made.status_code == 201, made.text
    sen = auth_api.member_state_headers("SEN")
    for org, headers in (("SEN", sen), ("GHA", auth_api.member_state_headers("GHA"))):
        register_endpoint(client, headers, receiver.url(f"/{org}"), ["rotation.ending"])
    body = manifest([weapon("RT-1"), weapon("RT-2")], mission="TESTMIS", crossing_date="2024-01-10")
    assert client.post(MANIFESTS, json=body, headers=sen).status_code == 201

    assert check_rotations(register, rotation_ending_days=5) == 0  # ends in 10 days
    assert check_rotations(register, rotation_ending_days=30) == 1
    assert check_rotations(register, rotation_ending_days=30) == 0  # once per rotation
    run_pass(register)
    [told] = receiver.on("/SEN")
    assert told.payload["data"] == {
        "mission": "TESTMIS",
        "contributing_country": "SEN",
        "unit": "SENBATT 7",
        "rotation_ends_on": mission["end_date"],
        "weapons_held": 2,
        "last_crossing_date": "2024-01-10",
    }
    assert receiver.on("/GHA") == []
    with register.registry.state.engine.connect() as connection:
        types = connection.execute(select(notification_events.c.type)).scalars().all()
    assert types.count("rotation.ending") == 1
