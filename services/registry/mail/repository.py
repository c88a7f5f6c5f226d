"""The mail domain's queries: preferences, notices, messages, the events to mail."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, insert, select, text, update
from sqlmodel import Session

from services.registry.models import (
    MailMessage,
    MailNotice,
    NotificationEvent,
    NotificationPreference,
)
from services.registry.models.handles import mail_messages, mail_notices, notification_events

_LOCK = "hashtextextended('registry:mail-worker', 0)"


@contextlib.contextmanager
def pass_lock(engine: Engine) -> Iterator[bool]:
    """True if this process may run a mail pass now: on PostgreSQL one process at a time
    (a session advisory lock), so two registry processes never compose the same notices
    into two messages; SQLite has one process."""
    if engine.dialect.name != "postgresql":
        yield True
        return
    with engine.connect() as connection:
        got = bool(connection.execute(text(f"SELECT pg_try_advisory_lock({_LOCK})")).scalar())
        connection.commit()
        try:
            yield got
        finally:
            if got:
                connection.execute(text(f"SELECT pg_advisory_unlock({_LOCK})"))
                connection.commit()


def get_preference(session: Session, person_id: str) -> NotificationPreference | None:
    """A person's stored preferences (None: the defaults of their role)."""
    return session.get(NotificationPreference, person_id)


def save_preference(session: Session, preference: NotificationPreference) -> None:
    """Store a person's preferences (insert or replace)."""
    session.merge(preference)
    session.flush()


def preferences_of(
    session: Session, person_ids: Sequence[str]
) -> dict[str, NotificationPreference]:
    """Stored preferences of these people, by person id."""
    if not person_ids:
        return {}
    t = NotificationPreference
    statement = select(t).where(t.person_id.in_(list(person_ids)))  # type: ignore[attr-defined]
    return {p.person_id: p for p in session.execute(statement).scalars()}


# tenancy: the mail worker reads every event; each notice it writes passes the event's
# grants for the person's organisation (notifications.audience), so it reveals none.
def events_to_mail(session: Session, *, limit: int) -> list[NotificationEvent]:
    """The oldest events not yet mailed, in outbox order."""
    t = notification_events
    statement = (
        select(NotificationEvent).where(t.c.mailed_at.is_(None)).order_by(t.c.id).limit(limit)
    )
    return list(session.execute(statement).scalars())


def mark_mailed(session: Session, event_ids: Sequence[int], at: datetime) -> None:
    """These events have their notices written."""
    t = notification_events
    session.execute(update(t).where(t.c.id.in_(list(event_ids))).values(mailed_at=at))


def add_notices(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Write notices (the unique (person, event) index refuses a second one)."""
    if rows:
        session.execute(insert(mail_notices), list(rows))


def add_message(session: Session, message: MailMessage) -> int:
    """Queue one message; its id."""
    session.add(message)
    session.flush()
    assert message.id is not None
    return message.id


def attach_notices(session: Session, notice_ids: Sequence[int], message_id: int) -> None:
    """These notices are told in this message."""
    n = mail_notices
    session.execute(update(n).where(n.c.id.in_(list(notice_ids))).values(message_id=message_id))


# tenancy: notices were written only for people whose organisation may read the event
def waiting_notices(session: Session, *, mode: str) -> list[tuple[MailNotice, NotificationEvent]]:
    """Notices of ``mode`` not yet in a message, with their events, by person then event."""
    n, e = mail_notices, notification_events
    statement = (
        select(MailNotice, NotificationEvent)
        .join(e, e.c.id == n.c.event_id)
        .where(n.c.mode == mode, n.c.message_id.is_(None))
        .order_by(n.c.person_id, n.c.event_id)
    )
    return [(row[0], row[1]) for row in session.execute(statement)]


def due_messages(session: Session, *, now: datetime, limit: int) -> list[MailMessage]:
    """Pending messages whose next attempt is due, oldest first."""
    m = mail_messages
    statement = (
        select(MailMessage)
        .where(m.c.status == "pending", m.c.next_attempt_at <= now)
        .order_by(m.c.id)
        .limit(limit)
    )
    return list(session.execute(statement).scalars())


def claim_message(session: Session, message_id: int) -> bool:
    """Mark a pending message ``sending`` (committed before the SMTP attempt, so a crash
    mid-send never sends it twice); False if someone else claimed it."""
    m = mail_messages
    claimed = session.execute(
        update(m).where(m.c.id == message_id, m.c.status == "pending").values(status="sending")
    )
    return bool(claimed.rowcount == 1)  # type: ignore[attr-defined]


def settle_message(session: Session, *, message_id: int, values: dict[str, Any]) -> None:
    """Store an attempt's outcome on the message."""
    m = mail_messages
    session.execute(update(m).where(m.c.id == message_id).values(**values))


def outbox_page(
    session: Session, *, after: int | None, limit: int, status: str | None
) -> list[MailMessage]:
    """The mail outbox, newest first (keyset on id)."""
    m = mail_messages
    statement = select(MailMessage).order_by(m.c.id.desc()).limit(limit)
    if after is not None:
        statement = statement.where(m.c.id < after)
    if status is not None:
        statement = statement.where(m.c.status == status)
    return list(session.execute(statement).scalars())
