"""Operating the weapon-index feed: its status and an on-demand delivery pass."""

from __future__ import annotations

from sqlmodel import Session

from services.declarations.index_feed import repository
from services.declarations.index_feed.relay import IndexRelay, load_client_credentials
from services.declarations.index_feed.schemas import (
    FeedError,
    FeedPass,
    FeedRejection,
    FeedStatus,
)
from services.declarations.settings import DeclarationsSettings


def feed_status(session: Session, *, settings: DeclarationsSettings) -> FeedStatus:
    """Pending and rejected entries, the last failure and the last rejection, for operators."""
    last = repository.last_error(session)
    rejection = repository.last_rejection(session)
    return FeedStatus(
        relay_enabled=settings.index_relay_enabled,
        relay_configured=load_client_credentials(settings) is not None,
        pending=repository.count_pending(session),
        rejected=repository.count_rejected(session),
        last_error=FeedError(log_index=last[0], attempted_at=last[1], error=last[2])
        if last
        else None,
        last_rejection=FeedRejection(
            log_index=rejection.log_index,
            declaration_id=rejection.declaration_id,
            version=rejection.version,
            rejected_at=rejection.rejected_at,
            error=rejection.error,
        )
        if rejection
        else None,
    )


async def deliver_now(*, relay: IndexRelay) -> FeedPass:
    """Run one delivery pass now (after an outage, or from tests) instead of waiting."""
    report = await relay.deliver_pending()
    return FeedPass(
        delivered=report.delivered,
        rejected=report.rejected,
        failed=report.failed,
        waiting=report.waiting,
        errors=report.errors,
    )
