"""Regional communities and their dated memberships (editable: they change over decades)."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session

from services.auth.actors import Actor
from services.auth.audit import service as audit
from services.auth.communities import repository
from services.auth.communities.schemas import (
    CommunityCreate,
    CommunityOut,
    MembershipCreate,
    MembershipOut,
    MembershipUpdate,
)
from services.auth.models import Community, CommunityMembership
from services.common.countries import is_alpha3
from services.common.errors import Conflict, NotFound, ValidationFailed
from services.common.pagination import PageParams


def membership_out(m: CommunityMembership) -> MembershipOut:
    """The public view of a membership."""
    assert m.id is not None
    return MembershipOut(id=m.id, country=m.country, joined=m.joined_on, left=m.left_on)


def list_communities(
    *, session: Session, params: PageParams
) -> tuple[list[CommunityOut], str | None]:
    """A page of communities, each with every membership period."""
    communities, cursor = repository.page(session, params=params)
    grouped = repository.memberships_of(session, [c.code for c in communities])
    items = [
        CommunityOut(
            code=c.code,
            name=c.name,
            memberships=[membership_out(m) for m in grouped.get(c.code, [])],
        )
        for c in communities
    ]
    return items, cursor


def get_community(*, session: Session, code: str) -> CommunityOut:
    """One community with its memberships (404 when unknown)."""
    community = _community(session, code)
    grouped = repository.memberships_of(session, [community.code])
    memberships = [membership_out(m) for m in grouped.get(community.code, [])]
    return CommunityOut(code=community.code, name=community.name, memberships=memberships)


def _community(session: Session, code: str) -> Community:
    community = repository.get(session, code.upper())
    if community is None:
        raise NotFound(f"No community {code}")
    return community


def create_community(
    *, session: Session, data: CommunityCreate, actor: Actor, now: datetime
) -> CommunityOut:
    """Add a community (409 ``community_exists`` when the code is taken, also by a
    concurrent create)."""
    if not repository.add_new(session, Community(code=data.code, name=data.name.strip())):
        raise Conflict(f"A community {data.code} exists", code="community_exists")
    audit.record(
        session=session,
        actor=actor,
        event="community.created",
        subject=data.code,
        now=now,
        details={"name": data.name.strip()},
    )
    return CommunityOut(code=data.code, name=data.name.strip(), memberships=[])


def _check_period(
    session: Session,
    *,
    community: str,
    country: str,
    joined: date,
    left: date | None,
    ignore_id: int | None = None,
) -> None:
    problems = []
    if not is_alpha3(country):
        problems.append({"loc": "country", "msg": "not an ISO 3166-1 alpha-3 code"})
    if left is not None and left <= joined:
        problems.append({"loc": "left", "msg": "must be after joined"})
    if problems:
        raise ValidationFailed(problems)
    for other in repository.periods_of_country(session, community, country):
        if other.id == ignore_id:
            continue
        overlaps = (other.left_on is None or joined < other.left_on) and (
            left is None or other.joined_on < left
        )
        if overlaps:
            raise Conflict(
                f"{country} already has a membership of {community} overlapping that period",
                code="membership_overlap",
            )


def add_membership(
    *, session: Session, code: str, data: MembershipCreate, actor: Actor, now: datetime
) -> MembershipOut:
    """Record a membership period (no overlap with another period of the same state)."""
    community = _community(session, code)
    country = data.country.upper()
    _check_period(
        session, community=community.code, country=country, joined=data.joined, left=data.left
    )
    membership = CommunityMembership(
        community=community.code, country=country, joined_on=data.joined, left_on=data.left
    )
    session.add(membership)
    session.flush()
    out = membership_out(membership)
    audit.record(
        session=session,
        actor=actor,
        event="membership.added",
        subject=community.code,
        now=now,
        details=out.model_dump(mode="json"),
    )
    return out


def update_membership(
    *,
    session: Session,
    code: str,
    membership_id: int,
    data: MembershipUpdate,
    actor: Actor,
    now: datetime,
) -> MembershipOut:
    """Correct a period, or record that a state left (``left``) or rejoined (``left: null``)."""
    community = _community(session, code)
    membership = repository.membership(session, community.code, membership_id)
    if membership is None:
        raise NotFound(f"No membership {membership_id} in {community.code}")
    before = membership_out(membership).model_dump(mode="json")
    sent = data.model_fields_set
    country = data.country.upper() if "country" in sent and data.country else membership.country
    joined = data.joined if "joined" in sent and data.joined else membership.joined_on
    left = data.left if "left" in sent else membership.left_on
    _check_period(
        session,
        community=community.code,
        country=country,
        joined=joined,
        left=left,
        ignore_id=membership.id,
    )
    membership.country, membership.joined_on, membership.left_on = country, joined, left
    out = membership_out(membership)
    audit.record(
        session=session,
        actor=actor,
        event="membership.changed",
        subject=community.code,
        now=now,
        details={"before": before, "after": out.model_dump(mode="json")},
    )
    return out


def delete_membership(
    *, session: Session, code: str, membership_id: int, actor: Actor, now: datetime
) -> None:
    """Remove a period entered by mistake (to record a departure, set ``left`` instead)."""
    community = _community(session, code)
    membership = repository.membership(session, community.code, membership_id)
    if membership is None:
        raise NotFound(f"No membership {membership_id} in {community.code}")
    details = membership_out(membership).model_dump(mode="json")
    session.delete(membership)
    audit.record(
        session=session,
        actor=actor,
        event="membership.deleted",
        subject=community.code,
        now=now,
        details=details,
    )
