"""Declarations bench: declarations/s appended with the log, over HTTP; inclusion-proof latency.

Runs the real register (``regctl serve all``: auth, registry and declarations
in one uvicorn process) on PostgreSQL and drives it over HTTP with a member
state's real token, like a ministry's client would. Prints:

- single POST /declarations/v1/declarations, ``BENCH_SINGLE`` (default 3,000) a
  repetition from ``BENCH_CLIENTS`` (default 16) concurrent clients: declarations/s
  (each one checked, stored, logged and under its own signed checkpoint, committed);
- POST /declarations/v1/declarations/batch with ``BENCH_BATCH_SIZE`` (default 1,000)
  declarations a request, ``BENCH_BATCHES`` (default 10) requests a repetition, from 1
  and from 2 clients: declarations/s (one checkpoint per batch);
- the batch service alone (no HTTP: checks, canonical records, bulk inserts,
  one log append, commit), to show what HTTP parsing and validation cost;
- p50/p99 of an inclusion proof in a log of ``BENCH_LOG_ENTRIES`` (default
  1,000,000) entries, generated directly through the log service (2,000 proofs a
  repetition, after 200 untimed).

Each figure is repeated ``BENCH_REPEAT`` times (default 5) and printed as a median with
the min–max over the repetitions. The repetitions run one after another on the same
databases, so the log grows from one to the next (each line says how large it was).
Throughput counts 2xx responses only, over the whole window (from the first request
to the last answer): a refused or failed request (an exception, a timeout) is counted
and printed, never retried, and adds to the time but not to the declarations.

Every declaration has 3 weapons and names a mission (MINUSMA). The weapon-
index relay is off: it delivers to the registry in the same process and is
measured with the registry. PostgreSQL from ``TEST_POSTGRES_URL`` (a server where
databases can be created) or a throwaway cluster (durable unless
BENCH_DURABILITY=non-durable); SQLite files when neither is there. Figures only.
"""

from __future__ import annotations

import json
import os
import random
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

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import REPEAT, free_port, header, postgres_server, spread

SINGLE = int(os.environ.get("BENCH_SINGLE", "3000"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "16"))
BATCHES = int(os.environ.get("BENCH_BATCHES", "10"))
BATCH_SIZE = int(os.environ.get("BENCH_BATCH_SIZE", "1000"))
PROOFS = 2000
LOG_ENTRIES = int(os.environ.get("BENCH_LOG_ENTRIES", "1000000"))
ORIGIN = "bench.local/declarations"
EVENT_DATE = (date.today() - timedelta(days=3)).isoformat()


def databases(work: Path, names: tuple[str, ...], server: str | None) -> dict[str, str]:
    """A fresh database per name (on PostgreSQL ``server``, or SQLite files without)."""
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


def post_all(
    base: str, token: str, clients: int, work: list[list[tuple[str, dict[str, Any]]]]
) -> tuple[int, int, float]:
    """POST each client's list of (path, body) in its own thread: (ok, failed, seconds)."""

    def post_many(requests: list[tuple[str, dict[str, Any]]]) -> tuple[int, int]:
        ok = failed = 0
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=base, headers=headers, timeout=120) as http:
            for path, document in requests:
                try:
                    response = http.post(path, json=document)
                except httpx.HTTPError as error:
                    failed += 1
                    print(f"    failed: {error!r}")
                    continue
                if response.status_code == 201:
                    ok += 1
                else:
                    failed += 1
                    print(f"    failed: {response.status_code} {response.text[:200]}")
        return ok, failed

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        results = list(pool.map(post_many, work))
    elapsed = time.perf_counter() - started
    return sum(r[0] for r in results), sum(r[1] for r in results), elapsed


def log_size(url: str) -> int:
    engine = make_engine(url)
    try:
        with write_session(engine) as session:
            return int(log.repository.log_size(session))
    finally:
        engine.dispose()


