"""Registry bench: concurrent manifest uploads of different contingents on PostgreSQL.

Ten member states (``BENCH_UPLOADERS``, default 10) each post a manifest ``in`` of
``BENCH_UPLOAD_ITEMS`` weapons (default 1,000) into one mission, all at once (a barrier
releases the ten POSTs together), to the embedded register (``regctl serve all``) on a
fresh, migrated, empty registry database: the planner has no statistics of the new
rows yet. Each of ``BENCH_UPLOAD_ROUNDS`` rounds (default 3) starts a new registry
database and server. Printed: p50 and p95 of one upload's time to its 201 over every
upload of every round, the slowest, each round's wall time (first request to last
answer), and how often an upload was seen waiting on a lock (``pg_locks``, sampled every
20 ms during the round: the uploads' transactions waiting for one another). An upload
answering anything else than 201 is a failed run: printed, counted, not a sample.

Uploads of different contingents must not wait for one another: with the ANALYZE that
used to run in every large upload's transaction (its lock conflicts with itself) ten
1,000-item uploads took a p95 of 60 s; each waited for the commit of the one before.
PostgreSQL only (SQLite has one writer at a time by design): ``TEST_POSTGRES_URL`` or a
throwaway cluster (durable unless BENCH_DURABILITY=non-durable). Figures only.
"""

from __future__ import annotations

import json
import math
import os
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import header, postgres_server, spread
from registry_manifest import Databases, server, weapons

UPLOADERS = int(os.environ.get("BENCH_UPLOADERS", "10"))
ITEMS = int(os.environ.get("BENCH_UPLOAD_ITEMS", "1000"))
ROUNDS = max(1, int(os.environ.get("BENCH_UPLOAD_ROUNDS", "3")))
MISSION = "MINUSMA"
# ECOWAS and ECCAS member states: each uploads for its own contingent.
STATES = ("SEN", "GHA", "NER", "NGA", "CIV", "BEN", "TGO", "GIN", "GMB", "LBR", "SLE", "CMR")


def percentile(samples: list[float], share: float) -> float:
    """The nearest-rank percentile (``share`` in 0..1) of ``samples``."""
    ordered = sorted(samples)
    rank = max(1, min(len(ordered), math.ceil(share * len(ordered))))
    return ordered[rank - 1]


def state_tokens(http: httpx.Client, workdir: Path, states: tuple[str, ...]) -> dict[str, str]:
    """A manifests:write token of a client of each state (organisations created)."""
    creds = json.loads((workdir / "var" / "credentials.json").read_text())
    operator = http.post("/auth/v1/token", data={"grant_type": "client_credentials", **creds})
    admin = {"Authorization": f"Bearer {operator.json()['access_token']}"}
    tokens: dict[str, str] = {}
    for code in states:
        http.post(
            "/auth/v1/organisations",
            headers=admin,
            json={"type": "member_state", "code": code, "name": code},
        )
        client = http.post(
            "/auth/v1/clients",
            headers=admin,
            json={"organisation": code, "name": "bench", "scopes": ["manifests:write"]},
        ).json()
        token = http.post(
            "/auth/v1/token",
            data={
                "grant_type": "client_credentials",
                "client_id": client["client_id"],
                "client_secret": client["client_secret"],
            },
        )
        tokens[code] = str(token.json()["access_token"])
    return tokens


class LockWaits:
    """Samples ``pg_locks`` of one database in a thread: how many samples saw a backend
    waiting on a lock, out of how many."""

    def __init__(self, url: str) -> None:
        self.engine = create_engine(url, poolclass=NullPool)
        self.samples = self.waiting = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._sample)

    def _sample(self) -> None:
        query = text(
            "SELECT count(*) FROM pg_locks WHERE NOT granted"
            " AND (database IS NULL"
            " OR database = (SELECT oid FROM pg_database WHERE datname = current_database()))"
        )
        with self.engine.connect() as connection:
            while not self.stop.is_set():
                waiting = connection.execute(query).scalar_one()
                connection.rollback()
                self.samples += 1
                self.waiting += 1 if waiting else 0
                time.sleep(0.02)

    def __enter__(self) -> LockWaits:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        self.thread.join()
        self.engine.dispose()


