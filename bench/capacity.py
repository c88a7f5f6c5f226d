"""Capacity bench: the register at its 30-year volume on PostgreSQL (deploy/sizing.md).

Fills a fresh, migrated registry database with ``--items`` item rows (default: the
sizing note's 30-year planning volume, or 20 million if that is smaller; ``BENCH_ITEMS``
too), prints the time the fill took per million rows and the bytes each table takes
per row (``pg_total_relation_size``: heap, TOAST and every index of the real schema),
then starts the auth service and the registry (2 uvicorn workers) on 127.0.0.1 and
prints p50/p95 latencies measured through the real API, one request at a time:

- trace by serial (``GET /registry/v1/trace``), 20 % of the queries with a field typo;
- statistics over every record (``GET /registry/v1/statistics?group_by=country``) and
  over one year (``group_by=mission&from=…&to=…``);
- reconciliation of one contingent of a mission, first page (``GET
  /registry/v1/reconciliation?mission=MINUSMA&country=SEN&limit=100``).

How the fill is fast and still the real schema: ``bench/registry_trace.py``'s
``generate`` COPYs manifests, manifest items, indexed declarations and declared items
(80 % / 20 %, as the sizing note's flows are) into the migrated tables with their
indexes and constraints in place, computing each row's normalised keys with the
registry's own functions (``serial_key``, ``manufacturer_key`` ...); the serial
neighbourhood index is then filled with the registry's own ``neighbour_rows``, COPY
first and its primary key built once. Nothing bypasses a constraint: a row the API
would refuse, the database refuses too.

Usage: ``python bench/capacity.py [--items 1000000] [--queries 200]``
(``BENCH_CAPACITY_QUERIES``). PostgreSQL from TEST_POSTGRES_URL, or a throwaway
cluster (durable unless BENCH_DURABILITY=non-durable). Figures only, no assertions.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import header, postgres_server, throwaway_databases
from registry_trace import generate, services, typo

from services.common import migrations

# The sizing note's arithmetic (deploy/sizing.md keeps the reasoning and the sources).
YEARS = 30
DEPLOYED = 40_000  # uniformed personnel of the 26 states deployed at any time (assumed)
WEAPONS_PER_PERSON = 1.3  # a personal weapon plus a share of crew-served ones (assumed)
ROTATIONS_PER_YEAR = 1  # contingents rotate every 12 months: one manifest in, one out
LOTS_PER_YEAR = 5_000  # ammunition lots as manifest rows, in and out (assumed)
DECLARED_PER_YEAR = 30_000  # items seized, collected or destroyed, declared (assumed)
HEADROOM = 3  # more missions, finer lots, DDR peaks
MANIFEST_PER_YEAR = round(DEPLOYED * WEAPONS_PER_PERSON * 2 * ROTATIONS_PER_YEAR) + LOTS_PER_YEAR
EXPECTED_ITEMS = YEARS * (MANIFEST_PER_YEAR + DECLARED_PER_YEAR)
PLANNING_ITEMS = HEADROOM * EXPECTED_ITEMS
DEFAULT_ITEMS = min(PLANNING_ITEMS, 20_000_000)  # "or 20 million if that is smaller"
TABLES = (
    "manifests",
    "manifest_items",
    "indexed_declarations",
    "declared_items",
    "serial_neighbours",
)


def reader_token(auth: str, workdir: Path) -> str:
    """A register:read token of a new client of the ECOWAS Commission (a secretariat
    reads its member states' records: the tenancy filter is part of what is timed)."""
    with httpx.Client(base_url=auth, timeout=30) as http:
        creds = json.loads((workdir / "var" / "credentials.json").read_text())
        grant = {"grant_type": "client_credentials"}
        admin = answer(http.post("/auth/v1/token", data={**grant, **creds}))["access_token"]
        hdrs = {"Authorization": f"Bearer {admin}"}
        organisation = {"type": "secretariat", "code": "ECOWAS", "name": "ECOWAS Commission"}
        created = http.post("/auth/v1/organisations", headers=hdrs, json=organisation)
        if created.status_code != 409:  # already there: bootstrap may create it
            answer(created)
        client = answer(
            http.post(
                "/auth/v1/clients",
                headers=hdrs,
                json={
                    "organisation": "ECOWAS",
                    "name": "capacity bench",
                    "scopes": ["register:read"],
                },
            )
        )
        secret = {"client_id": client["client_id"], "client_secret": client["client_secret"]}
        return str(answer(http.post("/auth/v1/token", data={**grant, **secret}))["access_token"])


def answer(response: httpx.Response) -> dict[str, Any]:
    """The JSON body of a 2xx, or a stop naming the call and its problem."""
    if not response.is_success:
        raise SystemExit(
            f"{response.request.url.path}: {response.status_code} {response.text[:500]}"
        )
    body: dict[str, Any] = response.json()
    return body


def table_sizes(url: str) -> dict[str, tuple[int, int]]:
    """(rows, bytes with indexes and TOAST) of each filled table."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {
                table: (
                    int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()),
                    int(
                        conn.execute(
                            text("SELECT pg_total_relation_size(CAST(:t AS regclass))"),
                            {"t": table},
                        ).scalar_one()
                    ),
                )
                for table in TABLES
            }
    finally:
        engine.dispose()


def print_sizes(sizes: dict[str, tuple[int, int]], items: int) -> None:
    total = sum(size for _, size in sizes.values())
    for table, (rows, size) in sizes.items():
        per_row = size / rows if rows else 0
        print(f"  {table}: {rows:,} rows, {size / 2**20:,.0f} MiB, {per_row:,.0f} bytes/row")
    per_item = total / items
    print(
        f"  all filled tables: {total / 2**30:,.2f} GiB, {per_item:,.0f} bytes per item"
        f" (neighbour rows included); at the 30-year expected volume ({EXPECTED_ITEMS:,} items)"
        f" {per_item * EXPECTED_ITEMS / 2**30:,.1f} GiB, at the planning volume"
        f" ({PLANNING_ITEMS:,}) {per_item * PLANNING_ITEMS / 2**30:,.1f} GiB"
    )


def latencies(
    http: httpx.Client, paths: list[str], headers: dict[str, str]
) -> tuple[list[float], int]:
    """Milliseconds of each 200, and how many answers were not 200."""
    timings: list[float] = []
    failed = 0
    for path in paths:
        start = time.perf_counter()
        response = http.get(path, headers=headers)
        elapsed = (time.perf_counter() - start) * 1000
        if response.status_code == 200:
            timings.append(elapsed)
        else:
            failed += 1
            if failed == 1:
                print(f"  {path}: {response.status_code} {response.text[:300]}")
    return timings, failed


def percentiles(timings: list[float]) -> str:
    if len(timings) < 2:
        return f"{timings[0]:.1f} ms (1 request)" if timings else "no successful request"
    cuts = statistics.quantiles(timings, n=20, method="inclusive")
    return f"p50 {statistics.median(timings):.1f} ms, p95 {cuts[18]:.1f} ms"


def measure(name: str, http: httpx.Client, paths: list[str], headers: dict[str, str]) -> None:
    http.get(paths[0], headers=headers)  # the worker's first-request setup, untimed
    timings, failed = latencies(http, paths, headers)
    print(f"  {name}: {percentiles(timings)} ({len(timings):,} ok, {failed} failed)", flush=True)


def api_figures(
    registry: str, token: str, sample: list[str], queries: int, rng: random.Random
) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    traces = [typo(s, rng) if i % 5 == 0 else s for i, s in enumerate(sample)]
    rng.shuffle(traces)
    traces = (traces * (queries // max(1, len(traces)) + 1))[:queries]
    heavy = max(5, queries // 10)
    cases: list[tuple[str, Callable[[int], str]]] = [
        (
            "trace by serial",
            lambda i: "/registry/v1/trace?" + urlencode({"serial_number": traces[i]}),
        ),
        ("statistics by country, all years", lambda i: "/registry/v1/statistics?group_by=country"),
        (
            "statistics by mission, one year",
            lambda i: "/registry/v1/statistics?group_by=mission&from=2015-01-01&to=2015-12-31",
        ),
        (
            "reconciliation of MINUSMA/SEN, first page of 100",
            lambda i: "/registry/v1/reconciliation?mission=MINUSMA&country=SEN&limit=100",
        ),
    ]
    with httpx.Client(base_url=registry, timeout=600) as http:
        for name, path in cases:
            count = queries if name.startswith("trace") else heavy
            measure(f"{name}, {count} requests", http, [path(i) for i in range(count)], headers)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--items", type=int, default=int(os.environ.get("BENCH_ITEMS", str(DEFAULT_ITEMS)))
    )
    parser.add_argument(
        "--queries", type=int, default=int(os.environ.get("BENCH_CAPACITY_QUERIES", "200"))
    )
    args = parser.parse_args()
    rng = random.Random(30)
    with postgres_server() as url:
        if url is None:
            print("[postgresql] skipped: no TEST_POSTGRES_URL and no PostgreSQL binaries")
            return
        with throwaway_databases(url, "capacity", ("auth", "registry")) as urls:
            for service, service_url in urls.items():
                migrations.upgrade(service, service_url)
            header(
                "bench/capacity.py",
                [urls["registry"]],
                scale=f"{args.items:,} items (30-year expected {EXPECTED_ITEMS:,}, planning"
                f" {PLANNING_ITEMS:,}); {args.queries} traces, one request at a time",
                repeat=1,
            )
            start = time.perf_counter()
            sample = generate(urls["registry"], args.items, rng)
            fill = time.perf_counter() - start
            print(
                f"  fill (items and serial index): {fill:,.0f} s,"
                f" {fill / (args.items / 1e6):,.0f} s per million items",
                flush=True,
            )
            print_sizes(table_sizes(urls["registry"]), args.items)
            with (
                tempfile.TemporaryDirectory(prefix="bench-capacity-") as tmp,
                services(Path(tmp), urls) as (auth, registry),
            ):
                reader = reader_token(auth, Path(tmp))
                api_figures(registry, reader, sample, args.queries, rng)


if __name__ == "__main__":
    main()
