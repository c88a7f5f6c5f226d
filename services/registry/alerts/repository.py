"""Queries on alerts: raising (idempotent by dedupe key), audiences, lists, transitions."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    exists,
    insert,
    not_,
    or_,
    select,
    text,
    update,
)
from sqlmodel import Session

from services.common.pagination import PageParams, paginate
from services.common.security import ReadScope
from services.common.tables import utcnow
from services.registry import notifications
from services.registry.alerts.filters import ASSIGNEE_NONE, AlertFilter
from services.registry.models import Alert, AlertEvent
from services.registry.models.handles import alert_audiences, alert_events, alerts

Audience = tuple[str, date, bool]
"""(country, date, secretariat_only)."""
SYSTEM_ACTOR = "registry"
"""The actor of the "raised" event of alerts the registry raises itself."""
ONE_DAY = timedelta(days=1)


def lock_matching(session: Session, *, shared: bool = False) -> None:
    """Take the alert-matching lock until the transaction ends.

    Matching reads what other transactions committed. Without this, a manifest and a
    declaration delivery that match each other, committing at the same moment on
    PostgreSQL, would each miss the other's uncommitted rows and raise nothing. Each
    takes the lock after writing its rows and before matching: whichever waits sees the
    other's rows once it is granted. A manifest takes it ``shared``: manifests match
    declarations, never one another (and two of one contingent already wait on its
    ledger lock), so concurrent uploads need not wait for each other's commit; a
    declaration or an embargo takes it exclusively. SQLite has one writer at a time.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
    session.execute(text(f"SELECT {function}(hashtextextended('registry:alert-matching', 0))"))


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
    notifications.emit_alert_raised(
        session,
        alert={
            "id": alert_id,
            "kind": kind,
            "status": "open",
            "summary": summary[:1000],
            "country": country,
            "mission_code": mission,
            "declaration_id": declaration_id,
            "record_date": record_date,
            "evidence": evidence,
            "created_at": now,
            "updated_at": now,
        },
        audience=audience,
        every_audience=every_audience,
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
            action="raised",
        )
    )
    return alert_id


def audience_of(session: Session, alert_id: str) -> list[Audience]:
    """The alert's audience rows."""
    a = alert_audiences
    statement = (
        select(a.c.country, a.c.on_date, a.c.secretariat_only)
        .where(a.c.alert_id == alert_id)
        .order_by(a.c.id)
    )
    return [(row[0], row[1], bool(row[2])) for row in session.execute(statement)]


def visible(scope: ReadScope, *, member_state: bool) -> ColumnElement[bool]:
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


def filtered(statement: Select[Any], queue: AlertFilter) -> Select[Any]:
    """``statement`` narrowed to the alerts ``queue`` names."""
    t = alerts
    for column, value in (
        (t.c.kind, queue.kind),
        (t.c.status, queue.status),
        (t.c.country, queue.country),
        (t.c.mission_code, queue.mission),
    ):
        if value is not None:
            statement = statement.where(column == value)
    if queue.assignee == ASSIGNEE_NONE:
        statement = statement.where(t.c.assignee.is_(None))
    elif queue.assignee is not None:
        statement = statement.where(t.c.assignee == queue.assignee)
    if queue.raised_from is not None:
        statement = statement.where(t.c.created_at >= _start_of(queue.raised_from))
    if queue.raised_to is not None:
        statement = statement.where(t.c.created_at < _start_of(queue.raised_to + ONE_DAY))
    if queue.record_from is not None:
        statement = statement.where(t.c.record_date >= queue.record_from)
    if queue.record_to is not None:
        statement = statement.where(t.c.record_date <= queue.record_to)
    return statement


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def list_alerts(
    session: Session,
    *,
    scope: ReadScope,
    member_state: bool,
    params: PageParams,
    queue: AlertFilter,
) -> tuple[list[Alert], str | None]:
    """A page of the alerts the caller sees (``scope``; a ``member_state`` sees no alert
    meant for secretariats only) that ``queue`` names, oldest first by (created_at, id)."""
    t = alerts
    statement = filtered(select(Alert).where(visible(scope, member_state=member_state)), queue)
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
        alerts.c.id == alert_id, visible(scope, member_state=member_state)
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
    outcome: str | None = None,
) -> bool:
    """Move the alert to ``to_status`` if it is in one of ``from_statuses`` and append the
    event; False (nothing written) when another transition got there first. Closing
    records ``outcome`` (with ``note`` as its note); each move bumps the version."""
    current = session.execute(
        select(alerts.c.status).where(alerts.c.id == alert_id)
    ).scalar_one_or_none()
    if current not in from_statuses:
        return False
    now = utcnow()
    changed = session.execute(
        update(alerts)
        .where(alerts.c.id == alert_id, alerts.c.status == current)
        .values(
            status=to_status,
            updated_at=now,
            version=alerts.c.version + 1,
            outcome=outcome,
            outcome_note=note if outcome is not None else None,
        )
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
            action="reopened" if to_status == "open" else to_status,
            outcome=outcome,
        )
    )
    announce_update(session, alert_id, change=f"status:{to_status}")
    return True


def announce_update(session: Session, alert_id: str, *, change: str) -> None:
    """Write ``alert.updated`` for the alert as it now stands, in the caller's transaction."""
    alert = session.execute(select(alerts).where(alerts.c.id == alert_id)).mappings().one()
    notifications.emit_alert_updated(
        session,
        alert=dict(alert),
        audience=audience_of(session, alert_id),
        every_audience=bool(alert["every_audience"]),
        change=change,
    )


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
            action="evidence_added",
            actor=actor,
            actor_org="registry",
            at=now,
        )
    )
    announce_update(session, alert_id, change="evidence_added")
