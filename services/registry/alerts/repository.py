"""Queries on alerts: raising (idempotent by dedupe key), audiences, lists, transitions."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, insert, not_, or_, select, text, update
from sqlmodel import Session

from services.common.pagination import PageParams, paginate
from services.common.security import ReadScope
from services.common.tables import utcnow
from services.registry.models import Alert, AlertEvent
from services.registry.models.handles import alert_audiences, alert_events, alerts

Audience = tuple[str, date, bool]
"""(country, date, secretariat_only)."""
SYSTEM_ACTOR = "registry"
"""The actor of the "raised" event of alerts the registry raises itself."""


def lock_matching(session: Session) -> None:
    """Take the alert-matching lock until the transaction ends.

    Matching reads what other transactions committed. Without this, a manifest and a
    declaration delivery that match each other, committing at the same moment on
    PostgreSQL, would each miss the other's uncommitted rows and raise nothing. Each
    takes the lock after writing its rows and before matching: whichever waits sees the
    other's rows once it is granted. SQLite has one writer at a time already.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    session.execute(
        text("SELECT pg_advisory_xact_lock(hashtextextended('registry:alert-matching', 0))")
    )


def raise_alert(
    session: Session,
    *,
    kind: str,
    dedupe_key: str,
    summary: str,
    country: str,
    mission: str | None,
    declaration_id: str | None,
    record_date: date,
    evidence: dict[str, Any],
    audience: Sequence[Audience],
    actor: str,
    every_audience: bool = False,
) -> str | None:
    """Insert an open alert with its audience and its "raised" event; None if one with
    ``dedupe_key`` exists already (raising twice changes nothing).

    ``every_audience``: only callers whom every audience row admits see the alert (it
    names records of several states; a caller must be able to read each of them)."""
    found = session.execute(select(alerts.c.id).where(alerts.c.dedupe_key == dedupe_key)).first()
    if found is not None:
        return None
    alert_id = str(uuid.uuid4())
    now = utcnow()
    session.execute(
        insert(alerts).values(
            id=alert_id,
            kind=kind,
            status="open",
            dedupe_key=dedupe_key,
            summary=summary[:1000],
            country=country,
            mission_code=mission,
            declaration_id=declaration_id,
            record_date=record_date,
            every_audience=every_audience,
            evidence=evidence,
            created_at=now,
            updated_at=now,
        )
    )
    session.execute(
        insert(alert_audiences),
        [
            {"alert_id": alert_id, "country": c, "on_date": d, "secretariat_only": s}
            for c, d, s in dict.fromkeys(audience)
        ],
    )
    session.execute(
        insert(alert_events).values(
            alert_id=alert_id,
            from_status=None,
            to_status="open",
            note=summary[:1000],
            actor=actor,
            actor_org="registry",
            at=now,
        )
    )
    return alert_id


def _visible(scope: ReadScope, *, member_state: bool) -> ColumnElement[bool]:
    """Alerts having an audience row ``scope`` covers (its country and date) and, for an
    ``every_audience`` alert, no row it does not cover; member states do not see audience
    rows meant for secretariats only."""
    a = alert_audiences
    admitted = scope.clause(a.c.country, a.c.on_date)
    if member_state:
        admitted = and_(admitted, a.c.secretariat_only.is_(False))
    some = exists(select(a.c.id).where(a.c.alert_id == alerts.c.id, admitted))
    refused = exists(select(a.c.id).where(a.c.alert_id == alerts.c.id, not_(admitted)))
    return and_(some, or_(alerts.c.every_audience.is_(False), not_(refused)))


def list_alerts(
    session: Session,
    *,
    scope: ReadScope,
    member_state: bool,
    params: PageParams,
    kind: str | None,
    status: str | None,
    country: str | None,
    mission: str | None,
) -> tuple[list[Alert], str | None]:
    """A page of the alerts the caller sees (``scope``; a ``member_state`` sees no alert
    meant for secretariats only), oldest first by (created_at, id)."""
    t = alerts
    statement = select(Alert).where(_visible(scope, member_state=member_state))
    for column, value in (
        (t.c.kind, kind),
        (t.c.status, status),
        (t.c.country, country),
        (t.c.mission_code, mission),
    ):
        if value is not None:
            statement = statement.where(column == value)
    rows, cursor = paginate(
        session,
        statement,
        key=[t.c.created_at, t.c.id],
        params=params,
        key_of=lambda row: [row[0].created_at, row[0].id],
    )
    return [row[0] for row in rows], cursor


def get_alert(
    session: Session, *, alert_id: str, scope: ReadScope, member_state: bool
) -> Alert | None:
    """The alert if it exists and the caller sees it (as in ``list_alerts``)."""
    statement = select(Alert).where(
        alerts.c.id == alert_id, _visible(scope, member_state=member_state)
    )
    return session.execute(statement).scalars().first()


def events_of(session: Session, alert_id: str) -> list[AlertEvent]:
    """The alert's transitions in order."""
    statement = (
        select(AlertEvent).where(alert_events.c.alert_id == alert_id).order_by(alert_events.c.id)
    )
    return list(session.execute(statement).scalars())


def transition(
    session: Session,
    *,
    alert_id: str,
    from_statuses: Sequence[str],
    to_status: str,
    note: str | None,
    actor: str,
    actor_org: str,
    actor_type: str | None,
) -> bool:
    """Move the alert to ``to_status`` if it is in one of ``from_statuses`` and append the
    event; False (nothing written) when another transition got there first."""
    current = session.execute(
        select(alerts.c.status).where(alerts.c.id == alert_id)
    ).scalar_one_or_none()
    if current not in from_statuses:
        return False
    now = utcnow()
    changed = session.execute(
        update(alerts)
        .where(alerts.c.id == alert_id, alerts.c.status == current)
        .values(status=to_status, updated_at=now)
    )
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        return False
    session.execute(
        insert(alert_events).values(
            alert_id=alert_id,
            from_status=current,
            to_status=to_status,
            note=note,
            actor=actor,
            actor_org=actor_org,
            actor_type=actor_type,
            at=now,
        )
    )
    return True


def grow_alert(
    session: Session,
    *,
    alert_id: str,
    summary: str,
    evidence: dict[str, Any],
    audience: Sequence[Audience],
    note: str,
    actor: str,
) -> None:
    """Replace an open alert's summary and evidence (it names more records now), add the
    audience rows it lacks, and append an event (its status unchanged) saying what joined."""
    current = session.execute(select(alerts.c.status).where(alerts.c.id == alert_id)).scalar_one()
    now = utcnow()
    session.execute(
        update(alerts)
        .where(alerts.c.id == alert_id)
        .values(summary=summary[:1000], evidence=evidence, updated_at=now)
    )
    a = alert_audiences
    present = {
        (row.country, row.on_date, row.secretariat_only)
        for row in session.execute(
            select(a.c.country, a.c.on_date, a.c.secretariat_only).where(a.c.alert_id == alert_id)
        ).all()
    }
    missing = [row for row in dict.fromkeys(audience) if row not in present]
    if missing:
        session.execute(
            insert(alert_audiences),
            [
                {"alert_id": alert_id, "country": c, "on_date": d, "secretariat_only": s}
                for c, d, s in missing
            ],
        )
    session.execute(
        insert(alert_events).values(
            alert_id=alert_id,
            from_status=current,
            to_status=current,
            note=note[:1000],
            actor=actor,
            actor_org="registry",
            at=now,
        )
    )