def manifest_body(country: str, round_number: int) -> bytes:
    return json.dumps(
        {
            "direction": "in",
            "mission": MISSION,
            "contributing_country": country,
            "unit": f"{country}BATT {round_number + 1}",
            "crossing_date": "2024-03-01",
            "items": weapons(ITEMS, f"{country}{round_number}"),
        }
    ).encode()


def one_round(
    label: str, workdir: Path, dbs: Databases, urls: dict[str, str], round_number: int
) -> tuple[list[float], float, int, float]:
    """(seconds of each upload answered 201, the round's wall time, failures, share of
    lock samples that saw an upload waiting)."""
    registry = dbs.new(f"uploads_{round_number}")
    states = STATES[:UPLOADERS]
    bodies = {code: manifest_body(code, round_number) for code in states}
    try:
        with (
            server(workdir, {**urls, "registry": registry}) as base,
            httpx.Client(base_url=base, timeout=600) as http,
        ):
            tokens = state_tokens(http, workdir, states)
            # Token verification and the pool warm, as in registry_manifest.py.
            http.get(
                f"/registry/v1/manifests?mission={MISSION}&limit=1",
                headers={"Authorization": f"Bearer {tokens[states[0]]}"},
            )
            barrier = threading.Barrier(len(states))

            def upload(code: str) -> tuple[int, float, str]:
                headers = {
                    "Authorization": f"Bearer {tokens[code]}",
                    "Content-Type": "application/json",
                }
                with httpx.Client(base_url=base, timeout=600) as own:
                    barrier.wait()
                    start = time.perf_counter()
                    response = own.post(
                        "/registry/v1/manifests", content=bodies[code], headers=headers
                    )
                    return response.status_code, time.perf_counter() - start, response.text[:300]

            start = time.perf_counter()
            with LockWaits(registry) as locks, ThreadPoolExecutor(len(states)) as pool:
                answers = list(pool.map(upload, states))
            wall = time.perf_counter() - start
            waited = locks.waiting / max(1, locks.samples)
    finally:
        dbs.drop(registry)
    seconds = [took for status, took, _ in answers if status == 201]
    for code, (status, _, answer) in zip(states, answers, strict=True):
        if status != 201:
            print(f"[{label}] round {round_number + 1}, {code}: {status} {answer}")
    return seconds, wall, len(answers) - len(seconds), waited


def run(label: str, workdir: Path, dbs: Databases) -> None:
    urls = {s: dbs.new(s) for s in ("auth", "declarations")}
    header(
        f"bench/registry_concurrent_uploads.py [{label}]",
        [urls["auth"]],
        scale=f"{UPLOADERS} uploads of {ITEMS:,} weapons at once, {ROUNDS} rounds",
        repeat=ROUNDS,
    )
    samples: list[float] = []
    walls: list[float] = []
    failures = 0
    for r in range(ROUNDS):
        seconds, wall, failed, waited = one_round(label, workdir, dbs, urls, r)
        samples += seconds
        walls.append(wall)
        failures += failed
        median = f"{statistics.median(seconds):.2f} s" if seconds else "-"
        print(
            f"[{label}] round {r + 1}: wall {wall:.2f} s, median upload {median},"
            f" an upload waiting on a lock in {waited:.0%} of the samples",
            flush=True,
        )
    if samples:
        print(
            f"[{label}] one {ITEMS:,}-item upload, {UPLOADERS} contingents at once, to the 201:"
            f" p50 {percentile(samples, 0.5):.2f} s, p95 {percentile(samples, 0.95):.2f} s,"
            f" max {max(samples):.2f} s over {len(samples)} uploads; failed {failures}"
        )
    print(f"[{label}] round wall time (all {UPLOADERS} answered): {spread(walls)}")


def postgres_run() -> None:
    with postgres_server() as url:
        if url is None:
            print("[postgresql] skipped: no TEST_POSTGRES_URL and no PostgreSQL binaries")
            return
        with tempfile.TemporaryDirectory(prefix="bench-uploads-") as tmp:
            dbs = Databases(Path(tmp), url)
            try:
                run("postgresql", Path(tmp), dbs)
            finally:
                dbs.close()


if __name__ == "__main__":
    postgres_run()
