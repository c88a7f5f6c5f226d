"""The registry's own Prometheus readings (common/metrics.py adds requests and the pool)."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import product
from typing import get_args

from sqlmodel import Session

from services.common.metrics import Reading
from services.registry.alerts.schemas import AlertKind, AlertStatus
from services.registry.metrics import repository


def readings(session: Session) -> Iterator[Reading]:
    """Alerts by kind and status, zeros included, so that rates and increases start from
    the first alert (bounded: both are code lists)."""
    counts = dict.fromkeys(product(get_args(AlertKind), get_args(AlertStatus)), 0)
    for kind, status, count in repository.alert_counts(session):
        counts[(kind, status)] = count
    for (kind, status), count in sorted(counts.items()):
        yield Reading(
            "register_alerts", "Alerts by kind and status", count, {"kind": kind, "status": status}
        )
