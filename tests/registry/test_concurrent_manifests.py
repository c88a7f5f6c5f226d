"""Concurrent writers on PostgreSQL: the in/out rules and diversion matching hold when two
transactions race (SQLite has one writer at a time, so there is no race to lose there).

The first transaction does its work and stays open; the second runs in a thread until it
waits on a lock (seen in ``pg_locks``, not guessed from the clock) or ends; then the
first commits, and the second must have seen its rows. Writers of two different
contingents must not wait for each other at all.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from pydantic import TypeAdapter
from sqlalchemy import Engine, text
from sqlmodel import Session

from services.common.database import make_engine
from services.common.errors import ValidationFailed
from services.common.security import Principal
from services.registry.index.schemas import DeclarationDelivery
from services.registry.index.service import ingest_declaration
from services.registry.loss_reports.schemas import LossReportCreate
from services.registry.loss_reports.service import create_loss_report
from services.registry.manifests.drafts import ManifestDraft
from services.registry.manifests.schemas import ManifestHeader, ManifestItemIn
from services.registry.manifests.service import create_manifest
from tests.conftest import BACKEND
from tests.registry.factories import declared_weapon, delivery, weapon
from tests.support.declarations_log import TEST_LOG_SIGNER

pytestmark = pytest.mark.skipif(
    BACKEND != "postgresql", reason="PostgreSQL only: SQLite serializes writers"
)

SEN = Principal(
    client_id="sen-client",
    org="SEN",
    org_type="member_state",
    country="SEN",
    community=None,
    scopes=frozenset({"manifests:write"}),
    token_id="t-sen",
)
RELAY = Principal(
    client_id="relay",
    org="OPERATOR",
    org_type="operator",
    country=None,
    community=None,
    scopes=frozenset({"index:write"}),
    token_id="t-relay",
)
GIVE_UP_AFTER_SECONDS = 60  # a safety net for a hung test, not an assertion on time


@pytest.fixture
def engine(database_urls: dict[str, str]) -> Iterator[Engine]:
    made = make_engine(database_urls["registry"])
    yield made
    made.dispose()


def _post_in(
    session: Session,
    serial: str,
    *,
    mission: str = "MINUSCA",
    direction: str = "in",
    crossing_date: date = date(2023, 2, 1),
    count: int = 1,
) -> None:
    header = ManifestHeader.model_validate(
        {
            "direction": direction,
            "mission": mission,
            "contributing_country": "SEN",
            "unit": "SENBATT 7",
            "crossing_date": crossing_date,
        }
    )
    serials = [serial] if count == 1 else [f"{serial}-{n:05d}" for n in range(count)]
    items = TypeAdapter(list[ManifestItemIn]).validate_python([weapon(s) for s in serials])
    create_manifest(
        session=session, principal=SEN, draft=ManifestDraft(header=header, items=list(items))
    )


def _race(engine: Engine, first: Callable[[Session], Any], second: Callable[[Session], Any]) -> Any:
    """Run ``first`` in an open transaction and ``second`` in a thread until it waits on a
    lock (or ends, having raced past), commit ``first``, and return what ``second``
    returned or raised."""
    outcome: dict[str, Any] = {}

    def run_second() -> None:
        with Session(engine, expire_on_commit=False) as session:
            try:
                outcome["value"] = second(session)
                session.commit()
            except Exception as exc:  # handed back to the test
                session.rollback()
                outcome["value"] = exc

    with Session(engine, expire_on_commit=False) as holder:
        first(holder)
        thread = threading.Thread(target=run_second)
        thread.start()
        deadline = time.monotonic() + GIVE_UP_AFTER_SECONDS
        with engine.connect() as watcher:
            while thread.is_alive() and not _someone_waits_on_a_lock(watcher):
                assert time.monotonic() < deadline, "the second writer neither waited nor ended"
                time.sleep(0.05)
        holder.commit()
    thread.join(GIVE_UP_AFTER_SECONDS)
    return outcome["value"]


def _someone_waits_on_a_lock(connection: Any, locktype: str | None = "advisory") -> bool:
    """Is a lock (of ``locktype``; None: of any type) of this database waited for?"""
    waiting = connection.execute(
        text(
            "SELECT count(*) FROM pg_locks"
            " WHERE NOT granted AND (CAST(:locktype AS text) IS NULL OR locktype = :locktype)"
            " AND (database IS NULL"
            " OR database = (SELECT oid FROM pg_database WHERE datname = current_database()))"
        ),
        {"locktype": locktype},
    ).scalar_one()
    connection.rollback()
    return bool(waiting)


def test_two_concurrent_manifests_in_of_one_weapon_cannot_both_pass(engine: Engine) -> None:
    refused = _race(
        engine,
        lambda session: _post_in(session, "RACE-1"),
        lambda session: _post_in(session, "race 1"),
    )
    assert isinstance(refused, ValidationFailed), refused
    assert "already in MINUSCA" in refused.extra["errors"][0]["msg"]


def test_a_manifest_racing_the_matching_seizure_still_raises_the_diversion(
    engine: Engine,
) -> None:
    def index_seizure(session: Session) -> None:
        body = DeclarationDelivery.model_validate(delivery([declared_weapon(0, "56 OOOO123")]))
        result = ingest_declaration(
            session=session, principal=RELAY, delivery=body, log_verifier=TEST_LOG_SIGNER.verifier
        )
        assert result.alerts == 0  # no manifest yet

    _race(engine, index_seizure, lambda session: _post_in(session, "56-0000123", mission="MINUSMA"))
    with engine.connect() as connection:
        kinds = connection.execute(text("SELECT kind FROM alerts")).scalars().all()
    assert kinds == ["diversion"]


def test_a_loss_report_racing_the_weapons_out_manifest_cannot_overdraw_it(
    engine: Engine,
) -> None:
    with Session(engine) as session:
        _post_in(session, "LOST-1")
        session.commit()

    def report_lost(session: Session) -> None:
        report = LossReportCreate.model_validate(
            {
                "mission": "MINUSCA",
                "contributing_country": "SEN",
                "loss_type": "stolen",
                "loss_date": "2024-03-01",
                "place": "Bambari",
                "circumstances": "taken from the armoury",
                "items": [{"kind": "weapon", "serial_number": "LOST-1"}],
            }
        )
        create_loss_report(session=session, principal=SEN, payload=report)

    refused = _race(
        engine,
        lambda session: _post_in(
            session, "LOST-1", direction="out", crossing_date=date(2024, 2, 1)
        ),
        report_lost,
    )
    assert isinstance(refused, ValidationFailed), refused
    assert "more than the contingent holds" in refused.extra["errors"][0]["msg"]


# Large enough that the upload used to run ANALYZE in its transaction (>= 1,000 rows).
LARGE_UPLOAD = 1000


def test_a_large_upload_of_another_contingent_completes_while_one_stays_open(
    engine: Engine,
) -> None:
    """Uploads of two contingents do not serialize: the second commits while the first's
    transaction is still open. The first one's ANALYZE used to hold a lock on
    manifest_items until its commit, and every other upload's ANALYZE waited for it."""
    outcome: dict[str, Any] = {}

    def second_upload() -> None:
        with Session(engine) as session:
            try:
                _post_in(session, "MNS", mission="MINUSMA", count=LARGE_UPLOAD)
                session.commit()
                outcome["value"] = "stored"
            except Exception as exc:  # handed back to the test
                outcome["value"] = exc

    with Session(engine) as holder:
        _post_in(holder, "MNC", mission="MINUSCA", count=LARGE_UPLOAD)  # stays uncommitted
        thread = threading.Thread(target=second_upload)
        thread.start()
        deadline = time.monotonic() + GIVE_UP_AFTER_SECONDS
        waited = False
        with engine.connect() as watcher:
            while thread.is_alive() and not waited:
                waited = _someone_waits_on_a_lock(watcher, locktype=None)
                assert time.monotonic() < deadline, "the second upload neither waited nor ended"
                time.sleep(0.05)
        second_ended_first = not thread.is_alive()
        holder.commit()  # releases the second upload if it was waiting
    thread.join(GIVE_UP_AFTER_SECONDS)
    assert not waited, "the second upload waited on a lock the first upload held"
    assert second_ended_first
    assert outcome["value"] == "stored", outcome["value"]
    with engine.connect() as connection:
        stored = connection.execute(
            text("SELECT mission_code, count(*) FROM manifest_items GROUP BY mission_code")
        ).all()
    assert sorted(stored) == [("MINUSCA", LARGE_UPLOAD), ("MINUSMA", LARGE_UPLOAD)]
