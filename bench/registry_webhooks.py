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

Then the whole scenario through the real API (``regctl serve all``, its delivery worker
running in the registry's process, as in production), on a fresh register per run:
a manifest of ``BENCH_ALERTS`` weapons of Senegal in; endpoints of the contributing
state (SEN) and of a secretariat seeing both records (ECOWAS) registered through
``POST /registry/v1/webhooks`` for ``alert.raised``; one seizure by Niger of those
weapons through the index delivery route (as the declarations relay sends it), raising
one diversion alert per weapon. Prints:

- (a) from the seizure's response (its commit) until the receiver has every delivery
  (two endpoints: 2 x ``BENCH_ALERTS``);
- (b) the seizure's own response time with both endpoints registered, and with none
  (the same data, a fresh register each run): what the outbox write adds to it;
- (c) p50 of ``GET /registry/v1/alerts?limit=10`` idle (before the seizure) and while
  the worker delivers.

Figures only, no assertions (a run whose receiver misses an event is printed as failed).
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import threading
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
from _common import REPEAT, header, postgres_server, spread
from registry_manifest import Databases, server, wait_indexed, weapons

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


def _token(http: httpx.Client, client_id: str, secret: str) -> str:
    grant = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    return str(http.post("/auth/v1/token", data=grant).json()["access_token"])


def _clients(http: httpx.Client, workdir: Path) -> dict[str, dict[str, str]]:
    """Bearer headers of SEN (its manifests, its endpoint), the ECOWAS secretariat and
    the operator's relay (index:write)."""
    creds = json.loads((workdir / "var" / "credentials.json").read_text())
    admin = {"Authorization": f"Bearer {_token(http, creds['client_id'], creds['client_secret'])}"}
    organisations = (
        ("member_state", "SEN", "Senegal"),
        ("member_state", "NER", "Niger"),
        ("secretariat", "ECOWAS", "ECOWAS"),
    )
    for kind, code, name in organisations:
        http.post(
            "/auth/v1/organisations", headers=admin, json={"type": kind, "code": code, "name": name}
        )
    out = {}
    wanted = (
        ("SEN", "SEN", ["manifests:write", "register:read"]),
        ("ECOWAS", "ECOWAS", ["register:read"]),
        ("NER", "NER", ["declarations:write"]),
    )
    for key, org, scopes in wanted:
        client = http.post(
            "/auth/v1/clients",
            headers=admin,
            json={"organisation": org, "name": "bench", "scopes": scopes},
        ).json()
        if "client_id" not in client:
            raise RuntimeError(f"client of {org}: {client}")
        token = _token(http, client["client_id"], client["client_secret"])
        out[key] = {"Authorization": f"Bearer {token}"}
    return out


def _seizure_body(weapons: list[dict[str, object]]) -> dict[str, object]:
    return {
        "type": "seizure",
        "declaring_country": "NER",
        "mission": "MINUSMA",
        "event_date": "2024-05-10",
        "location": {"country": "MLI", "place": "Ménaka", "lat": 15.9, "lon": 2.4},
        "items": [
            {
                "kind": "weapon",
                "category": "assault_rifle",
                "manufacturer": weapon["manufacturer"],
                "model": "AK",
                "calibre": "7.62",
                "serial_number": weapon["serial_number"],
            }
            for weapon in weapons
        ],
    }


class Probe:
    """Small ordinary requests (``GET /registry/v1/alerts?limit=10``), one after another,
    in a thread, until stopped; their latencies in milliseconds."""

    def __init__(self, base: str, headers: dict[str, str]) -> None:
        self.base, self.headers = base, headers
        self.samples: list[float] = []
        self.failed = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with httpx.Client(base_url=self.base, headers=self.headers, timeout=60) as http:
            while not self._stop.is_set():
                started = time.perf_counter()
                response = http.get("/registry/v1/alerts", params={"limit": 10})
                if response.status_code == 200:
                    self.samples.append((time.perf_counter() - started) * 1000)
                else:
                    self.failed += 1
                time.sleep(0.05)

    def __enter__(self) -> Probe:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def p50(self) -> float:
        return statistics.median(self.samples) if self.samples else float("nan")


IDLE_PROBES = 40
PART = int(os.environ.get("BENCH_SEIZURE_PART", "5000"))


def wait_alerts(url: str, deadline: float) -> int:
    """The registry's alerts once the relayed seizure's transactions committed them all
    (polled every 20 ms), or as many as there are at ``deadline``."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    count = 0
    try:
        with engine.connect() as conn:
            while time.perf_counter() < deadline:
                count = int(conn.execute(text("SELECT count(*) FROM alerts")).scalar() or 0)
                conn.rollback()
                if count >= ALERTS:
                    return count
                time.sleep(0.02)
    finally:
        engine.dispose()
    return count


def scenario(label: str, root: Path, pg_url: str | None, *, endpoints: bool) -> dict[str, float]:
    """One run on a fresh register: manifest in, endpoints (or none), the seizure, the
    drain. Its figures: seizure seconds, drain seconds (with endpoints), probe p50s."""
    workdir = root / uuid.uuid4().hex[:8]
    workdir.mkdir()
    dbs = Databases(workdir, pg_url)
    urls = {s: dbs.new(s) for s in ("auth", "registry", "declarations")}
    figures: dict[str, float] = {}
    receiver = CountingReceiver() if endpoints else None
    try:
        with server(workdir, urls) as base, httpx.Client(base_url=base, timeout=600) as http:
            headers = _clients(http, workdir)
            # Short serials and one maker: the seizure of them all fits the declarations
            # route's 1 MiB body limit.
            items = [
                {**weapon, "manufacturer": "Norinco", "serial_number": f"S{i:06d}"}
                for i, weapon in enumerate(weapons(ALERTS, "S"))
            ]
            manifest = {
                "direction": "in",
                "mission": "MINUSMA",
                "contributing_country": "SEN",
                "unit": "SENBATT 7",
                "crossing_date": "2024-03-01",
                "items": items,
            }
            response = http.post("/registry/v1/manifests", json=manifest, headers=headers["SEN"])
            if response.status_code != 201:
                raise RuntimeError(f"manifest: {response.status_code} {response.text[:300]}")
            wait_indexed(urls["registry"])
            expected = 0
            if receiver is not None:
                for org in ("SEN", "ECOWAS"):
                    registered = http.post(
                        "/registry/v1/webhooks",
                        json={"url": receiver.url(f"/{org}"), "events": ["alert.raised"]},
                        headers=headers[org],
                    )
                    if registered.status_code != 201:
                        raise RuntimeError(f"webhook: {registered.status_code} {registered.text}")
                expected = 2 * ALERTS
            with Probe(base, headers["SEN"]) as idle:
                while len(idle.samples) < IDLE_PROBES:
                    time.sleep(0.05)
            figures["idle_p50_ms"] = idle.p50()
            # The seizure in declarations of PART weapons (the route's body limit), posted
            # back to back; its response time is each declaration's.
            started = time.perf_counter()
            answered = started
            for first in range(0, ALERTS, PART):
                body = json.dumps(_seizure_body(items[first : first + PART]), separators=(",", ":"))
                posted = time.perf_counter()
                response = http.post(
                    "/declarations/v1/declarations",
                    content=body,
                    headers={**headers["NER"], "Content-Type": "application/json"},
                )
                answered = time.perf_counter()
                figures.setdefault("declaration_s", answered - posted)
                if response.status_code != 201:
                    print(f"  [{label}] seizure: {response.status_code} {response.text[:500]}")
                    return {}
            alerts = wait_alerts(urls["registry"], answered + 300)
            committed = time.perf_counter()
            figures["relay_s"] = committed - answered
            if alerts != ALERTS:
                print(f"  [{label}] seizure raised {alerts} alerts, not {ALERTS}: run skipped")
                return {}
            if receiver is None:
                return figures
            with Probe(base, headers["SEN"]) as busy:
                deadline = committed + 600
                while receiver.received < expected and time.perf_counter() < deadline:
                    time.sleep(0.01)
                drained = time.perf_counter() - committed
            figures["busy_p50_ms"] = busy.p50()
            figures["busy_probes"] = len(busy.samples)
            if receiver.received == expected:
                figures["drain_s"] = drained
            else:
                print(f"  [{label}] failed run: {receiver.received} of {expected} delivered")
    finally:
        if receiver is not None:
            receiver.stop()
        for url in urls.values():
            dbs.drop(url)
        dbs.close()
    return figures


def api_figures(label: str, root: Path, pg_url: str | None) -> None:
    header(
        f"registry_webhooks [{label}], the scenario through the API",
        [pg_url or f"sqlite:///{root / 'probe.db'}"],
        scale=f"{ALERTS:,} weapons, one seizure of them all",
    )
    # Alternating, so a drift of the machine's load falls on both.
    with_hooks: list[dict[str, float]] = []
    without: list[dict[str, float]] = []
    for _ in range(REPEAT):
        with_hooks.append(scenario(label, root, pg_url, endpoints=True))
        without.append(scenario(label, root, pg_url, endpoints=False))

    def col(rows: list[dict[str, float]], key: str) -> list[float]:
        return [row[key] for row in rows if key in row]

    ms = ("{:.1f}", " ms")
    print(
        f"{label}: (a) the alerts' commit to the last of {2 * ALERTS:,} webhooks delivered"
        f" (2 endpoints): {spread(col(with_hooks, 'drain_s'))}"
    )
    print(
        f"{label}: (b) POST /declarations/v1/declarations, a seizure of {min(PART, ALERTS):,}"
        f" of the {ALERTS:,} weapons, to its 201:"
        f" with 2 endpoints {spread(col(with_hooks, 'declaration_s'))};"
        f" with none {spread(col(without, 'declaration_s'))}"
    )
    print(
        f"{label}: (b') from the last declaration's 201, the relay and the registry's ingest"
        f" (match, alerts and their outbox rows, one transaction per declaration) to all"
        f" {ALERTS:,} alerts committed: with 2 endpoints"
        f" {spread(col(with_hooks, 'relay_s'))}; with none {spread(col(without, 'relay_s'))}"
    )
    idle = col(with_hooks, "idle_p50_ms") + col(without, "idle_p50_ms")
    print(
        f"{label}: (c) GET /registry/v1/alerts?limit=10 p50: idle {spread(idle, *ms)};"
        f" while delivering {spread(col(with_hooks, 'busy_p50_ms'), *ms)}"
        f" ({sum(col(with_hooks, 'busy_probes')):.0f} requests)"
    )


def api_runs() -> None:
    os.environ["REGISTRY_WEBHOOKS_ALLOW_PRIVATE"] = "true"  # the receiver is on 127.0.0.1
    if os.environ.get("BENCH_SQLITE", "1") != "0":
        with tempfile.TemporaryDirectory(prefix="bench-webhooks-api-") as tmp:
            api_figures("sqlite", Path(tmp), None)
    with postgres_server() as url:
        if url is None:
            print("[postgresql] skipped: no TEST_POSTGRES_URL and no PostgreSQL binaries")
            return
        with tempfile.TemporaryDirectory(prefix="bench-webhooks-api-") as tmp:
            api_figures("postgresql", Path(tmp), url)


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
    if os.environ.get("BENCH_WEBHOOKS_PARTS", "outbox,api") != "api":
        main()
    if os.environ.get("BENCH_WEBHOOKS_PARTS", "outbox,api") != "outbox":
        api_runs()
