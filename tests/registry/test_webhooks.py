"""Webhooks (issue 17): endpoints, signed deliveries to a real receiver, retries, order,
disabling, redelivery, refused addresses."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from standardwebhooks.webhooks import Webhook

from services.embedded import EmbeddedRegister, EmbeddedSettings
from services.registry.models.handles import notification_events, webhook_endpoints
from tests.registry.factories import MANIFESTS, manifest, weapon
from tests.registry.webhook_receiver import Receiver
from tests.registry.webhook_support import (
    WEBHOOKS,
    Clock,
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


def _post_manifest(client: TestClient, auth_api: AuthApi, serial: str) -> dict[str, Any]:
    body = manifest([weapon(serial)], crossing_date="2024-03-01")
    response = client.post(MANIFESTS, json=body, headers=auth_api.member_state_headers("SEN"))
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_a_manifest_reaches_the_endpoint_signed_as_standard_webhooks_verifies(
    client: TestClient, auth_api: AuthApi, register: EmbeddedRegister, receiver: Receiver
) -> None:
    sen = auth_api.member_state_headers("SEN")
    created = register_endpoint(client, sen, receiver.url(), ["manifest.accepted"])
    assert created["secret"].startswith("whsec_")
    posted = _post_manifest(client, auth_api, "SN-1")

    report = run_pass(register)

    assert report.delivered == 1
    [got] = receiver.received
    payload = Webhook(created["secret"]).verify(got.body, got.headers)
    assert payload["type"] == "manifest.accepted"
    assert payload["data"]["id"] == posted["id"]
    assert payload["data"]["contributing_country"] == "SEN"
    with pytest.raises(Exception, match=r"(?i)signature"):
        Webhook(created["secret"]).verify(got.body.replace("SEN", "GHA"), got.headers)
    log = client.get(f"{WEBHOOKS}/{created['id']}/deliveries", headers=sen).json()["items"]
    assert [(d["status"], d["attempts"], d["message_id"]) for d in log] == [
        ("delivered", 1, got.headers["webhook-id"])
    ]


def test_the_secret_is_shown_once_and_stored_sealed(
    client: TestClient, auth_api: AuthApi, register: EmbeddedRegister, receiver: Receiver
) -> None:
    sen = auth_api.member_state_headers("SEN")
    created = register_endpoint(client, sen, receiver.url())
    shown = client.get(f"{WEBHOOKS}/{created['id']}", headers=sen).json()
    assert "secret" not in shown
    assert [e["id"] for e in client.get(WEBHOOKS, headers=sen).json()["items"]] == [created["id"]]
    with register.registry.state.engine.connect() as connection:
        stored = connection.execute(select(webhook_endpoints.c.secret_sealed)).scalar_one()
    assert stored.startswith("aesgcm:")
    assert created["secret"] not in stored
    assert created["secret"].removeprefix("whsec_") not in stored


def test_an_event_rolled_back_with_its_record_is_never_sent(
    client: TestClient, auth_api: AuthApi, register: EmbeddedRegister, receiver: Receiver
) -> None:
    sen = auth_api.member_state_headers("SEN")
    register_endpoint(client, sen, receiver.url(), ["manifest.accepted"])
    _post_manifest(client, auth_api, "SN-1")
    # The same weapon in again: refused (422), so its transaction and its event roll back.
    again = client.post(MANIFESTS, json=manifest([weapon("SN-1")]), headers=sen)
    assert again.status_code == 422
    run_pass(register)
    with register.registry.state.engine.connect() as connection:
        types = connection.execute(select(notification_events.c.type)).scalars().all()
    assert types == ["manifest.accepted"]
    assert len(receiver.received) == 1


def test_an_endpoint_on_a_private_address_is_refused_when_private_addresses_are_not_allowed(
    client: TestClient, auth_api: AuthApi, register: EmbeddedRegister
) -> None:
    register.registry.state.settings = register.registry.state.settings.model_copy(
        update={"webhooks_allow_private": False}
    )
    sen = auth_api.member_state_headers("SEN")
    cases = {
        "http://127.0.0.1:9/hook": "HTTPS",
        "https://127.0.0.1/hook": "loopback",
        "https://10.1.2.3/hook": "private",
        "https://169.254.169.254/latest/meta-data": "link-local",
        "https://[::1]/hook": "loopback",
        "https://[::ffff:192.168.0.1]/hook": "private",
        "https://localhost/hook": "loopback",
    }
    for url, word in cases.items():
        response = client.post(
            WEBHOOKS, json={"url": url, "events": ["alert.raised", "no.such"]}, headers=sen
        )
        assert response.status_code == 422, (url, response.text)
        problem = response.json()
        assert problem["code"] == "validation_failed"
        locs = [e["loc"] for e in problem["errors"]]
        assert locs == ["url", "events[1]"], (url, problem)
        assert word.lower() in problem["errors"][0]["msg"].lower(), (url, problem)
    assert client.get(WEBHOOKS, headers=sen).json()["items"] == []


def test_a_delivery_to_a_private_address_is_refused_at_delivery_time_too(
    client: TestClient, auth_api: AuthApi, register: EmbeddedRegister, receiver: Receiver
) -> None:
    sen = auth_api.member_state_headers("SEN")
    created = register_endpoint(client, sen, receiver.url(), ["manifest.accepted"])
    _post_manifest(client, auth_api, "SN-1")
    # The operator turns private addresses off after the endpoint was registered.
    report = run_pass(register, webhooks_allow_private=False)
    assert (report.delivered, report.failed) == (0, 1)
    assert receiver.received == []
    [log] = client.get(f"{WEBHOOKS}/{created['id']}/deliveries", headers=sen).json()["items"]
    assert log["status"] == "pending"
    assert log["last_error"].startswith("refused: 127.0.0.1 resolves to a private")


def test_receiver_down_then_up_every_event_arrives_once_in_order_after_backoff(
    client: TestClient, auth_api: AuthApi, register: EmbeddedRegister, receiver: Receiver
) -> None:
    sen = auth_api.member_state_headers("SEN")
    created = register_endpoint(client, sen, receiver.url(), ["manifest.accepted"])
    posted = [_post_manifest(client, auth_api, f"SN-{n}")["id"] for n in range(5)]
    receiver.stop()
    clock = Clock()
    waits = []
    for _ in range(4):
        report = run_pass(register, clock=clock, webhooks_retry_base_seconds=10)
        assert (report.delivered, report.failed) == (0, 1)
        log = client.get(f"{WEBHOOKS}/{created['id']}/deliveries", headers=sen).json()["items"]
        head = log[0]
        # Only the oldest is tried: those behind it wait their turn (order per endpoint).
        assert [d["attempts"] for d in log] == [len(waits) + 1, 0, 0, 0, 0]
        wait = (_at(head["next_attempt_at"]) - _at(head["last_attempt_at"])).total_seconds()
        waits.append(wait)
        # Not due yet: a pass now tries nothing.
        assert run_pass(register, clock=clock, webhooks_retry_base_seconds=10).failed == 0
        clock.now += timedelta(seconds=wait + 1)
    # Exponential with jitter: each wait within [half, all] of base * 2^(n-1).
    for n, wait in enumerate(waits):
        assert 10 * 2**n / 2 <= wait <= 10 * 2**n, waits
    receiver.start()
    report = run_pass(register, clock=clock)
    assert report.delivered == 5
    ids = [r.payload["data"]["id"] for r in receiver.received]
    assert ids == posted
    assert len({r.headers["webhook-id"] for r in receiver.received}) == 5


def _at(value: str) -> Any:
    from datetime import datetime

    return datetime.fromisoformat(value)


def test_an_endpoint_failing_past_the_retry_period_is_disabled_and_says_why(
    client: TestClient, auth_api: AuthApi, register: EmbeddedRegister, receiver: Receiver
) -> None:
    sen = auth_api.member_state_headers("SEN")
    created = register_endpoint(client, sen, receiver.url(), ["manifest.accepted"])
    _post_manifest(client, auth_api, "SN-1")
    receiver.status = 500
    clock = Clock()
    run_pass(register, clock=clock)
    clock.now += timedelta(days=3, seconds=1)
    report = run_pass(register, clock=clock)
    assert report.disabled == 1
    shown = client.get(f"{WEBHOOKS}/{created['id']}", headers=sen).json()
    assert shown["status"] == "disabled"
    assert "HTTP 500" in shown["disabled_reason"]
    [log] = client.get(f"{WEBHOOKS}/{created['id']}/deliveries", headers=sen).json()["items"]
    assert log["status"] == "failed"
    with register.registry.state.engine.connect() as connection:
        types = connection.execute(select(notification_events.c.type)).scalars().all()
    assert types == ["manifest.accepted", "webhook.disabled"]
    receiver.status = 204
    received = len(receiver.received)
    _post_manifest(client, auth_api, "SN-2")
    run_pass(register, clock=clock)
    assert len(receiver.received) == received  # a disabled endpoint receives nothing


def test_delete_disables_keeps_the_log_and_redelivery_resends_the_same_message(
    client: TestClient, auth_api: AuthApi, register: EmbeddedRegister, receiver: Receiver
) -> None:
    sen = auth_api.member_state_headers("SEN")
    created = register_endpoint(client, sen, receiver.url(), ["manifest.accepted"])
    url = f"{WEBHOOKS}/{created['id']}"
    _post_manifest(client, auth_api, "SN-1")
    run_pass(register)
    [first] = client.get(f"{url}/deliveries", headers=sen).json()["items"]
    again = client.post(f"{url}/deliveries/{first['id']}/redeliver", headers=sen)
    assert again.status_code == 202, again.text
    assert again.json()["redelivery_of"] == first["id"]
    run_pass(register)
    assert [r.headers["webhook-id"] for r in receiver.received] == [first["message_id"]] * 2
    assert receiver.received[0].body == receiver.received[1].body

    deleted = client.delete(url, headers=sen)
    assert deleted.status_code == 200
    assert deleted.json()["status"] == "disabled"
    assert client.get(url, headers=sen).json()["status"] == "disabled"
    assert len(client.get(f"{url}/deliveries", headers=sen).json()["items"]) == 2
    refused = client.post(f"{url}/deliveries/{first['id']}/redeliver", headers=sen)
    assert refused.status_code == 409
    assert refused.json()["code"] == "webhook_disabled"
    _post_manifest(client, auth_api, "SN-2")
    run_pass(register)
    assert len(receiver.received) == 2


def test_only_the_organisation_manages_its_endpoints(
    client: TestClient, auth_api: AuthApi, register: EmbeddedRegister, receiver: Receiver
) -> None:
    from tests.auth.people_support import direct_person_token, invite, org_admin_headers

    sen = auth_api.member_state_headers("SEN")
    created = register_endpoint(client, sen, receiver.url())
    url = f"{WEBHOOKS}/{created['id']}"
    gha = auth_api.member_state_headers("GHA")
    assert client.get(url, headers=gha).status_code == 404
    assert client.delete(url, headers=gha).status_code == 404
    assert client.get(f"{url}/deliveries", headers=gha).status_code == 404
    assert client.get(WEBHOOKS, headers=gha).json()["items"] == []
    # A client without register:read, and the operator's admin without it: 403.
    writer_only = auth_api.member_state_headers("SEN", ("manifests:write",))
    body = {"url": receiver.url(), "events": ["alert.raised"]}
    assert client.post(WEBHOOKS, json=body, headers=writer_only).status_code == 403
    assert client.post(WEBHOOKS, json=body, headers=auth_api.admin_headers()).status_code == 403
    # People: the organisation's admin may, an editor may not.
    settings = register.settings
    admin = org_admin_headers(client, auth_api, settings, "member_state", "SEN")
    assert client.post(WEBHOOKS, json=body, headers=admin).status_code == 201
    editor = invite(client, auth_api.admin_headers(), org="SEN", email="ed@sen.test", role="editor")
    assert editor.status_code == 201, editor.text
    editor_headers = auth_api.headers(direct_person_token(settings, editor.json()["id"]))
    refused = client.post(WEBHOOKS, json=body, headers=editor_headers)
    assert refused.status_code == 403
    assert refused.json()["code"] == "webhook_management"


def test_events_are_written_with_their_transaction_and_dropped_with_its_rollback(
    register: EmbeddedRegister, client: TestClient
) -> None:
    from services.common.database import write_session
    from services.registry.notifications import emit, readers_of

    def emit_one(session: Any, subject: str) -> None:
        emit(
            session,
            event_type="manifest.accepted",
            subject_id=subject,
            data={"id": subject},
            grants=readers_of("SEN", date(2024, 3, 1)),
        )

    engine = register.registry.state.engine
    with write_session(engine) as session:
        emit_one(session, "rolled-back")
        session.rollback()
        emit_one(session, "committed-1")
        emit_one(session, "committed-2")
        session.commit()
    with engine.connect() as connection:
        rows = connection.execute(
            select(notification_events.c.subject_id).order_by(notification_events.c.id)
        ).all()
    assert [r[0] for r in rows] == ["committed-1", "committed-2"]


def test_an_idempotent_replay_returns_the_endpoint_without_its_secret(
    client: TestClient, auth_api: AuthApi, receiver: Receiver
) -> None:
    headers = {**auth_api.member_state_headers("SEN"), "Idempotency-Key": "hook-1"}
    body = {"url": receiver.url(), "events": ["alert.raised"]}
    first = client.post(WEBHOOKS, json=body, headers=headers)
    again = client.post(WEBHOOKS, json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.headers["cache-control"] == "no-store"
    assert first.json()["secret"].startswith("whsec_")
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["secret"] is None
    listed = client.get(WEBHOOKS, headers=auth_api.member_state_headers("SEN")).json()
    assert len(listed["items"]) == 1
