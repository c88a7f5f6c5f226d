"""The notification outbox's backlog on ``GET /registry/metrics`` (issue 18 item 4): events
not fanned out, webhook deliveries pending and the oldest one's age, endpoints disabled
(by the worker, not by their organisation), and mail not sent, as they really are."""

from __future__ import annotations

import socket
import time
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from services.embedded import EmbeddedRegister, EmbeddedSettings
from tests.common.test_metrics import sample, scrape
from tests.registry.factories import MANIFESTS, manifest, weapon
from tests.registry.mail_support import person, run_mail_pass
from tests.registry.webhook_support import (
    WEBHOOKS,
    Clock,
    register_endpoint,
    run_pass,
    webhook_settings,
)
from tests.support.auth_fixtures import AuthApi


@pytest.fixture
def register_settings(register_settings: EmbeddedSettings) -> EmbeddedSettings:
    return webhook_settings(register_settings, smtp_security="none")


def _closed_port() -> int:
    """A port of 127.0.0.1 nobody listens on: a receiver, or an SMTP server, that is down."""
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        return int(closed.getsockname()[1])


def test_a_delivery_failing_then_its_endpoint_disabled_and_the_mail_unsent_are_counted(
    client: TestClient,
    register: EmbeddedRegister,
    register_settings: EmbeddedSettings,
    auth_api: AuthApi,
) -> None:
    scraper = auth_api.operator_headers(["metrics:read"])
    sen = auth_api.member_state_headers("SEN")
    person(
        client, auth_api, register_settings, org_type="member_state", org="SEN",
        role="admin", email_address="admin@sen.test",
    )  # fmt: skip
    down = f"http://127.0.0.1:{_closed_port()}/hook"
    failing = register_endpoint(client, sen, down, ["manifest.accepted"])
    by_hand = register_endpoint(client, sen, down, ["alert.raised"])
    empty = scrape(client, "registry", scraper)
    assert sample(empty, "register_webhook_deliveries_pending") == 0
    assert sample(empty, "register_webhook_oldest_pending_seconds") == 0
    assert sample(empty, "register_webhook_endpoints", status="active") == 2
    assert sample(empty, "register_webhook_endpoints", status="disabled") == 0

    posted = client.post(MANIFESTS, json=manifest([weapon("MX-1")]), headers=sen)
    assert posted.status_code == 201, posted.text
    time.sleep(0.05)
    committed = scrape(client, "registry", scraper)
    # Committed, not fanned out yet (the worker has not run).
    assert sample(committed, "register_notification_events_unfanned") == 1
    assert sample(committed, "register_notification_oldest_unfanned_seconds") > 0

    clock = Clock()
    report = run_pass(register, clock=clock)
    assert report.failed == 1
    time.sleep(0.05)
    waiting = scrape(client, "registry", scraper)
    assert sample(waiting, "register_notification_events_unfanned") == 0
    assert sample(waiting, "register_webhook_deliveries_pending") == 1
    assert 0 < sample(waiting, "register_webhook_oldest_pending_seconds") < 600

    # Three days on, still failing: the worker disables it; its organisation disables the
    # other one itself, which is no fault and not counted as one.
    clock.now += timedelta(days=3, seconds=1)
    assert run_pass(register, clock=clock).disabled == 1
    deleted = client.delete(f"{WEBHOOKS}/{by_hand['id']}", headers=sen)
    assert deleted.status_code == 200, deleted.text
    disabled = scrape(client, "registry", scraper)
    assert sample(disabled, "register_webhook_deliveries_pending") == 0
    assert sample(disabled, "register_webhook_oldest_pending_seconds") == 0
    assert sample(disabled, "register_webhook_endpoints", status="active") == 0
    assert sample(disabled, "register_webhook_endpoints", status="disabled") == 2
    assert sample(disabled, "register_webhook_endpoints_disabled_for_failures") == 1
    shown = client.get(f"{WEBHOOKS}/{failing['id']}", headers=sen).json()
    assert shown["status"] == "disabled"

    # The disabled endpoint's admin is told by email; the SMTP server is down.
    smtp_down = {"smtp_host": "127.0.0.1", "smtp_port": _closed_port(), "smtp_security": "none"}
    assert sample(disabled, "register_mail_unsent", status="pending") == 0
    assert run_mail_pass(register, auth_api, **smtp_down, mail_retry_base_seconds=0.001).failed
    time.sleep(0.05)
    retrying = scrape(client, "registry", scraper)
    assert sample(retrying, "register_mail_unsent", status="pending") == 1
    assert sample(retrying, "register_mail_unsent", status="failed") == 0
    assert sample(retrying, "register_mail_oldest_pending_seconds") > 0
    run_mail_pass(register, auth_api, **smtp_down, mail_max_attempts=2)
    gave_up = scrape(client, "registry", scraper)
    assert sample(gave_up, "register_mail_unsent", status="pending") == 0
    assert sample(gave_up, "register_mail_unsent", status="failed") == 1
    assert sample(gave_up, "register_mail_oldest_pending_seconds") == 0
