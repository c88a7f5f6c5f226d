"""Queries on communities and memberships."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlmodel import Session, col, select

from services.auth.models import Community, CommunityMembership
from services.auth.tables import check_cursor, sort_key
from services.common.database import insert_unless_exists
from services.common.pagination import PageParams, paginate


def get(session: Session, code: str) -> Community | None:
    """One community by code."""
    return session.get(Community, code)


def add_new(session: Session, community: Community) -> bool:
    """Insert ``community``; False when its code is taken (concurrent creates included)."""
    return insert_unless_exists(
        session, community, exists=lambda: get(session, community.code) is not None
    )


def page(session: Session, *, params: PageParams) -> tuple[list[Community], str | None]:
    """Communities by code after the cursor."""
    check_cursor(params.cursor, str)
    rows, cursor = paginate(
        session,
        select(Community),
        key=sort_key(Community.code),
        params=params,
        key_of=lambda row: [row[0].code],
    )
    return [row[0] for row in rows], cursor


def memberships_of(session: Session, codes: Sequence[str]) -> dict[str, list[CommunityMembership]]:
    """Memberships of the given communities, by community, ordered by country and date."""
    statement = (
        select(CommunityMembership)
        .where(col(CommunityMembership.community).in_(codes))
        .order_by(
            col(CommunityMembership.country),
            col(CommunityMembership.joined_on),
            col(CommunityMembership.id),
        )
    )
    grouped: dict[str, list[CommunityMembership]] = defaultdict(list)
    for membership in session.exec(statement):
        grouped[membership.community].append(membership)
    return grouped


def membership(session: Session, community: str, membership_id: int) -> CommunityMembership | None:
    """One membership of a community."""
    found = session.get(CommunityMembership, membership_id)
    return found if found is not None and found.community == community else None


def periods_of_country(
    session: Session, community: str, country: str
) -> Sequence[CommunityMembership]:
    """Every membership period of ``country`` in ``community``."""
    statement = select(CommunityMembership).where(
        col(CommunityMembership.community) == community,
        col(CommunityMembership.country) == country,
    )
    return session.exec(statement).all()
