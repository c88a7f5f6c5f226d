"""Queries on missions."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func
from sqlmodel import Session, select

from services.common.pagination import PageParams, paginate
from services.registry.models import Mission
from services.registry.models.handles import manifests, missions


def get_mission(session: Session, code: str) -> Mission | None:
    """The mission with this code, or None."""
    return session.get(Mission, code)


def list_missions(
    session: Session, *, params: PageParams, authority: str | None
) -> tuple[list[Mission], str | None]:
    """One page of missions ordered by code."""
    statement = select(Mission)
    if authority is not None:
        statement = statement.where(Mission.authority == authority)
    rows, cursor = paginate(
        session,
        statement,
        key=[missions.c.code],
        params=params,
        key_of=lambda row: [row[0].code],
    )
    return [row[0] for row in rows], cursor


def add_mission(session: Session, mission: Mission) -> None:
    """Stage a new or changed mission (the request boundary commits)."""
    session.add(mission)
    session.flush()


# tenancy: rule of missions/service.py update_mission (mission's authority): one date, no record
def latest_crossing(session: Session, code: str) -> date | None:
    """The latest crossing date any manifest of the mission records, or None."""
    latest: date | None = session.execute(
        select(func.max(manifests.c.crossing_date)).where(manifests.c.mission_code == code)
    ).scalar_one()
    return latest
