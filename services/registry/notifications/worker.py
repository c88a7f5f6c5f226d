"""The delivery worker: fans the outbox out to endpoints and delivers, in the background.

One pass (:func:`run_pass`):

1. fan-out: each event not yet fanned out gets one delivery row per active endpoint
   subscribed to its type whose organisation a grant admits (``audience``), with the
   variant that grant names, in one transaction that marks the events done;
2. delivery: per endpoint, the pending deliveries in ``id`` order. A 2xx settles one;
   anything else (an error, a timeout, a refused address) schedules it again after an
   exponential backoff with jitter and holds back those behind it, so an endpoint
   receives its events in order. A delivery failing for longer than the retry period
   disables its endpoint (``webhook.disabled`` in the outbox says so).

Delivery is at least once: a delivery is settled after the receiver's 2xx, so a worker
stopped in between sends it again (same ``webhook-id``) when it restarts. On
PostgreSQL one worker at a time runs a pass (an advisory lock), so several registry
processes never deliver an endpoint's events out of order.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar

import anyio
import httpx
from anyio import to_thread
from fastapi import FastAPI
from sqlalchemy import Engine
from sqlmodel import Session

from services.common import retry
from services.common.database import write_transaction
from services.common.tables import assume_utc, utcnow
from services.registry.models import WebhookDelivery, WebhookEndpoint
from services.registry.notifications import events, repository, rotations, signing
from services.registry.notifications.addresses import (
    AddressRefused,
    post_to_checked_address,
    resolve_checked_async,
)
from services.registry.notifications.audience import Recipient, periods_to_json, variant_for

logger = logging.getLogger("salw.registry.notifications")
T = TypeVar("T")
FAN_OUT_BATCH = 500
DELIVERY_BATCH = 200
ERROR_TEXT_LIMIT = 500


class WorkerSettings(Protocol):
    """The settings the worker reads (``RegistrySettings``'s ``webhooks_*`` and
    ``rotation_*``; a protocol so that this domain does not import the settings module)."""

    webhooks_allow_private: bool
    webhook_secrets_key: str
    webhooks_retry_base_seconds: float
    webhooks_retry_max_interval_seconds: float
    webhooks_retry_for_seconds: float
    webhooks_timeout_seconds: float
    webhooks_worker_interval_seconds: float
    rotation_ending_days: int
    rotation_check_interval_seconds: float


@dataclass
class PassReport:
    """What one pass did."""

    fanned_out: int = 0
    delivered: int = 0
    failed: int = 0
    disabled: int = 0


@dataclass
class Worker:
    """The worker's configuration and its clients (one per app)."""

    engine: Engine
    settings: WorkerSettings
    client: httpx.AsyncClient
    state: Any = None  # the app's state, for the SQLite write gate
    clock: Callable[[], datetime] = utcnow
    community_periods: Callable[[str], Any] | None = None

    async def _write(self, work: Callable[[Session], T]) -> T:
        def run() -> T:
            with write_transaction(self.engine) as session:
                return work(session)

        if self.engine.dialect.name == "sqlite" and self.state is not None:
            gate = getattr(self.state, "sqlite_write_gate", None)
            if gate is None:
                gate = self.state.sqlite_write_gate = anyio.Lock()
            async with gate:
                return await to_thread.run_sync(run)
        return await to_thread.run_sync(run)

    async def _read(self, work: Callable[[Session], T]) -> T:
        def run() -> T:
            with Session(self.engine, expire_on_commit=False) as session:
                return work(session)

        return await to_thread.run_sync(run)

    # -- fan-out -------------------------------------------------------------------

    def _fan_out(self, session: Session) -> int:
        batch = repository.events_to_fan_out(session, limit=FAN_OUT_BATCH)
        if not batch:
            return 0
        endpoints = repository.active_endpoints(session)
        recipients = {e.id: self._recipient(e) for e in endpoints}
        rows = []
        for event in batch:
            for endpoint in endpoints:
                if event.type not in endpoint.events:
                    continue
                variant = variant_for(event.grants, recipients[endpoint.id])
                if variant is None or variant not in event.payloads:
                    continue
                body = {
                    "type": event.type,
                    "timestamp": assume_utc(event.occurred_at).isoformat(),
                    "data": event.payloads[variant],
                }
                rows.append(
                    {
                        "endpoint_id": endpoint.id,
                        "event_id": event.id,
                        "message_id": event.message_id,
                        "event_type": event.type,
                        "variant": variant,
                        "body": json.dumps(body, separators=(",", ":"), ensure_ascii=False),
                        "status": "pending",
                        "attempts": 0,
                        "next_attempt_at": self.clock(),
                        "created_at": self.clock(),
                    }
                )
        repository.add_deliveries(session, rows)
        repository.mark_fanned_out(session, [e.id for e in batch if e.id], self.clock())
        return len(batch)

    def _recipient(self, endpoint: WebhookEndpoint) -> Recipient:
        # A secretariat reads what its community's members wrote while members: the
        # registry's freshest memberships (the directory, if loaded), else those stored.
        if endpoint.org_type == "secretariat" and self.community_periods and endpoint.community:
            fresh = self.community_periods(endpoint.community)
            if fresh is not None:
                endpoint.periods = periods_to_json(fresh)
        return Recipient.of_endpoint(endpoint)

    async def fan_out(self) -> int:
        """Queue deliveries for every event not fanned out yet; how many events."""
        total = 0
        while done := await self._write(self._fan_out):
            total += done
        return total

    # -- delivery ------------------------------------------------------------------

    def backoff(self, attempts: int) -> timedelta:
        """The wait after the ``attempts``-th failure: doubling, capped, with jitter."""
        s = self.settings
        return retry.backoff(
            attempts,
            base_seconds=s.webhooks_retry_base_seconds,
            max_seconds=s.webhooks_retry_max_interval_seconds,
        )

    async def _send(
        self, endpoint: WebhookEndpoint, address: str, secret: str, d: WebhookDelivery
    ) -> str | None:
        """One attempt; None on a 2xx, else what went wrong."""
        timestamp = int(self.clock().timestamp())
        headers = {
            "content-type": "application/json",
            "user-agent": "salw-register-webhooks/1",
            "webhook-id": d.message_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": signing.signature(
                secret, message_id=d.message_id, timestamp=timestamp, body=d.body
            ),
        }
        try:
            response = await post_to_checked_address(
                self.client, endpoint.url, address=address, body=d.body, headers=headers
            )
        except httpx.HTTPError as exc:
            return f"{type(exc).__name__}: {exc}"[:ERROR_TEXT_LIMIT] or type(exc).__name__
        if 200 <= response.status_code < 300:
            return None
        return f"HTTP {response.status_code}: {response.text[:ERROR_TEXT_LIMIT]}"

    async def deliver_endpoint(self, endpoint_id: str, report: PassReport) -> None:
        """Deliver the endpoint's pending deliveries in order until one fails or none is left."""
        while True:
            endpoint, head = await self._read(
                lambda s: (
                    repository.get_endpoint(s, endpoint_id),
                    repository.pending_head(s, endpoint_id, limit=DELIVERY_BATCH),
                )
            )
            if endpoint is None or endpoint.status != "active" or not head:
                return
            if assume_utc(head[0].next_attempt_at) > self.clock():
                return  # in backoff: those behind it wait too
            try:
                secret = signing.unseal(
                    endpoint.secret_sealed,
                    key=signing.parse_sealing_key(self.settings.webhook_secrets_key),
                    endpoint_id=endpoint.id,
                )
            except ValueError:
                logger.exception("webhook endpoint %s: its secret cannot be opened", endpoint.id)
                return
            delivered: list[int] = []
            failure: tuple[WebhookDelivery, str] | None = None
            # Resolved and checked once per batch of consecutive deliveries (each batch
            # within moments), and connected to that checked address.
            try:
                address = await resolve_checked_async(
                    endpoint.url, allow_private=self.settings.webhooks_allow_private
                )
            except AddressRefused as exc:
                address, failure = "", (head[0], f"refused: {exc}")
            for d in head if failure is None else []:
                if assume_utc(d.next_attempt_at) > self.clock():
                    break
                error = await self._send(endpoint, address, secret, d)
                if error is not None:
                    failure = (d, error)
                    break
                assert d.id is not None
                delivered.append(d.id)
            settle = functools.partial(
                self._settle, endpoint=endpoint, delivered=delivered, failure=failure, report=report
            )
            await self._write(settle)
            if failure is not None or len(delivered) < len(head):
                return

    def _settle(
        self,
        session: Session,
        *,
        endpoint: WebhookEndpoint,
        delivered: list[int],
        failure: tuple[WebhookDelivery, str] | None,
        report: PassReport,
    ) -> None:
        now = self.clock()
        repository.mark_delivered(session, delivered, at=now)
        report.delivered += len(delivered)
        if failure is None:
            return
        d, error = failure
        assert d.id is not None
        attempts = d.attempts + 1
        first_failed = assume_utc(d.first_failed_at) if d.first_failed_at else now
        code = int(error[5:8]) if error.startswith("HTTP ") else None
        repository.record_outcome(
            session,
            d.id,
            attempts=attempts,
            first_failed_at=first_failed,
            last_status_code=code,
            last_error=error[:1000],
            last_attempt_at=now,
            next_attempt_at=now + self.backoff(attempts),
        )
        report.failed += 1
        failing_for = (now - first_failed).total_seconds()
        if failing_for < self.settings.webhooks_retry_for_seconds:
            return
        reason = (
            f"{repository.DISABLED_FOR_FAILURES} {first_failed.isoformat()} ({attempts} attempts of"
            f" delivery {d.id}); last error: {error}"
        )
        if repository.disable_endpoint(session, endpoint.id, reason=reason, at=now):
            report.disabled += 1
            events.emit(
                session,
                event_type="webhook.disabled",
                subject_id=endpoint.id,
                data={
                    "id": endpoint.id,
                    "url": endpoint.url,
                    "reason": reason[:1000],
                    "disabled_at": now.isoformat(),
                },
                grants=[{"variant": "full", "org": endpoint.org}],
            )

    async def deliver(self, report: PassReport) -> None:
        """Every endpoint with pending deliveries, concurrently (each in order)."""
        endpoint_ids = await self._read(repository.endpoints_with_pending)
        await asyncio.gather(*(self.deliver_endpoint(e, report) for e in endpoint_ids))

    async def run_pass(self) -> PassReport:
        """Fan out, then deliver what is due."""
        report = PassReport()
        with repository.pass_lock(self.engine) as mine:
            if mine:
                report.fanned_out = await self.fan_out()
                await self.deliver(report)
        return report

    # -- rotation.ending -----------------------------------------------------------

    def _check_rotations(self, session: Session) -> int:
        return rotations.write_rotations_ending(
            session, today=self.clock().date(), days=self.settings.rotation_ending_days
        )

    async def check_rotations(self) -> int:
        """Write ``rotation.ending`` for each unit and rotation not told yet; how many."""
        return await self._write(self._check_rotations)


