"""Helpers of the webhook tests: settings, a receiver fixture, one worker pass."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from services.common.tables import utcnow
from services.embedded import EmbeddedRegister, EmbeddedSettings
from services.registry.notifications.worker import PassReport, Worker
from tests.registry.webhook_receiver import Receiver

WEBHOOKS = "/registry/v1/webhooks"
SEALING_KEY = base64.b64encode(bytes(range(32))).decode()
ALL_EVENTS = [
    "alert.raised",
    "alert.updated",
    "manifest.accepted",
    "loss_report.accepted",
    "declaration.accepted",
    "declaration.amended",
    "rotation.ending",
    "webhook.disabled",
]


def webhook_settings(settings: EmbeddedSettings, **registry: Any) -> EmbeddedSettings:
    """``settings`` with webhooks to 127.0.0.1 allowed, secrets sealed, and the background
    worker off (tests run its passes themselves)."""
    values = {
        "webhooks_allow_private": True,
        "webhooks_worker_enabled": False,
        "webhook_secrets_key": SEALING_KEY,
        **registry,
    }
    return dataclasses.replace(settings, registry=settings.registry.model_copy(update=values))


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A receiver listening on 127.0.0.1."""
    r = Receiver()
    r.start()
    yield r
    r.stop()


def register_endpoint(
    client: TestClient, headers: dict[str, str], url: str, events: list[str] | None = None
) -> dict[str, Any]:
    """``POST /registry/v1/webhooks``; the 201 body."""
    response = client.post(
        WEBHOOKS, json={"url": url, "events": events or ALL_EVENTS}, headers=headers
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def run_pass(
    register: EmbeddedRegister, *, clock: Callable[[], datetime] = utcnow, **settings: Any
) -> PassReport:
    """One pass of the delivery worker (fan out, deliver what is due), as the background
    task runs it, with its own HTTP client."""
    app = register.registry

    async def one() -> PassReport:
        async with httpx.AsyncClient(timeout=5, follow_redirects=False, trust_env=False) as http:
            worker = Worker(
                engine=app.state.engine,
                settings=app.state.settings.model_copy(update=settings),
                client=http,
                clock=clock,
            )
            return await worker.run_pass()

    return asyncio.run(one())


def check_rotations(register: EmbeddedRegister, **settings: Any) -> int:
    """One run of the periodic rotation check."""
    app = register.registry

    async def one() -> int:
        async with httpx.AsyncClient() as http:
            worker = Worker(
                engine=app.state.engine,
                settings=app.state.settings.model_copy(update=settings),
                client=http,
            )
            return await worker.check_rotations()

    return asyncio.run(one())


class Clock:
    """A settable clock for backoff tests."""

    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now
