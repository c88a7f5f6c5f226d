"""Two creates of the same organisation or community: one wins, the other is a 409
problem with the code a plain duplicate gets, never a unique-key error (500).

The race needs two transactions that both look before either commits. SQLite
cannot have it (writers take the lock at BEGIN, one at a time), so the race runs
on PostgreSQL; the mapping of a failed insert runs on both databases.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session

from services.auth.actors import Actor
from services.auth.communities import repository as communities_repository
from services.auth.communities import service as communities
from services.auth.communities.schemas import CommunityCreate
from services.auth.models import Community, Organisation
from services.auth.organisations import repository as organisations_repository
from services.auth.organisations import service as organisations
from services.auth.organisations.schemas import OrganisationCreate
from services.common.database import make_engine
from services.common.errors import Conflict
from services.common.tables import utcnow
from services.embedded import EmbeddedSettings

ACTOR = Actor(actor="test")
Create = Callable[[Session], object]


def _create_organisation(session: Session) -> object:
    data = OrganisationCreate(type="member_state", code="SEN", name="Sénégal")
    return organisations.create_organisation(session=session, data=data, actor=ACTOR, now=utcnow())


def _create_community(session: Session) -> object:
    data = CommunityCreate(code="AES", name="Alliance des États du Sahel")
    return communities.create_community(session=session, data=data, actor=ACTOR, now=utcnow())


CREATES: dict[str, tuple[Create, str]] = {
    "organisation": (_create_organisation, "organisation_exists"),
    "community": (_create_community, "community_exists"),
}


@pytest.fixture
def engine(register_settings: EmbeddedSettings) -> Iterator[Engine]:
    engine = make_engine(register_settings.auth.resolved_database_url())
    yield engine
    engine.dispose()


def _wait_until_a_session_waits_on_a_lock(engine: Engine) -> None:
    query = text(
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with engine.connect() as connection:
            if connection.execute(query).scalar_one():
                return
        time.sleep(0.02)
    pytest.fail("the second create never waited on the first one's key")


@pytest.mark.parametrize("kind", sorted(CREATES))
def test_concurrent_creates_give_one_record_and_one_conflict(engine: Engine, kind: str) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite takes one writer at a time: the race needs PostgreSQL")
    create, code = CREATES[kind]
    outcome: list[object] = []

    def second_create() -> None:
        with Session(engine, expire_on_commit=False) as session:
            try:
                create(session)
                session.commit()
                outcome.append("created")
            except Conflict as exc:
                outcome.append(exc.instance_code)
            except Exception as exc:  # what the test is about: report, do not hide
                outcome.append(exc)

    with Session(engine, expire_on_commit=False) as first:
        create(first)  # inserted, not committed: the second one sees no row yet
        racer = threading.Thread(target=second_create)
        racer.start()
        try:
            _wait_until_a_session_waits_on_a_lock(engine)
        finally:
            first.commit()
            racer.join(timeout=60)
    assert outcome == [code]


def test_an_insert_over_a_taken_organisation_code_reports_it_and_keeps_the_session_usable(
    engine: Engine,
) -> None:
    with Session(engine, expire_on_commit=False) as session:
        _create_organisation(session)
        session.commit()
    with Session(engine, expire_on_commit=False) as session:
        taken = Organisation(code="SEN", type="member_state", name="again", created_at=utcnow())
        assert organisations_repository.add_new(session, taken) is False
        other = Organisation(code="CIV", type="member_state", name="CIV", created_at=utcnow())
        assert organisations_repository.add_new(session, other) is True
        session.commit()
    with Session(engine) as session:
        assert organisations_repository.get(session, "CIV") is not None
        first = organisations_repository.get(session, "SEN")
        assert first is not None
        assert first.name == "Sénégal"


def test_an_insert_over_a_taken_community_code_reports_it_and_keeps_the_session_usable(
    engine: Engine,
) -> None:
    with Session(engine, expire_on_commit=False) as session:
        _create_community(session)
        session.commit()
    with Session(engine, expire_on_commit=False) as session:
        assert communities_repository.add_new(session, Community(code="AES", name="x")) is False
        assert communities_repository.add_new(session, Community(code="UEMOA", name="y")) is True
        session.commit()
    with Session(engine) as session:
        assert communities_repository.get(session, "UEMOA") is not None
        first = communities_repository.get(session, "AES")
        assert first is not None
        assert first.name == "Alliance des États du Sahel"
