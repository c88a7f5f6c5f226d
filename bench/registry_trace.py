"""Trace and diversion bench: millions of indexed items on PostgreSQL.

Generates realistic data straight into a fresh, migrated registry database with COPY
(manifest items of contingents in four missions, and seized/collected/destroyed items
of indexed declarations, serials in field formats such as "56-1234567" and "KC-…"),
starts the auth service and the registry (2 uvicorn workers) on 127.0.0.1, and prints:

- trace by serial under an open-loop load (``bench/_loadgen.py``: keep-alive
  connections, latency counted from each request's due time) at each of the
  BENCH_TRACE_RATE requests/s (comma-separated, default "500,800,1000"), in
  ``BENCH_REPEAT`` (default 5) windows of BENCH_TRACE_SECONDS each (default 10), over
  BENCH_TRACE_CONCURRENCY connections (default 64), after one untimed pass over every
  query. Each window prints sent / ok / failed / unfinished, ok/s, p50 and p99 (over
  every request sent: a non-2xx answer or a broken connection is a failure, a request
  unanswered 5 s after the last one was due is a failure counted in the latencies at
  that time); then the median and min–max of the windows' p50 and p99. 20 % of the
  queries carry a field typo (found as "possible");
- diversion matching: the time to ingest a BENCH_SEIZURE_ITEMS-item seizure (default
  10,000) whose items partly match contingents' manifests, alerts raised in the same
  transaction, timed to the response; ``BENCH_REPEAT`` seizures (new declarations).

Usage: ``python bench/registry_trace.py [--items 5000000]`` (``BENCH_ITEMS`` too).
PostgreSQL from TEST_POSTGRES_URL, or a throwaway cluster (durable unless
BENCH_DURABILITY=non-durable). Figures only, no assertions.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

import httpx
import psycopg
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import REPEAT, free_port, header, postgres_server, spread, throwaway_databases
from _loadgen import LoadResult, build_requests, run_load

from services.common import migrations
from services.common.identifiers import calibre_key, manufacturer_key, model_key, serial_fuzzy_key
from services.registry.identifier_keys import serial_key
from services.registry.serial_index import neighbour_rows

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
MISSIONS = ("MINUSMA", "MINUSCA", "MONUSCO", "UNMISS")
COUNTRIES = ("SEN", "NER", "GHA", "NGA", "TCD", "CMR", "RWA", "BFA", "TGO", "BEN")
PREFIXES = ("56-", "KC-", "AB", "1985", "M-", "FN", "NR-", "7")
RIFLES = (
    ("assault_rifle", "Norinco", "Type 56", "7.62x39mm"),
    ("assault_rifle", "Kalashnikov Concern", "AK-103", "7.62x39mm"),
    ("assault_rifle", "FN Herstal", "FAL", "7.62x51mm NATO"),
    ("revolver_pistol", "Beretta", "92FS", "9x19mm"),
    ("light_machine_gun", "Zastava Arms", "M84", "7.62x54mmR"),
)
MANIFEST_ITEMS = (
    "manifest_id",
    "line",
    "kind",
    "mission_code",
    "contributing_country",
    "direction",
    "crossing_date",
    "unit",
    "is_correction",
    "category",
    "manufacturer",
    "model",
    "calibre",
    "serial_number",
    "year_of_manufacture",
    "quantity",
    "serial_key",
    "manufacturer_key",
    "calibre_key",
)
DECLARED_ITEMS = (
    "declaration_id",
    "declaration_version",
    "item_index",
    "declaration_type",
    "declaring_country",
    "mission_code",
    "event_date",
    "location_country",
    "place",
    "lat",
    "lon",
    "undeclared",
    "kind",
    "category",
    "manufacturer",
    "model",
    "calibre",
    "serial_number",
    "year_of_manufacture",
    "quantity",
    "serial_key",
    "fuzzy_key",
    "manufacturer_key",
    "model_key",
    "calibre_key",
)
BATCH = 1000
SEIZURE_ITEMS = int(os.environ.get("BENCH_SEIZURE_ITEMS", "10000"))


def serial(rng: random.Random, n: int) -> str:
    return f"{PREFIXES[n % len(PREFIXES)]}{n:07d}"


def typo(value: str, rng: random.Random) -> str:
    chars = list(value)
    idx = rng.randrange(len(chars) - 1)
    chars[idx], chars[idx + 1] = chars[idx + 1], chars[idx]
    return "".join(chars)


def generate(
    url: str,
    items: int,
    rng: random.Random,
    *,
    declarations: int | None = None,
    since: date | None = None,
    span_days: int = 6500,
) -> list[str]:
    """COPY ``items`` rows (80 % manifest items, 20 % declared items); returns sample serials.

    Manifests hold 1,000 items each; declarations too unless ``declarations`` says how many
    to spread the declared items over. Dates run over ``span_days`` from ``since`` (by
    default manifests from 2005 and declarations from 2006, over about 18 years)."""
    declared = items // 5
    manifested = items - declared
    per_declaration = max(1, -(-declared // declarations)) if declarations else BATCH
    manifests_from = since or date(2005, 1, 1)
    declarations_from = since or date(2006, 1, 1)
    start = time.perf_counter()
    sample: list[str] = []
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn) as conn:
        with conn.cursor() as cur:
            manifests = []
            for m in range((manifested + BATCH - 1) // BATCH):
                crossing = manifests_from + timedelta(days=m * 7 % span_days)
                manifests.append((str(uuid.uuid4()), MISSIONS[m % 4], COUNTRIES[m % 10], crossing))
            with cur.copy(
                "COPY manifests (id, direction, mission_code, contributing_country, unit,"
                " crossing_date, is_correction, closes_rotation, item_count, submitted_by,"
                " created_at) FROM STDIN"
            ) as copy:
                now = datetime.now(UTC)
                for mid, mission, country, crossing in manifests:
                    copy.write_row(
                        (
                            mid,
                            "in",
                            mission,
                            country,
                            "BATT",
                            crossing,
                            False,
                            False,
                            BATCH,
                            "bench",
                            now,
                        )
                    )
            with cur.copy(f"COPY manifest_items ({', '.join(MANIFEST_ITEMS)}) FROM STDIN") as copy:
                for n in range(manifested):
                    mid, mission, country, crossing = manifests[n // BATCH]
                    cat, maker, model, cal = RIFLES[n % len(RIFLES)]
                    sn = serial(rng, n)
                    if n % 997 == 0:
                        sample.append(sn)
                    copy.write_row(
                        (
                            mid,
                            n % BATCH,
                            "weapon",
                            mission,
                            country,
                            "in",
                            crossing,
                            "BATT",
                            False,
                            cat,
                            maker,
                            model,
                            cal,
                            sn,
                            1990 + n % 30,
                            1,
                            serial_key(sn),
                            manufacturer_key(maker),
                            calibre_key(cal),
                        )
                    )
            decl_rows = []
            for d in range((declared + per_declaration - 1) // per_declaration):
                decl_rows.append(
                    (
                        f"bench-decl-{d}",
                        ("seizure", "collection", "destruction")[d % 3],
                        COUNTRIES[(d + 3) % 10],
                        MISSIONS[d % 4],
                        declarations_from + timedelta(days=d * 5 % span_days),
                        ("MLI", "CAF", "COD", "SSD")[d % 4],
                    )
                )
            with cur.copy(
                "COPY indexed_declarations (declaration_id, version, disposed, declaration_type,"
                " declaring_country, mission_code, event_date, location_country, place, lat, lon,"
                " item_count, updated_at) FROM STDIN"
            ) as copy:
                for did, dtype, country, mission, day, loc in decl_rows:
                    copy.write_row(
                        (
                            did,
                            1,
                            False,
                            dtype,
                            country,
                            mission,
                            day,
                            loc,
                            "bench",
                            rng.uniform(-10, 20),
                            rng.uniform(-15, 35),
                            per_declaration,
                            now,
                        )
                    )
            with cur.copy(f"COPY declared_items ({', '.join(DECLARED_ITEMS)}) FROM STDIN") as copy:
                for n in range(declared):
                    did, dtype, country, mission, day, loc = decl_rows[n // per_declaration]
                    cat, maker, model, cal = RIFLES[n % len(RIFLES)]
                    sn = serial(rng, 10_000_000 + n)
                    if n % 997 == 0:
                        sample.append(sn)
                    copy.write_row(
                        (
                            did,
                            1,
                            n % per_declaration,
                            dtype,
                            country,
                            mission,
                            day,
                            loc,
                            "bench",
                            None,
                            None,
                            False,
                            "weapon",
                            cat,
                            maker,
                            model,
                            cal,
                            sn,
                            1990 + n % 30,
                            1,
                            serial_key(sn),
                            serial_fuzzy_key(sn),
                            manufacturer_key(maker),
                            model_key(model),
                            calibre_key(cal),
                        )
                    )
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")
    elapsed = time.perf_counter() - start
    print(
        f"  generated {items:,} items ({manifested:,} manifest, {declared:,} declared)"
        f" in {elapsed:.0f} s ({items / elapsed:,.0f} items/s, COPY)"
    )
    index_neighbours(dsn)
    return sample


def index_neighbours(dsn: str) -> None:
    """Fill the serial neighbourhood index as the registry's indexer would (the same
    ``neighbour_rows``), in bulk: COPY, then the primary key built once."""
    start = time.perf_counter()
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        keys: set[str] = set()
        for table in ("manifest_items", "loss_report_items", "declared_items"):
            cur.execute(f"SELECT DISTINCT serial_key FROM {table} WHERE serial_key IS NOT NULL")
            keys.update(row[0] for row in cur)
        cur.execute("ALTER TABLE serial_neighbours DROP CONSTRAINT pk_serial_neighbours")
        rows = 0
        with cur.copy("COPY serial_neighbours (search_key, serial_key) FROM STDIN") as copy:
            for key in keys:
                for row in neighbour_rows((key,)):
                    copy.write_row(row)
                    rows += 1
        cur.execute(
            "ALTER TABLE serial_neighbours ADD CONSTRAINT pk_serial_neighbours"
            " PRIMARY KEY (search_key, serial_key)"
        )
        cur.execute("DELETE FROM serial_index_backlog")
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE serial_neighbours")
    print(
        f"  indexed {len(keys):,} serials ({rows:,} neighbour rows) in"
        f" {time.perf_counter() - start:.0f} s"
    )


@contextmanager
def services(workdir: Path, urls: dict[str, str]) -> Iterator[tuple[str, str]]:
    auth_port, registry_port = free_port(), free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "AUTH_DATABASE_URL": urls["auth"],
        "REGISTRY_DATABASE_URL": urls["registry"],
        "AUTH_LOG_LEVEL": "WARNING",
        "REGISTRY_LOG_LEVEL": "WARNING",
        "REGISTRY_AUTH_BASE_URL": f"http://127.0.0.1:{auth_port}",
    }
    log = (workdir / "server.log").open("w")
    procs = [
        subprocess.Popen(
            [PYTHON, "-m", "services.cli.main", "serve", "auth", "--port", str(auth_port)],
            cwd=workdir,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        ),
        subprocess.Popen(
            [
                PYTHON,
                "-m",
                "services.cli.main",
                "serve",
                "registry",
                "--port",
                str(registry_port),
                "--workers",
                os.environ.get("BENCH_TRACE_WORKERS", "2"),
                "--no-migrate",
            ],
            cwd=workdir,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        ),
    ]
    bases = (f"http://127.0.0.1:{auth_port}", f"http://127.0.0.1:{registry_port}")
    try:
        for base, service in zip(bases, ("auth", "registry"), strict=True):
            for _ in range(600):
                try:
                    if httpx.get(f"{base}/{service}/readyz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.1)
            else:
                raise RuntimeError((workdir / "server.log").read_text()[-3000:])
        yield bases
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=30)
        log.close()


def tokens(auth: str, workdir: Path) -> tuple[str, str]:
    """(ECOWAS secretariat register:read token, the declarations relay's index:write token).

    An index:write client is made only on the server (bootstrap or ``regctl client create``),
    never over the API: the relay's is the one bootstrap saved."""
    http = httpx.Client(base_url=auth, timeout=30)
    creds = json.loads((workdir / "var" / "credentials.json").read_text())
    relay = json.loads((workdir / "var" / "declarations-index-client.json").read_text())
    grant = {"grant_type": "client_credentials"}
    admin = http.post("/auth/v1/token", data={**grant, **creds}).json()["access_token"]
    hdrs = {"Authorization": f"Bearer {admin}"}
    http.post(
        "/auth/v1/organisations",
        headers=hdrs,
        json={"type": "secretariat", "code": "ECOWAS", "name": "ECOWAS Commission"},
    )  # 409 when bootstrap made it already
    reader = http.post(
        "/auth/v1/clients",
        headers=hdrs,
        json={"organisation": "ECOWAS", "name": "bench", "scopes": ["register:read"]},
    )
    reader.raise_for_status()
    out = []
    for client in (reader.json(), relay):
        secret = {"client_id": client["client_id"], "client_secret": client["client_secret"]}
        answer = http.post("/auth/v1/token", data={**grant, **secret})
        answer.raise_for_status()
        out.append(str(answer.json()["access_token"]))
    return out[0], out[1]


def trace_load(
    base: str,
    token: str,
    queries: list[str],
    rates: list[float],
    seconds: float,
    connections: int,
) -> None:
    paths = ["/registry/v1/trace?" + urlencode({"serial_number": q}) for q in queries]
    requests = build_requests(base, paths, {"Authorization": f"Bearer {token}"})
    # Warm up: every query once (PostgreSQL's shared buffers start empty), then measure.
    run_load(base, requests, rate=400, seconds=len(requests) / 400, connections=connections)
    for rate in rates:
        results: list[LoadResult] = []
        for window in range(REPEAT):
            result = run_load(base, requests, rate=rate, seconds=seconds, connections=connections)
            print(result.line(f"trace, window {window + 1}/{REPEAT},"), flush=True)
            results.append(result)
        p50s = [r.percentile(0.5) for r in results]
        p99s = [r.percentile(0.99) for r in results]
        print(
            f"  trace at {rate:,.0f} req/s, {REPEAT} windows of {seconds:.0f} s:"
            f" p50 {spread(p50s, '{:.1f}', ' ms')}; p99 {spread(p99s, '{:.1f}', ' ms')};"
            f" {spread([r.throughput for r in results], '{:,.0f}', ' ok/s')};"
            f" sent {sum(r.sent for r in results):,} / ok {sum(r.ok for r in results):,}"
            f" / failed {sum(r.failed for r in results):,}"
            f" (unfinished {sum(r.unfinished for r in results):,})"
        )


def diversion(base: str, token: str, sample: list[str], rng: random.Random) -> None:
    timings: list[float] = []
    alerts: list[int] = []
    failed = 0
    for r in range(REPEAT):
        outcome = seizure(base, token, sample, rng, f"bench-seizure-{r}")
        if outcome is None:
            failed += 1
        else:
            timings.append(outcome[0])
            alerts.append(outcome[1])
    print(
        f"  diversion matching of a {SEIZURE_ITEMS:,}-item seizure (ingest + match + alerts,"
        f" one transaction, to the response): {spread(timings)}; alerts per seizure"
        f" {min(alerts, default=0)}–{max(alerts, default=0)}; failed {failed} of {REPEAT}"
    )


def seizure(
    base: str, token: str, sample: list[str], rng: random.Random, declaration_id: str
) -> tuple[float, int] | None:
    """(seconds, alerts) of one seizure's ingest, or None when it was not answered 2xx."""
    items = []
    for i in range(SEIZURE_ITEMS):
        sn = rng.choice(sample) if i % 50 == 0 else f"ZZ-{rng.randrange(10**9):09d}"
        items.append(
            {
                "item_index": i,
                "kind": "weapon",
                "category": "assault_rifle",
                "manufacturer": None,
                "model": "Type 56",
                "calibre": "7.62x39mm",
                "serial_number": sn.replace("-", " "),
                "year_of_manufacture": 1999,
            }
        )
    body = {
        "event_id": str(uuid.uuid4()),
        "declaration_id": declaration_id,
        "version": 1,
        "action": "upsert",
        "type": "seizure",
        "declaring_country": "NER",
        "mission": "MINUSMA",
        "event_date": "2024-05-10",
        "location": {"country": "MLI", "place": "Ménaka", "lat": 15.9, "lon": 2.4},
        "items": items,
    }
    t0 = time.perf_counter()
    r = httpx.post(
        f"{base}/registry/v1/index/declarations",
        json=body,
        timeout=120,
        headers={"Authorization": f"Bearer {token}"},
    )
    elapsed = time.perf_counter() - t0
    if not 200 <= r.status_code < 300:
        print(f"  seizure {declaration_id} failed: {r.status_code} {r.text[:300]}")
        return None
    return elapsed, int(r.json().get("alerts") or 0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=int(os.environ.get("BENCH_ITEMS", "5000000")))
    args = parser.parse_args()
    rates = [float(r) for r in os.environ.get("BENCH_TRACE_RATE", "500,800,1000").split(",")]
    seconds = float(os.environ.get("BENCH_TRACE_SECONDS", "10"))
    concurrency = int(os.environ.get("BENCH_TRACE_CONCURRENCY", "64"))
    rng = random.Random(6)
    with postgres_server() as url:
        if url is None:
            print("[postgresql] skipped: no TEST_POSTGRES_URL and no PostgreSQL binaries")
            return
        with throwaway_databases(url, "trace", ("auth", "registry")) as urls:
            for service, service_url in urls.items():
                migrations.upgrade(service, service_url)
            offered = ", ".join(f"{r:,.0f}" for r in rates)
            header(
                "bench/registry_trace.py",
                [urls["registry"]],
                scale=f"{args.items:,} indexed items; trace at {offered} req/s,"
                f" windows of {seconds:.0f} s, {concurrency} connections,"
                f" {os.environ.get('BENCH_TRACE_WORKERS', '2')} registry workers;"
                f" seizures of {SEIZURE_ITEMS:,} items",
            )
            sample = generate(urls["registry"], args.items, rng)
            queries = [typo(s, rng) if i % 5 == 0 else s for i, s in enumerate(sample)]
            rng.shuffle(queries)
            with (
                tempfile.TemporaryDirectory(prefix="bench-trace-") as tmp,
                services(Path(tmp), urls) as (auth, registry),
            ):
                reader, relay = tokens(auth, Path(tmp))
                trace_load(registry, reader, queries, rates, seconds, concurrency)
                diversion(registry, relay, sample, rng)


if __name__ == "__main__":
    main()