def make_worker(app: FastAPI, settings: WorkerSettings) -> Worker:
    """The app's worker, with its HTTP client (no redirects: a redirect could lead to an
    address nobody checked)."""
    client = httpx.AsyncClient(
        timeout=settings.webhooks_timeout_seconds, follow_redirects=False, trust_env=False
    )
    directory = getattr(app.state, "communities", None)
    return Worker(
        engine=app.state.engine,
        settings=settings,
        client=client,
        state=app.state,
        community_periods=getattr(directory, "cached_periods", None),
    )


async def run_worker(app: FastAPI, stop: asyncio.Event, settings: WorkerSettings) -> None:
    """The registry's background delivery worker, until ``stop`` is set."""
    worker = make_worker(app, settings)
    app.state.notifications_worker = worker
    next_rotation_check = 0.0
    loop = asyncio.get_running_loop()
    try:
        while not stop.is_set():
            try:
                if loop.time() >= next_rotation_check:
                    await worker.check_rotations()
                    next_rotation_check = loop.time() + settings.rotation_check_interval_seconds
                report = await worker.run_pass()
                if report.fanned_out or report.delivered or report.failed:
                    logger.info("webhooks: %s", report)
            except Exception:  # a database or network outage must not kill the worker
                logger.exception("webhooks: pass failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    stop.wait(), timeout=settings.webhooks_worker_interval_seconds
                )
    finally:
        await worker.client.aclose()
