"""Queries on API clients."""

from __future__ import annotations

from sqlmodel import Session, col, select

from services.auth.models import ApiClient
from services.auth.tables import check_cursor, sort_key
from services.common.pagination import PageParams, paginate


def get(session: Session, client_id: str) -> ApiClient | None:
    """One client by id."""
    return session.get(ApiClient, client_id)


def page(
    session: Session, *, params: PageParams, organisation: str | None
) -> tuple[list[ApiClient], str | None]:
    """Clients by id after the cursor."""
    statement = select(ApiClient)
    if organisation is not None:
        statement = statement.where(col(ApiClient.organisation) == organisation)
    check_cursor(params.cursor, str)
    rows, cursor = paginate(
        session,
        statement,
        key=sort_key(ApiClient.client_id),
        params=params,
        key_of=lambda row: [row[0].client_id],
    )
    return [row[0] for row in rows], cursor
