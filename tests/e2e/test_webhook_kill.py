"""Webhooks survive a killed register (issue 17's faults, with a real process): the server
killed with SIGKILL after it committed an event and before any delivery, and again while a
delivery is on the wire, delivers each event once it runs again: at least once, and a
delivery sent again keeps its ``webhook-id`` (receivers drop the duplicate)."""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.live_server import Served, live_register
from tests.e2e.test_registry_outage import member_state, token
from tests.registry.factories import manifest, weapon
from tests.registry.webhook_receiver import Received, Receiver
from tests.registry.webhook_support import SEALING_KEY

pytestmark = pytest.mark.slow

WORKER_ON = {
    "REGISTRY_WEBHOOKS_ALLOW_PRIVATE": "true",
    "REGISTRY_WEBHOOK_SECRETS_KEY": SEALING_KEY,
    "REGISTRY_WEBHOOKS_WORKER_INTERVAL_SECONDS": "0.2",
    "REGISTRY_WEBHOOKS_RETRY_BASE_SECONDS": "0.2",
}
WORKER_OFF = WORKER_ON | {"REGISTRY_WEBHOOKS_WORKER_ENABLED": "false"}


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    r.start()
    yield r
    r.stop()


def _kill(server: Served) -> None:
    os.kill(server.process.pid, signal.SIGKILL)
    server.process.wait(timeout=30)


def _wait(predicate: Callable[[], bool], seconds: float = 60.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_events_committed_before_a_kill_are_delivered_after_the_restart_with_their_ids(
    database_urls: dict[str, str], tmp_path: Path, receiver: Receiver
) -> None:
    var_dir = tmp_path / "var"
    var_dir.mkdir(exist_ok=True)

    # 1. Killed after the commit, before any delivery (its worker is off).
    with live_register(database_urls, var_dir, extra_env=WORKER_OFF) as base:
        saved = json.loads((var_dir / "credentials.json").read_text())
        admin = token(base, saved["client_id"], saved["client_secret"])
        sen = member_state(base, admin, "SEN", ["manifests:write", "register:read"])
        endpoint = httpx.post(
            f"{base}/registry/v1/webhooks",
            json={"url": receiver.url(), "events": ["manifest.accepted"]},
            headers=sen,
            timeout=10,
        )
        assert endpoint.status_code == 201, endpoint.text
        first = httpx.post(
            f"{base}/registry/v1/manifests",
            json=manifest([weapon("KILL-1")]),
            headers=sen,
            timeout=30,
        )
        assert first.status_code == 201, first.text
        _kill(base)
    assert receiver.received == []

    # 2. Restarted: the event is delivered. The receiver then kills the server while
    #    the next event's delivery waits for its answer.
    killed: list[Received] = []

    def kill_on_the_second(got: Received) -> None:
        if got.payload["data"]["id"] != first.json()["id"] and not killed:
            killed.append(got)
            _kill(server)

    receiver.before_answer = kill_on_the_second
    with live_register(database_urls, var_dir, extra_env=WORKER_ON) as server:
        assert _wait(lambda: len(receiver.received) == 1)
        assert receiver.received[0].payload["data"]["id"] == first.json()["id"]
        second = httpx.post(
            f"{server}/registry/v1/manifests",
            json=manifest([weapon("KILL-2")]),
            headers=sen,
            timeout=30,
        )
        assert second.status_code == 201, second.text
        assert _wait(lambda: bool(killed))
    assert server.process.returncode == -signal.SIGKILL

    # 3. Restarted again: the delivery that never got its answer is sent again, same id.
    receiver.before_answer = None
    with live_register(database_urls, var_dir, extra_env=WORKER_ON) as base:
        assert _wait(lambda: len(receiver.received) == 3)
        again = receiver.received[2]
        assert again.payload["data"]["id"] == second.json()["id"]
        assert again.headers["webhook-id"] == killed[0].headers["webhook-id"]
        log = httpx.get(
            f"{base}/registry/v1/webhooks/{endpoint.json()['id']}/deliveries",
            headers=sen,  # a token of the first run: the keys outlive the process
            timeout=10,
        ).json()
        assert sorted(d["status"] for d in log["items"]) == ["delivered", "delivered"]
