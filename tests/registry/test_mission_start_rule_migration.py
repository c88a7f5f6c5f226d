"""registry0028 applies registry0012's rule for start dates (the date the mandate began,
not a later transfer of authority) to the one seed that broke it: MISCA, seeded on the day
it took over from MICOPAX, starts on the day the AU Peace and Security Council established
it. The change is in the reference trail with its reason; downgrading restores the seed."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, inspect, select

from services.common import migrations
from services.registry.models.handles import missions, reference_changes
from tests.support.auth_fixtures import AuthApi
from tests.support.responses import assert_status


def test_miscas_start_moves_to_its_establishing_decision_and_back_with_the_trail(
    empty_database_url: str,
) -> None:
    migrations.upgrade("registry", empty_database_url, "registry0025")
    engine = create_engine(empty_database_url)
    misca = select(missions.c.start_date, missions.c.note).where(missions.c.code == "MISCA")
    trail = select(
        reference_changes.c.actor,
        reference_changes.c.key,
        reference_changes.c.before,
        reference_changes.c.after,
    ).order_by(reference_changes.c.id)
    try:
        with engine.connect() as connection:
            seeded = connection.execute(misca).one()
            others = dict(connection.execute(select(missions.c.code, missions.c.start_date)).all())
        assert seeded.start_date == date(2013, 12, 19)

        migrations.upgrade("registry", empty_database_url, "registry0028")
        with engine.connect() as connection:
            moved = connection.execute(misca).one()
            after = dict(connection.execute(select(missions.c.code, missions.c.start_date)).all())
            (entry,) = connection.execute(trail).all()
            reason = connection.execute(select(reference_changes.c.reason)).scalar_one()
        assert moved.start_date == date(2013, 7, 19)
        assert "19 December 2013" in moved.note
        assert "check" in moved.note
        # Only MISCA moves: the other seeds follow the rule or are not known to the day.
        assert {code for code in others if others[code] != after[code]} == {"MISCA"}
        assert (entry.actor, entry.key) == ("migration registry0028", "MISCA")
        assert (entry.before["start_date"], entry.after["start_date"]) == (
            "2013-12-19",
            "2013-07-19",
        )
        assert "transfer of authority" in reason

        migrations.downgrade("registry", empty_database_url, "registry0025")
        with engine.connect() as connection:
            restored = connection.execute(misca).one()
            entries = connection.execute(trail).all()
        assert (restored.start_date, restored.note) == (seeded.start_date, seeded.note)
        # The trail is insert-only: the way back is a second entry, not an erasure.
        assert [(e.before["start_date"], e.after["start_date"]) for e in entries] == [
            ("2013-12-19", "2013-07-19"),
            ("2013-07-19", "2013-12-19"),
        ]
        columns = {c["name"] for c in inspect(engine).get_columns("reference_changes")}
        assert "reason" not in columns
        migrations.upgrade("registry", empty_database_url)
    finally:
        engine.dispose()


def test_a_start_an_operator_already_corrected_is_left_as_it_is(
    empty_database_url: str,
) -> None:
    migrations.upgrade("registry", empty_database_url, "registry0025")
    engine = create_engine(empty_database_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                missions.update()
                .where(missions.c.code == "MISCA")
                .values(start_date=date(2013, 8, 1))
            )
        migrations.upgrade("registry", empty_database_url)
        with engine.connect() as connection:
            start = connection.execute(
                select(missions.c.start_date).where(missions.c.code == "MISCA")
            ).scalar_one()
            written = connection.execute(select(reference_changes.c.id)).all()
        assert (start, written) == (date(2013, 8, 1), [])
    finally:
        engine.dispose()


def test_the_trail_shows_why_misca_starts_when_it_does(
    client: TestClient, auth_api: AuthApi
) -> None:
    read = client.get("/registry/v1/missions/MISCA", headers=auth_api.member_state_headers("CAF"))
    assert assert_status(read, 200)["start_date"] == "2013-07-19"
    changes = client.get(
        "/registry/v1/reference/changes",
        params={"entity": "mission", "key": "MISCA"},
        headers=auth_api.secretariat_headers("ECCAS"),
    )
    (entry,) = assert_status(changes, 200)["items"]
    assert entry["actor"] == "migration registry0028"
    assert entry["reason"].startswith("registry0012's rule for start dates")
