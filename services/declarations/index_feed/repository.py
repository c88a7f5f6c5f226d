"""Queries of the weapon-index feed: which log entries still need delivering."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import exists, func, insert, literal, or_, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from services.common.tables import assume_utc
from services.declarations.index_feed.backoff import MAX_BACKOFF_SECONDS, backoff_seconds
from services.declarations.models import (
    declaration_contents,
    declaration_versions,
    declarations,
    index_deliveries,
    index_delivery_attempts,
    index_retries,
    index_retry_outcomes,
    log_entries,
)

# Log entries the registry's index cares about; holds and fixity checks are not materiel.
FEED_ENTRY_TYPES = ("declaration_version", "amendment", "disposal")
# The outcome of an entry the registry refused for good (a 4xx about the entry itself):
# it is settled, so it no longer holds up the feed, and it is counted and listed.
REJECTED = "rejected"


@dataclass(frozen=True)
class PendingEntry:
    """A log entry not yet acknowledged by the registry."""

    log_index: int
    entry_type: str
    declaration_id: str
    version: int | None
    attempts: int
    last_attempt_at: datetime | None
    retrying: bool = False  # rejected before, and an operator asked for it again
    leaf_input: bytes = b""  # the entry's logged bytes: the registry checks them against the log


def _open_retry(log_index: Any) -> Any:
    """A retry of the entry at ``log_index`` that has no outcome yet."""
    return exists().where(
        index_retries.c.log_index == log_index,
        ~exists().where(index_retry_outcomes.c.retry_id == index_retries.c.id),
    )


def _pending() -> Any:
    """Not settled yet: never delivered, or rejected and asked for again."""
    never_delivered = ~exists().where(index_deliveries.c.log_index == log_entries.c.index)
    return or_(never_delivered, _open_retry(log_entries.c.index))


def _attempt_counts() -> Any:
    return (
        select(
            index_delivery_attempts.c.log_index,
            func.count().label("attempts"),
            func.max(index_delivery_attempts.c.attempted_at).label("last_attempt_at"),
        )
        .group_by(index_delivery_attempts.c.log_index)
        .subquery()
    )


def _due(attempts: Any, *, now: datetime) -> Any:
    """True for entries never tried, or whose backoff after their last failure is over.

    The wait after n failures depends on n only, so "due" is one threshold per n,
    compared in SQL on both databases; from the cap on, one threshold covers all.
    """
    count = func.coalesce(attempts.c.attempts, 0)
    due = [count == 0]
    failures = 1
    while backoff_seconds(failures) < MAX_BACKOFF_SECONDS:
        threshold = now - timedelta(seconds=backoff_seconds(failures))
        due.append((count == failures) & (attempts.c.last_attempt_at <= threshold))
        failures += 1
    threshold = now - timedelta(seconds=MAX_BACKOFF_SECONDS)
    due.append((count >= failures) & (attempts.c.last_attempt_at <= threshold))
    return or_(*due)


def pending_entries(session: Session, *, limit: int, now: datetime) -> list[PendingEntry]:
    """The oldest undelivered feed entries that are due at ``now``, with their failure counts.

    Entries waiting out a backoff are skipped, not merely counted: otherwise a
    batch of entries that keep failing would hide every entry behind them.
    """
    attempts = _attempt_counts()
    statement = (
        select(
            log_entries.c.index,
            log_entries.c.entry_type,
            log_entries.c.declaration_id,
            log_entries.c.version,
            func.coalesce(attempts.c.attempts, 0),
            attempts.c.last_attempt_at,
            _open_retry(log_entries.c.index),
            log_entries.c.leaf_input,
        )
        .outerjoin(attempts, attempts.c.log_index == log_entries.c.index)
        .where(
            log_entries.c.entry_type.in_(FEED_ENTRY_TYPES),
            _pending(),
            _due(attempts, now=now),
        )
        .order_by(log_entries.c.index)
        .limit(limit)
    )
    return [
        PendingEntry(
            log_index=int(row[0]),
            entry_type=str(row[1]),
            declaration_id=str(row[2]),
            version=row[3],
            attempts=int(row[4]),
            last_attempt_at=row[5],
            retrying=bool(row[6]),
            leaf_input=bytes(row[7]),
        )
        for row in session.execute(statement).all()
    ]


def count_pending(session: Session) -> int:
    """How many feed entries are not settled (retries of rejected entries included)."""
    statement = (
        select(func.count())
        .select_from(log_entries)
        .where(log_entries.c.entry_type.in_(FEED_ENTRY_TYPES), _pending())
    )
    return int(session.execute(statement).scalar_one())


def count_waiting(session: Session, *, now: datetime) -> int:
    """How many pending entries are waiting out their backoff at ``now``."""
    attempts = _attempt_counts()
    statement = (
        select(func.count())
        .select_from(log_entries)
        .join(attempts, attempts.c.log_index == log_entries.c.index)
        .where(
            log_entries.c.entry_type.in_(FEED_ENTRY_TYPES),
            _pending(),
            ~_due(attempts, now=now),
        )
    )
    return int(session.execute(statement).scalar_one())


# tenancy: background job: the index relay (relay.py _pending) feeds every state's records
def declaration_version(session: Session, declaration_id: str, version: int | None) -> Any:
    """The declaration with the given version (the latest when None) and its content."""
    statement = (
        select(
            declarations.c.type,
            declarations.c.declaring_country,
            declaration_versions.c.version,
            declaration_versions.c.event_date,
            declaration_versions.c.mission,
            declaration_versions.c.undeclared,
            declaration_contents.c.content,
        )
        .join(declaration_versions, declaration_versions.c.declaration_id == declarations.c.id)
        .outerjoin(
            declaration_contents,
            (declaration_contents.c.declaration_id == declaration_versions.c.declaration_id)
            & (declaration_contents.c.version == declaration_versions.c.version),
        )
        .where(declarations.c.id == declaration_id)
        .order_by(declaration_versions.c.version.desc())
        .limit(1)
    )
    if version is not None:
        statement = statement.where(declaration_versions.c.version == version)
    return session.execute(statement).first()


def record_delivery(session: Session, *, log_index: int, outcome: str, now: datetime) -> None:
    """Mark an entry delivered (a concurrent relay may have done it already: fine)."""
    try:
        with session.begin_nested():
            session.execute(
                insert(index_deliveries).values(
                    log_index=log_index, outcome=outcome, delivered_at=now
                )
            )
    except IntegrityError:
        pass  # delivered twice by two relays; the registry ignored the duplicate


def record_retry_outcome(session: Session, *, log_index: int, outcome: str, now: datetime) -> None:
    """Settle the open retries of a rejected entry with what the redelivery did."""
    open_retries = select(
        index_retries.c.id, literal(now, index_retry_outcomes.c.delivered_at.type), literal(outcome)
    ).where(
        index_retries.c.log_index == log_index,
        ~exists().where(index_retry_outcomes.c.retry_id == index_retries.c.id),
    )
    try:
        with session.begin_nested():
            session.execute(
                insert(index_retry_outcomes).from_select(
                    ["retry_id", "delivered_at", "outcome"], open_retries
                )
            )
    except IntegrityError:
        pass  # settled by a concurrent relay


def record_attempt(session: Session, *, log_index: int, error: str, now: datetime) -> None:
    """Remember a failed delivery (for backoff and for operators)."""
    session.execute(
        insert(index_delivery_attempts).values(
            log_index=log_index, error=error[:2000], attempted_at=now
        )
    )


def last_error(session: Session) -> tuple[int, datetime, str] | None:
    """The most recent failed attempt (a rejection included), if any."""
    row = session.execute(
        select(
            index_delivery_attempts.c.log_index,
            index_delivery_attempts.c.attempted_at,
            index_delivery_attempts.c.error,
        )
        .order_by(index_delivery_attempts.c.id.desc())
        .limit(1)
    ).first()
    return (int(row[0]), assume_utc(row[1]), str(row[2])) if row else None


@dataclass(frozen=True)
class RejectedEntry:
    """A log entry the registry refused for good, and what it said."""

    log_index: int
    entry_type: str
    declaration_id: str
    version: int | None
    rejected_at: datetime
    error: str


def _rejected_now() -> Any:
    """Rejected, and not delivered since: the latest outcome (of the first delivery or of
    the latest retry) is a rejection, and no retry is waiting."""
    latest_retry_outcome = (
        select(index_retry_outcomes.c.outcome)
        .join(index_retries, index_retries.c.id == index_retry_outcomes.c.retry_id)
        .where(index_retries.c.log_index == index_deliveries.c.log_index)
        .order_by(index_retries.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    return (
        (index_deliveries.c.outcome == REJECTED)
        & ~_open_retry(index_deliveries.c.log_index)
        & (func.coalesce(latest_retry_outcome, REJECTED) == REJECTED)
    )


def count_rejected(session: Session) -> int:
    """How many feed entries the registry refused for good (and not delivered since)."""
    statement = select(func.count()).select_from(index_deliveries).where(_rejected_now())
    return int(session.execute(statement).scalar_one())


def _rejections() -> Any:
    # Every rejection records an attempt, and a rejected entry is not tried again
    # unless retried: its latest attempt is its latest rejection.
    latest = (
        select(
            index_delivery_attempts.c.log_index,
            func.max(index_delivery_attempts.c.id).label("attempt_id"),
        )
        .group_by(index_delivery_attempts.c.log_index)
        .subquery()
    )
    return (
        select(
            index_deliveries.c.log_index,
            log_entries.c.entry_type,
            log_entries.c.declaration_id,
            log_entries.c.version,
            index_delivery_attempts.c.attempted_at,
            index_delivery_attempts.c.error,
        )
        .join(log_entries, log_entries.c.index == index_deliveries.c.log_index)
        .join(latest, latest.c.log_index == index_deliveries.c.log_index)
        .join(index_delivery_attempts, index_delivery_attempts.c.id == latest.c.attempt_id)
        .where(_rejected_now())
    )


def _rejected_entry(row: Any) -> RejectedEntry:
    return RejectedEntry(
        log_index=int(row[0]),
        entry_type=str(row[1]),
        declaration_id=str(row[2]),
        version=row[3],
        rejected_at=assume_utc(row[4]),
        error=str(row[5]),
    )


def rejected_entries(session: Session, *, after: int | None, limit: int) -> list[RejectedEntry]:
    """Rejected entries in log order, those after log index ``after`` (keyset), with the
    registry's answer."""
    statement = _rejections().order_by(index_deliveries.c.log_index).limit(limit)
    if after is not None:
        statement = statement.where(index_deliveries.c.log_index > after)
    return [_rejected_entry(row) for row in session.execute(statement).all()]


def last_rejection(session: Session) -> RejectedEntry | None:
    """The entry the registry refused most recently, if any."""
    statement = _rejections().order_by(index_delivery_attempts.c.id.desc())
    row = session.execute(statement.limit(1)).first()
    return _rejected_entry(row) if row else None


def request_retries(
    session: Session,
    *,
    log_indexes: list[int] | None,
    requested_by: str,
    reason: str | None,
    now: datetime,
) -> list[int]:
    """Ask for rejected entries to be delivered again: those of ``log_indexes`` that are
    rejected now (every rejected entry when None). Returns the log indexes asked for."""
    statement = select(index_deliveries.c.log_index).where(_rejected_now())
    if log_indexes is not None:
        statement = statement.where(index_deliveries.c.log_index.in_(log_indexes))
    statement = statement.order_by(index_deliveries.c.log_index)
    retried = [int(row[0]) for row in session.execute(statement).all()]
    rows = [
        {"log_index": index, "requested_at": now, "requested_by": requested_by, "reason": reason}
        for index in retried
    ]
    for start in range(0, len(rows), 1000):
        session.execute(insert(index_retries), rows[start : start + 1000])
    return retried
