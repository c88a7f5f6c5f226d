"""Parallel writers: log indices stay gap-free and every checkpoint stays consistent."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import select

from services.common.database import make_engine, write_session
from services.declarations.log import repository
from services.declarations.log import service as log
from services.declarations.log.fixity import check_fixity
from services.declarations.log.keys import load_signer
from services.declarations.log.service import LogContext
from services.declarations.models import declaration_versions, log_entries
from services.declarations.settings import DeclarationsSettings
from tests.declarations.support import Callers, declaration

URL = "/declarations/v1/declarations"


def test_parallel_declarations_get_gap_free_log_indices(
    client: TestClient, callers: Callers
) -> None:
    headers = callers.state("SEN")

    def declare(_: int) -> int:
        response = client.post(URL, json=declaration(), headers=headers)
        assert response.status_code == 201, response.text
        return int(response.json()["log_index"])

    with ThreadPoolExecutor(max_workers=8) as pool:
        indices = list(pool.map(declare, range(48)))
    assert sorted(indices) == list(range(48))
    size = int(client.get("/declarations/v1/log/checkpoint").text.split("\n")[1])
    assert size == 48


def test_parallel_appenders_on_separate_connections_leave_a_sound_tree(
    declarations_settings: DeclarationsSettings,
) -> None:
    context = LogContext(
        signer=load_signer(declarations_settings), origin=declarations_settings.log_origin
    )
    engine = make_engine(declarations_settings.resolved_database_url())

    def append_batch(worker: int) -> list[int]:
        landed = []
        for round_ in range(10):
            with write_session(engine) as session:
                now = datetime.now(UTC)
                entries = [
                    log.make_entry("fixity", now, worker=worker, round=round_, n=n)
                    for n in range(1 + (worker + round_) % 3)
                ]
                landed += [
                    a.index for a in log.append(session, log=context, entries=entries, now=now)
                ]
                session.commit()
        return landed

    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            indices = sorted(i for batch in pool.map(append_batch, range(8)) for i in batch)
        assert indices == list(range(len(indices)))
        with write_session(engine) as session:
            assert repository.log_size(session) == len(indices)
            assert check_fixity(session, log=context).ok
            assert session.execute(select(log_entries.c.index)).all()
            assert not session.execute(select(declaration_versions)).all()
    finally:
        engine.dispose()
