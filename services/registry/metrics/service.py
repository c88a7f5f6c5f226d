"""The registry's own Prometheus readings (common/metrics.py adds requests and the pool)."""

from __future__ import annotations

from collections.abc import Iterator

from sqlmodel import Session

from services.common.metrics import Reading
from services.registry.metrics import repository


def readings(session: Session) -> Iterator[Reading]:
    """Alerts by kind and status (bounded: both are CHECK-constrained code lists)."""
    for kind, status, count in repository.alert_counts(session):
        yield Reading(
            "register_alerts",
            "Alerts by kind and status",
            count,
            {"kind": kind, "status": status},
        )
