"""Declarations bench: declarations/s appended with the log, over HTTP; inclusion-proof latency.

Runs the real register (``regctl serve all``: auth, registry and declarations
in one uvicorn process) on PostgreSQL and drives it over HTTP with a member
state's real token, like a ministry's client would. Prints:

- single POST /declarations/v1/declarations from ``BENCH_CLIENTS`` (default
  16) concurrent clients: declarations/s (each one checked, stored, logged
  and under its own signed checkpoint);
- POST /declarations/v1/declarations/batch with 1,000 declarations a request,
  from 1 and from 2 clients: declarations/s (one checkpoint per batch);
- the batch service alone (no HTTP: checks, canonical records, bulk inserts,
  one log append, commit), to show what HTTP parsing and validation cost;
- p50/p99 of an inclusion proof in a log of ``BENCH_LOG_ENTRIES`` (default
  1,000,000) entries, generated directly through the log service.

Every declaration has 3 weapons and names a mission (MINUSMA). The weapon-
index relay is off: it delivers to the registry in the same process and is
measured with the registry. Needs ``TEST_POSTGRES_URL`` (a server where
databases can be created) or falls back to SQLite files. Figures only.
"""

from __future__ import annotations

import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from services.common import migrations
from services.common.database import make_engine, write_session
from services.common.transparency.note import generate_signer
from services.declarations.log import service as log
from services.declarations.log.service import LogContext

SINGLE = int(os.environ.get("BENCH_SINGLE", "3000"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "16"))
BATCHES = int(os.environ.get("BENCH_BATCHES", "10"))
BATCH_SIZE = 1000
LOG_ENTRIES = int(os.environ.get("BENCH_LOG_ENTRIES", "1000000"))
ORIGIN = "bench.local/declarations"
EVENT_DATE = (date.today() - timedelta(days=3)).isoformat()


def databases(work: Path, names: tuple[str, ...]) -> dict[str, str]:
    """A fresh database per name (PostgreSQL when TEST_POSTGRES_URL is set)."""
    server = os.environ.get("TEST_POSTGRES_URL")
    if not server:
        return {name: f"sqlite:///{work / f'{name}.db'}" for name in names}
    run = uuid.uuid4().hex[:8]
    admin = create_engine(make_url(server), isolation_level="AUTOCOMMIT")
    urls = {}
    with admin.connect() as connection:
        for name in names:
            connection.execute(text(f'CREATE DATABASE "bench_{run}_{name}"'))
            url = make_url(server).set(database=f"bench_{run}_{name}")
            urls[name] = url.render_as_string(hide_password=False)
    admin.dispose()
    return urls


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_register(urls: dict[str, str], work: Path, port: int) -> subprocess.Popen[bytes]:
    env = dict(os.environ, PORT=str(port), DECLARATIONS_INDEX_RELAY_ENABLED="false")
    for prefix, service in (
        ("AUTH", "auth"),
        ("REGISTRY", "registry"),
        ("DECLARATIONS", "declarations"),
    ):
        env[f"{prefix}_DATABASE_URL"] = urls[service]
        env[f"{prefix}_VAR_DIR"] = str(work)
        env[f"{prefix}_LOG_LEVEL"] = "WARNING"
    command = [sys.executable, "-m", "services.cli.main", "serve", "all", "--no-migrate"]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    for _ in range(200):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/declarations/readyz").status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    server.terminate()
    raise RuntimeError("the register did not start")


def member_state_token(base: str, work: Path) -> str:
    """A Senegal ministry client with declarations:write, made with the operator's admin client."""
    operator = json.loads((work / "credentials.json").read_text())

    def token(client_id: str, secret: str) -> str:
        form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
        response = httpx.post(f"{base}/auth/v1/token", data=form, timeout=30)
        response.raise_for_status()
        return str(response.json()["access_token"])

    admin = {"Authorization": f"Bearer {token(operator['client_id'], operator['client_secret'])}"}
    organisation = {"type": "member_state", "code": "SEN", "name": "Senegal"}
    httpx.post(f"{base}/auth/v1/organisations", json=organisation, headers=admin, timeout=30)
    client = httpx.post(
        f"{base}/auth/v1/clients",
        json={"organisation": "SEN", "name": "bench", "scopes": ["declarations:write"]},
        headers=admin,
        timeout=30,
    ).json()
    return token(client["client_id"], client["client_secret"])


def body(n: int) -> dict[str, Any]:
    weapon = {"kind": "weapon", "category": "assault_rifle", "manufacturer": "Norinco"}
    return {
        "type": "seizure",
        "declaring_country": "SEN",
        "mission": "MINUSMA",
        "event_date": EVENT_DATE,
        "location": {"country": "MLI", "place": "Gao", "lat": 16.27, "lon": -0.04},
        "items": [
            {**weapon, "model": "Type 56", "calibre": "7.62x39", "serial_number": f"B{n}-{i}"}
            for i in range(3)
        ],
    }