def bench_single(base: str, token: str, url: str) -> None:
    per_client = max(1, SINGLE // CLIENTS)
    path = "/declarations/v1/declarations"
    # Warm up (untimed): JWKS, mission lookup, connection pools.
    post_all(base, token, 1, [[(path, body(99 * 10**6 + n)) for n in range(per_client)]])
    rates, sizes = [], []
    sent = ok_total = failed_total = 0
    for r in range(REPEAT):
        sizes.append(log_size(url))
        work = [
            [(path, body((r * 100 + worker) * 10**6 + n)) for n in range(per_client)]
            for worker in range(CLIENTS)
        ]
        ok, failed, elapsed = post_all(base, token, CLIENTS, work)
        sent += ok + failed
        ok_total += ok
        failed_total += failed
        rates.append(ok / elapsed)
    print(
        f"single POST, {CLIENTS} concurrent clients, {per_client * CLIENTS:,} a repetition:"
        f" {spread(rates, '{:,.0f}', ' declarations/s')}; sent {sent:,} / ok {ok_total:,}"
        f" / failed {failed_total:,}; log {sizes[0]:,}–{sizes[-1]:,} entries at the starts"
    )


def bench_batches(base: str, token: str, clients: int, url: str) -> None:
    path = "/declarations/v1/declarations/batch"
    per_client = max(1, BATCHES // clients)
    rates, sizes = [], []
    sent = ok_total = failed_total = 0
    for r in range(REPEAT):
        sizes.append(log_size(url))
        work = []
        for worker in range(clients):
            requests = []
            for b in range(per_client):
                first = ((clients * 100 + r) * 1000 + worker * 100 + b) * BATCH_SIZE + 10**8
                documents = [body(first + n) for n in range(BATCH_SIZE)]
                requests.append((path, {"declarations": documents}))
            work.append(requests)
        ok, failed, elapsed = post_all(base, token, clients, work)
        sent += ok + failed
        ok_total += ok
        failed_total += failed
        rates.append(ok * BATCH_SIZE / elapsed)
    print(
        f"batch POST ({BATCH_SIZE:,} a request, {per_client * clients} requests a repetition),"
        f" {clients} client(s): {spread(rates, '{:,.0f}', ' declarations/s')};"
        f" requests sent {sent:,} / ok {ok_total:,} / failed {failed_total:,};"
        f" log {sizes[0]:,}–{sizes[-1]:,} entries at the starts"
    )


def bench_batch_service(url: str) -> None:
    """The batch service alone (checks, records, bulk inserts, log, commit), without HTTP."""
    from services.common.security import Principal

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
    rates = []
    try:
        for r in range(REPEAT):
            rates.append(BATCHES * BATCH_SIZE / service_batches(engine, principal, context, r))
    finally:
        engine.dispose()
    print(
        f"batch service without HTTP ({BATCH_SIZE:,} a transaction, {BATCHES} a repetition):"
        f" {spread(rates, '{:,.0f}', ' declarations/s')}"
    )


def service_batches(engine: Any, principal: Any, context: LogContext, r: int) -> float:
    """Seconds of ``BATCHES`` batches through the batch service (building them untimed)."""
    from services.declarations.declarations import batch
    from services.declarations.declarations.schemas import DeclarationBatch

    elapsed = 0.0
    for b in range(BATCHES):
        first = (5000 + r * 100 + b) * BATCH_SIZE + 10**8
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
    return elapsed


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
    p50s, p99s = [], []
    try:
        with write_session(engine) as session:
            size = log.repository.log_size(session)
            for _ in range(200):  # warm up
                log.inclusion_proof(session, index=random.randrange(size), tree_size=None)
            for _ in range(REPEAT):
                timings = []
                for _ in range(PROOFS):
                    index = random.randrange(size)
                    started = time.perf_counter()
                    log.inclusion_proof(session, index=index, tree_size=None)
                    timings.append((time.perf_counter() - started) * 1000)
                timings.sort()
                p50s.append(statistics.median(timings))
                p99s.append(timings[int(len(timings) * 0.99)])
    finally:
        engine.dispose()
    print(
        f"inclusion proof at {size:,} entries ({PROOFS:,} proofs a repetition):"
        f" p50 {spread(p50s, '{:.2f}', ' ms')}, p99 {spread(p99s, '{:.2f}', ' ms')}"
    )


def main() -> None:
    with postgres_server() as server:
        run(server)


def run(server: str | None) -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-declarations-"))
    urls = databases(work, migrations.SERVICES, server)
    header(
        "bench/declarations_log.py",
        [urls["declarations"]],
        scale=f"single {SINGLE:,} from {CLIENTS} clients, {BATCHES} batches of {BATCH_SIZE:,},"
        f" log of {LOG_ENTRIES:,} entries for proofs",
    )
    for service in migrations.SERVICES:
        migrations.upgrade(service, urls[service])
    from services.auth.bootstrap import bootstrap_on_first_start
    from services.auth.settings import AuthSettings

    bootstrap_on_first_start(
        AuthSettings(database_url=urls["auth"], var_dir=work), out=lambda _line: None
    )
    port = free_port()
    register = start_register(urls, work, port)
    try:
        base = f"http://127.0.0.1:{port}"
        token = member_state_token(base, work)
        bench_single(base, token, urls["declarations"])
        bench_batches(base, token, 1, urls["declarations"])
        bench_batches(base, token, 2, urls["declarations"])
    finally:
        register.terminate()
        register.wait(timeout=30)
    bench_batch_service(urls["declarations"])
    # The proof bench fills a log of its own, in a database of its own.
    proof_url = databases(work, ("proofs",), server)["proofs"]
    migrations.upgrade("declarations", proof_url)
    fill_log(proof_url, LogContext(signer=generate_signer(ORIGIN), origin=ORIGIN))
    bench_proofs(proof_url)


if __name__ == "__main__":
    main()
