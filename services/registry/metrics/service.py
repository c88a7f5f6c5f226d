"""The registry's own Prometheus readings (common/metrics.py adds requests and the pool)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from itertools import product
from typing import get_args

from sqlmodel import Session

from services.common.metrics import Reading
from services.common.tables import assume_utc, utcnow
from services.registry.alerts.schemas import AlertKind, AlertStatus
from services.registry.metrics import repository

ENDPOINT_STATUSES = ("active", "disabled")
UNSENT_MAIL_STATUSES = ("pending", "sending", "failed", "kept")


def readings(session: Session, *, now: Callable[[], datetime] = utcnow) -> Iterator[Reading]:
    """Alerts by kind and status, and the notification outbox's backlog."""
    yield from _alerts(session)
    yield from _notifications(session, now())


def _alerts(session: Session) -> Iterator[Reading]:
    """Alerts by kind and status, zeros included, so that rates and increases start from
    the first alert (bounded: both are code lists)."""
    counts = dict.fromkeys(product(get_args(AlertKind), get_args(AlertStatus)), 0)
    for kind, status, count in repository.alert_counts(session):
        counts[(kind, status)] = count
    for (kind, status), count in sorted(counts.items()):
        yield Reading(
            "register_alerts", "Alerts by kind and status", count, {"kind": kind, "status": status}
        )


def _age(now: datetime, oldest: datetime | None) -> float:
    """Seconds since ``oldest`` (0 when nothing waits). SQLite gives naive UTC times back."""
    if oldest is None:
        return 0.0
    return max((now - assume_utc(oldest)).total_seconds(), 0.0)


def _notifications(session: Session, now: datetime) -> Iterator[Reading]:
    """The outbox's backlog: events not fanned out, webhook deliveries waiting, endpoints
    by status, mail not sent; zeros included, so that alert rules see an empty queue."""
    unfanned, oldest_event = repository.events_not_fanned_out(session)
    yield Reading(
        "register_notification_events_unfanned",
        "Outbox events the webhook worker has not fanned out to endpoints yet",
        unfanned,
    )
    yield Reading(
        "register_notification_oldest_unfanned_seconds",
        "Age of the oldest outbox event not fanned out yet (0 when none)",
        _age(now, oldest_event),
    )
    pending, oldest_delivery = repository.pending_deliveries(session)
    yield Reading(
        "register_webhook_deliveries_pending",
        "Webhook deliveries waiting for their first try or a retry",
        pending,
    )
    yield Reading(
        "register_webhook_oldest_pending_seconds",
        "Age of the oldest webhook delivery still pending (0 when none)",
        _age(now, oldest_delivery),
    )
    endpoints = dict.fromkeys(ENDPOINT_STATUSES, 0) | dict(repository.endpoint_counts(session))
    for status, count in sorted(endpoints.items()):
        yield Reading(
            "register_webhook_endpoints", "Webhook endpoints by status", count, {"status": status}
        )
    yield Reading(
        "register_webhook_endpoints_disabled_for_failures",
        "Webhook endpoints the worker disabled after failing for the retry period",
        repository.endpoints_disabled_for_failures(session),
    )
    counts, oldest_mail = repository.unsent_mail(session)
    mail = dict.fromkeys(UNSENT_MAIL_STATUSES, 0) | dict(counts)
    for status, count in sorted(mail.items()):
        yield Reading(
            "register_mail_unsent",
            "Email messages not sent: pending (or sending), failed for good, or kept in the"
            " operator's outbox (no SMTP configured)",
            count,
            {"status": status},
        )
    yield Reading(
        "register_mail_oldest_pending_seconds",
        "Age of the oldest email message still to send (0 when none)",
        _age(now, oldest_mail),
    )
