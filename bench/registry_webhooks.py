"""Webhooks bench (issue 17): 10,000 alerts of one large seizure delivered to a local
receiver, and what writing their events costs the seizure's own transaction.

On a fresh, migrated registry database per repetition (SQLite unless BENCH_SQLITE=0,
then PostgreSQL when ``TEST_POSTGRES_URL`` is set), with one active endpoint of the
contributing state subscribed to ``alert.raised`` and a real HTTP receiver on
127.0.0.1 (answering 204), prints as medians with their spread:

- outbox writes: ``BENCH_ALERTS`` (default 10,000) ``alert.raised`` events with the
  grants of a diversion, written by ``notifications.emit_alert_raised`` in one
  transaction, as the seizure's delivery writes them beside its alerts; timed to the
  commit. This is all a declaration's request pays for notifications: delivery never
  happens on the request path.
- drain: the delivery worker's passes (fan-out, then signed POSTs in order) from the
  commit until the receiver has every event; the issue asks for under 60 s.

Figures only, no assertions (a run whose receiver misses an event is printed as failed).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

import httpx

from services.common import migrations
from services.common.database import make_engine, write_transaction
from services.registry.models import WebhookEndpoint
from services.registry.notifications import emit_alert_raised, signing
from services.registry.notifications.worker import Worker
from services.registry.settings import RegistrySettings

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _common import REPEAT, header, spread

from tests.registry.webhook_receiver import Receiver


class CountingReceiver:
    """The test receiver in a process of its own (not sharing the worker's GIL), counting
    what it received."""

    def __init__(self) -> None:
        self.count = multiprocessing.Value("i", 0)
        self.ready = multiprocessing.Event()
        self.port = multiprocessing.Value("i", 0)
        self.process = multiprocessing.Process(target=self._serve, daemon=True)
        self.process.start()
        self.ready.wait(30)

    def _serve(self) -> None:
        receiver = Receiver()
        receiver.start()
        self.port.value = receiver.port
        self.ready.set()
        while True:
            time.sleep(0.01)
            self.count.value = len(receiver.received)

    @property
    def received(self) -> int:
        return int(self.count.value)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port.value}{path}"

    def stop(self) -> None:
        self.process.terminate()
        self.process.join()


ALERTS = int(os.environ.get("BENCH_ALERTS", "10000"))


def _write_events(url: str) -> float:
    engine = make_engine(url)
    started = time.perf_counter()
    with write_transaction(engine) as session:
        for index in range(ALERTS):
            emit_alert_raised(
                session,
                alert={
                    "id": str(uuid.uuid4()),
                    "kind": "diversion",
                    "status": "open",
                    "summary": f"Seizure by NER: weapon {index} matches SEN's",
                    "country": "SEN",
                    "mission_code": "MINUSMA",
                    "declaration_id": "decl-bench",
                    "record_date": date(2024, 5, 10),
                    "evidence": {
                        "declaration": {
                            "declaration_id": "decl-bench",
                            "type": "seizure",
                            "declaring_country": "NER",
                            "event_date": "2024-05-10",
                        },
                        "item_index": index,
                    },
                    "created_at": None,
                    "updated_at": None,
                },
                audience=[("SEN", date(2024, 5, 10), False), ("NER", date(2024, 5, 10), True)],
                every_audience=False,
            )
    elapsed = time.perf_counter() - started
    engine.dispose()
    return elapsed


def _add_endpoint(url: str, receiver: CountingReceiver) -> None:
    engine = make_engine(url)
    endpoint_id = str(uuid.uuid4())
    with write_transaction(engine) as session:
        session.add(
            WebhookEndpoint(
                id=endpoint_id,
                org="SEN",
                org_type="member_state",
                country="SEN",
                periods=[],
                url=receiver.url("/bench"),
                events=["alert.raised"],
                secret_sealed=signing.seal(signing.new_secret(), key=None, endpoint_id=endpoint_id),
                created_by="bench",
                created_by_type="client",
            )
        )
    engine.dispose()


async def _drain(url: str, receiver: CountingReceiver) -> float:
    engine = make_engine(url)
    settings = RegistrySettings(database_url=url, webhooks_allow_private=True)
    started = time.perf_counter()
    async with httpx.AsyncClient(timeout=10, follow_redirects=False, trust_env=False) as http:
        worker = Worker(engine=engine, settings=settings, client=http)
        deadline = started + 600
        while receiver.received < ALERTS and time.perf_counter() < deadline:
            await worker.run_pass()
    elapsed = time.perf_counter() - started
    engine.dispose()
    return elapsed


def main() -> None:
    databases: list[str] = []
    work = Path(tempfile.mkdtemp(prefix="bench-webhooks-"))
    if os.environ.get("BENCH_SQLITE", "1") != "0":
        databases.append("sqlite")
    if os.environ.get("TEST_POSTGRES_URL"):
        databases.append("postgresql")
    header("registry_webhooks", [f"sqlite:///{work / 'probe.db'}"], scale=f"{ALERTS} alerts")
    for backend in databases:
        writes: list[float] = []
        drains: list[float] = []
        for run in range(REPEAT):
            if backend == "sqlite":
                url = f"sqlite:///{work / f'registry-{run}.db'}"
            else:
                from sqlalchemy import create_engine, text
                from sqlalchemy.engine import make_url

                base = os.environ["TEST_POSTGRES_URL"]
                name = f"bench_webhooks_{uuid.uuid4().hex[:8]}"
                admin = create_engine(base, isolation_level="AUTOCOMMIT")
                with admin.connect() as connection:
                    connection.execute(text(f'CREATE DATABASE "{name}"'))
                admin.dispose()
                url = make_url(base).set(database=name).render_as_string(hide_password=False)
            migrations.upgrade("registry", url)
            receiver = CountingReceiver()
            try:
                _add_endpoint(url, receiver)
                writes.append(_write_events(url))
                drained = asyncio.run(_drain(url, receiver))
                time.sleep(0.05)  # the receiver's count catches up
                if receiver.received == ALERTS:
                    drains.append(drained)
                else:
                    print(f"  failed run: {receiver.received} of {ALERTS} delivered")
            finally:
                receiver.stop()
        label = f"outbox writes of {ALERTS} alert.raised in one transaction"
        print(f"{backend}: {label}: {spread(writes)}")
        print(f"{backend}: drain, commit to the receiver's last event: {spread(drains)}")


if __name__ == "__main__":
    main()
