"""Declarations bench: declarations appended per second with the log; inclusion-proof latency.

Prints:
- declarations/s through the service layer (checks, record, item index, log
  append, signed checkpoint), one transaction per declaration, from 8 threads;
- the same with 500 declarations per transaction (bulk import path);
- p50/p99 of an inclusion proof (size query + one node fetch + fold) in a log
  of ``BENCH_LOG_ENTRIES`` (default 1,000,000) entries generated directly
  through the log repository.

PostgreSQL when ``BENCH_DECLARATIONS_URL`` (a database to fill) or
``TEST_POSTGRES_URL`` (a server: a fresh database is created) is set;
otherwise a SQLite file. Figures only, no assertions.
"""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from services.common import migrations
from services.common.database import make_engine, write_session
from services.common.security import Principal
from services.common.transparency.note import generate_signer
from services.declarations.declarations import service as declarations
from services.declarations.declarations.schemas import DeclarationDocument
from services.declarations.log import service as log
from services.declarations.log.service import LogContext

ORIGIN = "bench.local/declarations"
DECLARATIONS = int(os.environ.get("BENCH_DECLARATIONS", "4000"))
LOG_ENTRIES = int(os.environ.get("BENCH_LOG_ENTRIES", "1000000"))
PRINCIPAL = Principal(
    client_id="bench",
    org="SEN",
    org_type="member_state",
    country="SEN",
    community=None,
    scopes=frozenset({"declarations:write"}),
    token_id="bench",
)


def database_url() -> str:
    if os.environ.get("BENCH_DECLARATIONS_URL"):
        return os.environ["BENCH_DECLARATIONS_URL"]
    server = os.environ.get("TEST_POSTGRES_URL")
    if server:
        name = f"bench_decl_{uuid.uuid4().hex[:8]}"
        admin = create_engine(make_url(server), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        return make_url(server).set(database=name).render_as_string(hide_password=False)
    return f"sqlite:///{Path(tempfile.mkdtemp()) / 'declarations.db'}"


def document(n: int) -> DeclarationDocument:
    return DeclarationDocument.model_validate(
        {
            "type": "seizure",
            "declaring_country": "SEN",
            "event_date": (date.today() - timedelta(days=3)).isoformat(),
            "location": {"country": "MLI", "place": "Gao", "lat": 16.2, "lon": -0.04},
            "items": [
                {
                    "kind": "weapon",
                    "category": "assault_rifle",
                    "manufacturer": "Norinco",
                    "model": "Type 56",
                    "calibre": "7.62x39",
                    "serial_number": f"B{n}-{i}",
                }
                for i in range(3)
            ],
        }
    )


def declare(engine_url: str, context: LogContext, start: int, count: int, batch: int) -> None:
    engine = make_engine(engine_url)
    try:
        for offset in range(0, count, batch):
            with write_session(engine) as session:
                for n in range(start + offset, start + min(offset + batch, count)):
                    declarations.create_declaration(
                        session,
                        principal=PRINCIPAL,
                        document=document(n),
                        mission_known=None,
                        now=datetime.now(UTC),
                        log_context=context,
                        retention_years=30,
                    )
                session.commit()
    finally:
        engine.dispose()


def bench_declarations(url: str, context: LogContext) -> None:
    threads = 8 if not url.startswith("sqlite") else 1
    per_thread = DECLARATIONS // threads
    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(
            pool.map(lambda t: declare(url, context, t * per_thread, per_thread, 1), range(threads))
        )
    elapsed = time.perf_counter() - started
    print(
        f"declarations, 1 per transaction, {threads} threads: "
        f"{per_thread * threads / elapsed:,.0f}/s ({per_thread * threads} in {elapsed:.1f} s)"
    )
    started = time.perf_counter()
    declare(url, context, 10**7, DECLARATIONS, 500)
    elapsed = time.perf_counter() - started
    print(f"declarations, 500 per transaction: {DECLARATIONS / elapsed:,.0f}/s")


def fill_log(url: str, context: LogContext) -> None:
    engine = make_engine(url)
    started = time.perf_counter()
    try:
        with write_session(engine) as session:
            size = log.repository.log_size(session)
        batch = 20_000
        while size < LOG_ENTRIES:
            count = min(batch, LOG_ENTRIES - size)
            now = datetime.now(UTC)
            entries = [
                log.make_entry(
                    "declaration_version",
                    now,
                    declaration_id=str(uuid.uuid4()),
                    version=1,
                    record_sha256=f"{size + i:064x}",
                )
                for i in range(count)
            ]
            with write_session(engine) as session:
                log.append(session, log=context, entries=entries, now=now)
                session.commit()
            size += count
    finally:
        engine.dispose()
    print(f"log filled to {LOG_ENTRIES:,} entries in {time.perf_counter() - started:.0f} s")


def bench_proofs(url: str) -> None:
    engine = make_engine(url)
    timings = []
    try:
        with write_session(engine) as session:
            size = log.repository.log_size(session)
            for _ in range(200):  # warm up
                log.inclusion_proof(session, index=random.randrange(size), tree_size=None)
            for _ in range(2000):
                index = random.randrange(size)
                started = time.perf_counter()
                log.inclusion_proof(session, index=index, tree_size=None)
                timings.append((time.perf_counter() - started) * 1000)
    finally:
        engine.dispose()
    timings.sort()
    p99 = timings[int(len(timings) * 0.99)]
    print(
        f"inclusion proof at {size:,} entries: p50 {statistics.median(timings):.2f} ms,"
        f" p99 {p99:.2f} ms"
    )


def main() -> None:
    url = database_url()
    print(f"database: {make_url(url).get_backend_name()}")
    migrations.upgrade("declarations", url)
    context = LogContext(signer=generate_signer(ORIGIN), origin=ORIGIN)
    bench_declarations(url, context)
    fill_log(url, context)
    bench_proofs(url)


if __name__ == "__main__":
    main()
