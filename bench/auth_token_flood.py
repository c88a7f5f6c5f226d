"""Auth bench: a ministry's token request while the token endpoint is flooded.

Runs the real register (``regctl serve all`` on SQLite files, the embedded
default, behind a trusted proxy address so each caller has its own address as
it would behind nginx) and floods ``POST /auth/v1/token`` from ``BENCH_FLOODERS``
(default 32) threads at one address with wrong secrets, while one ministry at
another address asks for tokens with its right secret, one after another.
Prints the cost of one argon2id check (the floor), the ministry's wait (p50,
p95, max over ``BENCH_TOKENS`` requests, default 20), and what the flood got
(answered, refused 429, tokens/s checked). Figures only.
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import threading
import time
from pathlib import Path

import httpx
from _common import free_port, start_sqlite_register

from services.auth.clients import secrets
from services.auth.settings import AuthSettings

FLOODERS = int(os.environ.get("BENCH_FLOODERS", "32"))
TOKENS = int(os.environ.get("BENCH_TOKENS", "20"))
FLOOD_ADDRESS = "198.51.100.7"
MINISTRY_ADDRESS = "203.0.113.20"


def one_check_seconds() -> float:
    settings = AuthSettings()
    stored = secrets.hash_secret(settings, "x" * 43)
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        secrets.verify_secret(settings, stored, "x" * 43)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-auth-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    print(f"database: sqlite (embedded default); {os.cpu_count()} CPUs; {FLOODERS} flooders")
    print(f"one argon2id check (default cost): {one_check_seconds() * 1000:.0f} ms")
    server = start_sqlite_register(work, port, args=("--forwarded-allow-ips", "127.0.0.1"))
    try:
        operator = json.loads((work / "credentials.json").read_text())
        form = {
            "grant_type": "client_credentials",
            "client_id": operator["client_id"],
            "client_secret": operator["client_secret"],
        }
        ministry = {"X-Forwarded-For": MINISTRY_ADDRESS}
        assert httpx.post(f"{base}/auth/v1/token", data=form, headers=ministry).status_code == 200

        stop = threading.Event()
        flood_outcomes: dict[int, int] = {}
        lock = threading.Lock()

        def flood() -> None:
            wrong = {**form, "client_id": "sen-0000000000000000", "client_secret": "wrong"}
            with httpx.Client(base_url=base, timeout=60) as http:
                while not stop.is_set():
                    status = http.post(
                        "/auth/v1/token", data=wrong, headers={"X-Forwarded-For": FLOOD_ADDRESS}
                    ).status_code
                    with lock:
                        flood_outcomes[status] = flood_outcomes.get(status, 0) + 1

        flooders = [threading.Thread(target=flood) for _ in range(FLOODERS)]
        flood_started = time.perf_counter()
        for thread in flooders:
            thread.start()
        time.sleep(2)  # let the flood fill the queue first
        waits = []
        refused = 0
        with httpx.Client(base_url=base, timeout=60, headers=ministry) as http:
            for _ in range(TOKENS):
                started = time.perf_counter()
                response = http.post("/auth/v1/token", data=form)
                waits.append(time.perf_counter() - started)
                refused += response.status_code != 200
        stop.set()
        for thread in flooders:
            thread.join()
        flood_seconds = time.perf_counter() - flood_started
    finally:
        server.terminate()
        server.wait(timeout=30)
    waits.sort()
    p95 = waits[min(len(waits) - 1, round(0.95 * (len(waits) - 1)))]
    print(
        f"ministry's token under the flood: p50 {statistics.median(waits) * 1000:.0f} ms,"
        f" p95 {p95 * 1000:.0f} ms, max {waits[-1] * 1000:.0f} ms over {len(waits)} requests"
        f" ({refused} not served)"
    )
    answered = sum(flood_outcomes.values())
    checked = flood_outcomes.get(401, 0)
    print(
        f"flood: {answered:,} answered in {flood_seconds:.1f} s: {checked:,} checked (401,"
        f" {checked / flood_seconds:.1f}/s), {flood_outcomes.get(429, 0):,} told to slow down (429)"
    )


if __name__ == "__main__":
    main()
