"""Queries of the webhooks API: an organisation's endpoints and their delivery log."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from services.common.pagination import PageParams, paginate
from services.registry.models import WebhookDelivery, WebhookEndpoint
from services.registry.models.handles import webhook_deliveries, webhook_endpoints


def list_endpoints(
    session: Session, *, org: str, params: PageParams
) -> tuple[list[WebhookEndpoint], str | None]:
    """A page of the organisation's endpoints, oldest first."""
    t = webhook_endpoints
    rows, cursor = paginate(
        session,
        select(WebhookEndpoint).where(t.c.org == org),
        key=[t.c.created_at, t.c.id],
        params=params,
        key_of=lambda row: [row[0].created_at, row[0].id],
    )
    return [row[0] for row in rows], cursor


def endpoint_of(session: Session, *, org: str, endpoint_id: str) -> WebhookEndpoint | None:
    """The endpoint if it belongs to ``org``."""
    t = webhook_endpoints
    statement = select(WebhookEndpoint).where(t.c.id == endpoint_id, t.c.org == org)
    return session.execute(statement).scalars().first()


def list_deliveries(
    session: Session, *, endpoint_id: str, params: PageParams
) -> tuple[list[WebhookDelivery], str | None]:
    """A page of the endpoint's delivery log, oldest first (the order of delivery)."""
    d = webhook_deliveries
    rows, cursor = paginate(
        session,
        select(WebhookDelivery).where(d.c.endpoint_id == endpoint_id),
        key=[d.c.id],
        params=params,
        key_of=lambda row: [row[0].id],
    )
    return [row[0] for row in rows], cursor
