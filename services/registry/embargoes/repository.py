"""Queries on embargoes."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import Session

from services.common.pagination import PageParams, paginate
from services.registry.models import Embargo
from services.registry.models.handles import embargoes


def add_embargo(session: Session, embargo: Embargo) -> None:
    """Stage a new embargo."""
    session.add(embargo)
    session.flush()


def get_embargo(session: Session, embargo_id: str) -> Embargo | None:
    """The embargo with ``embargo_id``, locked for the change (None if unknown)."""
    statement = select(Embargo).where(embargoes.c.id == embargo_id).with_for_update()
    return session.execute(statement).scalars().first()


def list_embargoes(
    session: Session, *, country: str | None, params: PageParams
) -> tuple[list[Embargo], str | None]:
    """A page of embargoes by country and start date."""
    t = embargoes
    statement = select(Embargo)
    if country is not None:
        statement = statement.where(t.c.country == country)
    rows, cursor = paginate(
        session,
        statement,
        # Listed-entity embargoes have no country: they sort first.
        key=[func.coalesce(t.c.country, ""), t.c.starts_on, t.c.id],
        params=params,
        key_of=lambda r: [r[0].country or "", r[0].starts_on, r[0].id],
    )
    return [r[0] for r in rows], cursor
