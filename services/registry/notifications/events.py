"""The events of the register and the one function that writes them: :func:`emit`.

Every event is a row of the outbox (``notification_events``) written in the
transaction of what caused it: committed with it, rolled back with it. The background
worker (``notifications.worker``) fans it out to the endpoints whose organisation may
receive it and delivers it; nothing here talks to the network.

A new event type (``trace_request.updated``) is one more name in ``EVENT_TYPES`` and
one call of :func:`emit` where its record changes, with the grants of that record
(``audience.readers_of(country, date)`` for a record read through one state's tenancy).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Final

from sqlmodel import Session

from services.registry.notifications import repository
from services.registry.notifications.audience import Grant, Readers, grant, readers_of

EVENT_TYPES: Final[tuple[str, ...]] = (
    "alert.raised",
    "alert.updated",
    "manifest.accepted",
    "loss_report.accepted",
    "declaration.accepted",
    "declaration.amended",
    "rotation.ending",
    "trace_request.updated",
    "webhook.disabled",
)
DIVERSION_NOTICE: Final = (
    "A {record} you declared may match materiel declared by another state;"
    " the secretariat has the details."
)
RECORD_WORDS: Final = {
    "seizure": "seizure",
    "collection": "collection",
    "destruction": "destruction",
}


def new_message_id() -> str:
    """A Standard Webhooks message id (``webhook-id``), stable across retries."""
    return f"msg_{uuid.uuid4().hex}"


def emit(
    session: Session,
    *,
    event_type: str,
    subject_id: str,
    data: Mapping[str, Any],
    grants: Sequence[Grant],
    redacted: Mapping[str, Any] | None = None,
    dedupe_key: str | None = None,
) -> bool:
    """Write one event to the outbox in the caller's transaction; False if an event with
    ``dedupe_key`` exists already.

    ``data`` is what receivers granted the ``full`` variant get; ``redacted`` what a
    ``redacted`` grant gets. ``grants`` decide who receives which (``audience``)."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {event_type!r}")
    payloads: dict[str, Any] = {"full": dict(data)}
    if redacted is not None:
        payloads["redacted"] = dict(redacted)
    return repository.insert_event(
        session,
        message_id=new_message_id(),
        event_type=event_type,
        subject_id=subject_id,
        dedupe_key=dedupe_key,
        payloads=payloads,
        grants=list(grants),
    )


def alert_grants(
    kind: str,
    audience: Sequence[tuple[str, date, bool]],
    *,
    every_audience: bool,
) -> list[Grant]:
    """Who may be told of an alert: as ``GET /registry/v1/alerts`` shows it.

    An alert has audience rows (country, date, secretariat only); a caller sees it when
    its tenancy covers one row (each row, for an ``every_audience`` alert), and a member
    state never through a row meant for secretariats only."""
    rows = list(dict.fromkeys(audience))
    if every_audience:
        records = [(c, d) for c, d, _ in rows]
        readers: Readers = "secretariat" if any(s for _, _, s in rows) else "any"
        return [grant("full", readers, *records)]
    return [grant("full", "secretariat" if s else "any", (c, d)) for c, d, s in rows]


def diversion_grants(*, contributing: tuple[str, date], declaring: tuple[str, date]) -> list[Grant]:
    """A diversion alert: the contributing state and the secretariats (and the operator)
    that read both records get the details; the declaring state a redacted notice."""
    return [
        grant("full", "member_state", contributing),
        grant("full", "secretariat", contributing, declaring),
        grant("redacted", "member_state", declaring),
    ]


def alert_audience(
    alert: Mapping[str, Any],
    audience: Sequence[tuple[str, date, bool]],
    *,
    every_audience: bool,
) -> tuple[list[Grant], dict[str, Any] | None]:
    """The grants of an alert's events and, for a diversion, the declaring state's notice
    (``alert``: the alert's column values)."""
    if alert["kind"] != "diversion":
        return alert_grants(alert["kind"], audience, every_audience=every_audience), None
    declaration = alert["evidence"].get("declaration", {})
    declared_on = date.fromisoformat(declaration["event_date"])
    grants = diversion_grants(
        contributing=(alert["country"], alert["record_date"]),
        declaring=(declaration["declaring_country"], declared_on),
    )
    word = RECORD_WORDS.get(declaration.get("type", ""), "record")
    notice = {
        "kind": "diversion",
        "declaration_id": alert["declaration_id"],
        "item_index": alert["evidence"].get("item_index"),
        "message": DIVERSION_NOTICE.format(record=word),
    }
    return grants, notice


def emit_alert_raised(
    session: Session,
    *,
    alert: Mapping[str, Any],
    audience: Sequence[tuple[str, date, bool]],
    every_audience: bool,
) -> None:
    """``alert.raised`` for a just-inserted alert (``alert``: its column values)."""
    grants, notice = alert_audience(alert, audience, every_audience=every_audience)
    emit(
        session,
        event_type="alert.raised",
        subject_id=alert["id"],
        data=alert_data(alert),
        grants=grants,
        redacted=notice,
    )


def emit_alert_updated(
    session: Session,
    *,
    alert: Mapping[str, Any],
    audience: Sequence[tuple[str, date, bool]],
    every_audience: bool,
    change: str,
) -> None:
    """``alert.updated`` (its status changed, or its evidence grew): to those told of it
    in full. A declaring state told only the redacted notice is not told how the
    secretariat follows the alert up."""
    grants, _ = alert_audience(alert, audience, every_audience=every_audience)
    emit(
        session,
        event_type="alert.updated",
        subject_id=alert["id"],
        data={**alert_data(alert), "change": change},
        grants=[g for g in grants if g.get("variant") == "full"],
    )


def alert_data(alert: Mapping[str, Any]) -> dict[str, Any]:
    """The ``data`` of an alert event, as ``GET /registry/v1/alerts/{id}`` shows the alert."""
    return {
        "id": alert["id"],
        "kind": alert["kind"],
        "status": alert["status"],
        "summary": alert["summary"],
        "country": alert["country"],
        "mission": alert.get("mission_code"),
        "declaration_id": alert.get("declaration_id"),
        "record_date": _iso(alert["record_date"]),
        "evidence": alert["evidence"],
        "created_at": _iso(alert["created_at"]),
        "updated_at": _iso(alert["updated_at"]),
    }


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


__all__ = [
    "EVENT_TYPES",
    "Grant",
    "alert_audience",
    "alert_grants",
    "diversion_grants",
    "emit",
    "emit_alert_raised",
    "emit_alert_updated",
    "readers_of",
]


def emit_trace_request_updated(
    session: Session,
    *,
    request: Mapping[str, Any],
    organisations: Sequence[str],
) -> None:
    """``trace_request.updated`` (its status changed): to the organisations that read its
    case, the owner and those it is shared with, and nobody else."""
    emit(
        session,
        event_type="trace_request.updated",
        subject_id=str(request["id"]),
        data=dict(request),
        grants=[{"variant": "full", "org": org} for org in dict.fromkeys(organisations)],
    )