def bench_single(base: str, token: str) -> None:
    per_client = SINGLE // CLIENTS

    def post_many(worker: int) -> None:
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as http:
            for n in range(per_client):
                response = http.post("/declarations/v1/declarations", json=body(worker * 10**6 + n))
                assert response.status_code == 201, response.text

    post_many(99)  # warm up: JWKS, mission lookup, connection pools
    started = time.perf_counter()
    with ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(post_many, range(CLIENTS)))
    elapsed = time.perf_counter() - started
    total = per_client * CLIENTS
    print(
        f"single POST, {CLIENTS} concurrent clients: {total / elapsed:,.0f} declarations/s"
        f" ({total:,} in {elapsed:.1f} s)"
    )


def bench_batches(base: str, token: str, clients: int) -> None:
    def post_batches(worker: int) -> None:
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as http:
            for b in range(BATCHES // clients):
                first = (worker * 1000 + b) * BATCH_SIZE + 10**8
                batch = {"declarations": [body(first + n) for n in range(BATCH_SIZE)]}
                response = http.post("/declarations/v1/declarations/batch", json=batch, timeout=120)
                assert response.status_code == 201, response.text[:300]

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(post_batches, range(clients)))
    elapsed = time.perf_counter() - started
    total = (BATCHES // clients) * clients * BATCH_SIZE
    print(
        f"batch POST ({BATCH_SIZE:,} a request), {clients} client(s):"
        f" {total / elapsed:,.0f} declarations/s ({total:,} in {elapsed:.1f} s)"
    )


def bench_batch_service(url: str) -> None:
    """The batch service alone (checks, records, bulk inserts, log, commit), without HTTP."""
    from services.common.security import Principal
    from services.declarations.declarations import batch
    from services.declarations.declarations.schemas import DeclarationBatch

    principal = Principal(
        client_id="bench",
        org="SEN",
        org_type="member_state",
        country="SEN",
        community=None,
        scopes=frozenset({"declarations:write"}),
        token_id="bench",
    )
    context = LogContext(signer=generate_signer(ORIGIN), origin=ORIGIN)
    engine = make_engine(url)
    elapsed = 0.0
    try:
        for b in range(BATCHES):
            first = (5000 + b) * BATCH_SIZE + 10**8
            documents = DeclarationBatch.model_validate(
                {"declarations": [body(first + n) for n in range(BATCH_SIZE)]}
            ).declarations
            started = time.perf_counter()
            with write_session(engine) as session:
                batch.create_batch(
                    session,
                    principal=principal,
                    documents=documents,
                    missions_known={"MINUSMA": True},
                    now=datetime.now(UTC),
                    log_context=context,
                    retention_years=30,
                )
                session.commit()
            elapsed += time.perf_counter() - started
    finally:
        engine.dispose()
    total = BATCHES * BATCH_SIZE
    print(
        f"batch service without HTTP ({BATCH_SIZE:,} a transaction):"
        f" {total / elapsed:,.0f} declarations/s"
    )


def fill_log(url: str, context: LogContext) -> None:
    engine = make_engine(url)
    started = time.perf_counter()
    try:
        with write_session(engine) as session:
            size = log.repository.log_size(session)
        while size < LOG_ENTRIES:
            count = min(20_000, LOG_ENTRIES - size)
            now = datetime.now(UTC)
            entries = [
                log.make_entry(
                    "fixity", now, tree_size=size + i, checkpoint_root="", recomputed_root=""
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
    work = Path(tempfile.mkdtemp(prefix="bench-declarations-"))
    urls = databases(work, migrations.SERVICES)
    print(f"database: {make_url(urls['declarations']).get_backend_name()}; {os.cpu_count()} CPUs")
    for service in migrations.SERVICES:
        migrations.upgrade(service, urls[service])
    from services.auth.bootstrap import bootstrap_on_first_start
    from services.auth.settings import AuthSettings

    bootstrap_on_first_start(
        AuthSettings(database_url=urls["auth"], var_dir=work), out=lambda _line: None
    )
    port = free_port()
    server = start_register(urls, work, port)
    try:
        base = f"http://127.0.0.1:{port}"
        token = member_state_token(base, work)
        bench_single(base, token)
        bench_batches(base, token, 1)
        bench_batches(base, token, 2)
    finally:
        server.terminate()
        server.wait(timeout=30)
    bench_batch_service(urls["declarations"])
    # The proof bench fills a log of its own, in a database of its own.
    proof_url = databases(work, ("proofs",))["proofs"]
    migrations.upgrade("declarations", proof_url)
    fill_log(proof_url, LogContext(signer=generate_signer(ORIGIN), origin=ORIGIN))
    bench_proofs(proof_url)


if __name__ == "__main__":
    main()
