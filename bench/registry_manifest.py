"""Registry bench: a 100,000-item manifest end to end, raw bulk insert, holdings latency.

Starts the embedded register (``regctl serve all``) in a subprocess on
127.0.0.1 with fresh databases, gets a real member-state token, and prints:

- items/s of ``POST /registry/v1/manifests`` with 100,000 weapons;
- the time of a raw bulk insert of the same rows into the same table (COPY on
  PostgreSQL, executemany in one transaction on SQLite) and the ratio;
- median latency of ``/holdings`` and ``/reconciliation`` (first page) for a
  mission holding 50,000 items.

SQLite always; PostgreSQL when ``TEST_POSTGRES_URL`` is set or a throwaway
cluster can be started (as scripts/test.sh does). Figures only, no assertions.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from services.common.database import make_engine
from services.registry.manifests.drafts import ManifestDraft
from services.registry.manifests.item_rules import prepare_items
from services.registry.manifests.repository import bulk_insert_manifest_items
from services.registry.manifests.schemas import ManifestHeader
from services.registry.models import Manifest

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
ITEMS = int(os.environ.get("BENCH_ITEMS", "100000"))
MISSION_ITEMS = int(os.environ.get("BENCH_MISSION_ITEMS", "50000"))
SERVICES = ("auth", "registry", "declarations")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def weapons(count: int, prefix: str) -> list[dict[str, Any]]:
    makers = ["Kalashnikov Concern", "FN Herstal", "Norinco", "Heckler & Koch"]
    return [
        {
            "kind": "weapon",
            "category": "assault_rifle",
            "manufacturer": makers[i % 4],
            "model": "AK-103",
            "calibre": "7.62x39mm",
            "serial_number": f"{prefix}-{i:08d}",
            "year_of_manufacture": 2015,
            "country_of_manufacture": "RUS",
        }
        for i in range(count)
    ]


def body(items: list[dict[str, Any]], mission: str) -> bytes:
    return json.dumps(
        {
            "direction": "in",
            "mission": mission,
            "contributing_country": "SEN",
            "unit": "SENBATT 7",
            "crossing_date": "2024-03-01",
            "items": items,
        }
    ).encode()


@contextmanager
def server(workdir: Path, urls: dict[str, str]) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "PORT": str(port), "HOST": "127.0.0.1", "PYTHONPATH": str(ROOT)}
    for service, url in urls.items():
        env[f"{service.upper()}_DATABASE_URL"] = url
        env[f"{service.upper()}_LOG_LEVEL"] = "WARNING"
    log = (workdir / "server.log").open("w")
    process = subprocess.Popen(
        [PYTHON, "-m", "services.cli.main", "serve", "all"],
        cwd=workdir,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/registry/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None:
                raise RuntimeError((workdir / "server.log").read_text())
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def member_token(http: httpx.Client, workdir: Path) -> str:
    creds = json.loads((workdir / "var" / "credentials.json").read_text())
    admin = http.post("/auth/v1/token", data={"grant_type": "client_credentials", **creds}).json()[
        "access_token"
    ]
    admin_h = {"Authorization": f"Bearer {admin}"}
    http.post(
        "/auth/v1/organisations",
        headers=admin_h,
        json={"type": "member_state", "code": "SEN", "name": "Senegal"},
    )
    client = http.post(
        "/auth/v1/clients",
        headers=admin_h,
        json={
            "organisation": "SEN",
            "name": "bench",
            "scopes": ["manifests:write", "register:read"],
        },
    ).json()
    return str(
        http.post(
            "/auth/v1/token",
            data={
                "grant_type": "client_credentials",
                "client_id": client["client_id"],
                "client_secret": client["client_secret"],
            },
        ).json()["access_token"]
    )


def raw_insert_seconds(url: str, items: list[dict[str, Any]]) -> float:
    """Time the bulk insert alone (rows prepared beforehand), committed."""
    header = ManifestHeader.model_validate(
        {
            "direction": "in",
            "mission": "MONUSCO",
            "contributing_country": "CIV",
            "unit": "raw",
            "crossing_date": date(2024, 3, 1),
        }
    )
    manifest_id = str(uuid.uuid4())
    draft = ManifestDraft(header=header, items=items)  # type: ignore[arg-type]
    rows = prepare_items(manifest_id=manifest_id, draft=draft)
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            session.add(
                Manifest(
                    id=manifest_id,
                    direction="in",
                    mission_code="MONUSCO",
                    contributing_country="CIV",
                    unit="raw",
                    crossing_date=date(2024, 3, 1),
                    item_count=len(rows),
                    submitted_by="bench",
                )
            )
            session.flush()
            start = time.perf_counter()
            bulk_insert_manifest_items(session, rows)
            session.commit()
            return time.perf_counter() - start
    finally:
        engine.dispose()


def wait_indexed(url: str) -> float:
    """Seconds until the serial neighbourhood backlog is empty (polled every 20 ms)."""
    engine = create_engine(url)
    start = time.perf_counter()
    try:
        with engine.connect() as conn:
            while conn.execute(text("SELECT count(*) FROM serial_index_backlog")).scalar():
                conn.rollback()
                time.sleep(0.02)
    finally:
        engine.dispose()
    return time.perf_counter() - start


def median_ms(http: httpx.Client, path: str, headers: dict[str, str], runs: int = 7) -> float:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        response = http.get(path, headers=headers)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.text
    return statistics.median(timings)


def run(label: str, workdir: Path, urls: dict[str, str]) -> None:
    big = weapons(ITEMS, "KC")
    payload = body(big, "MINUSCA")
    mission_payload = body(weapons(MISSION_ITEMS, "MN"), "MINUSMA")
    with server(workdir, urls) as base, httpx.Client(base_url=base, timeout=600) as http:
        headers = {
            "Authorization": f"Bearer {member_token(http, workdir)}",
            "Content-Type": "application/json",
        }
        start = time.perf_counter()
        response = http.post("/registry/v1/manifests", content=payload, headers=headers)
        elapsed = time.perf_counter() - start
        assert response.status_code == 201, response.text[:2000]
        indexed = wait_indexed(urls["registry"])
        raw = raw_insert_seconds(urls["registry"], big)
        print(
            f"[{label}] POST manifest {ITEMS} items: {elapsed:.2f} s = "
            f"{ITEMS / elapsed:,.0f} items/s (target >= 50,000)"
        )
        print(
            f"[{label}] the registry's background indexer took the manifest into the serial"
            f" neighbourhood index {indexed:.2f} s after the response ({ITEMS / indexed:,.0f}"
            " items/s; trace probes instead until then)"
        )
        print(
            f"[{label}] raw bulk insert of the same rows: {raw:.2f} s; "
            f"end-to-end / raw = {elapsed / raw:.2f}x (goal <= 2x)"
        )
        response = http.post("/registry/v1/manifests", content=mission_payload, headers=headers)
        assert response.status_code == 201, response.text[:2000]
        wait_indexed(urls["registry"])
        for name in ("holdings", "reconciliation"):
            ms = median_ms(http, f"/registry/v1/{name}?mission=MINUSMA&limit=100", headers)
            print(
                f"[{label}] {name} of a {MISSION_ITEMS}-item mission: median {ms:.0f} ms "
                "(target < 300 ms)"
            )


def sqlite_run() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-registry-") as tmp:
        workdir = Path(tmp)
        urls = {s: f"sqlite:///{workdir / 'var' / (s + '.db')}" for s in SERVICES}
        run("sqlite", workdir, urls)


@contextmanager
def postgres_server() -> Iterator[str | None]:
    if os.environ.get("TEST_POSTGRES_URL"):
        yield os.environ["TEST_POSTGRES_URL"]
        return
    bindirs = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
    initdb = shutil.which("initdb") or next((str(d / "initdb") for d in bindirs), None)
    if initdb is None:
        yield None
        return
    bindir = Path(initdb).parent
    tmp = Path(tempfile.mkdtemp(prefix="bench-pg-"))
    run_as: list[str] = []
    if os.getuid() == 0:
        shutil.chown(tmp, "postgres")
        run_as = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    data = tmp / "data"
    subprocess.run(
        [
            *run_as,
            str(bindir / "initdb"),
            "-D",
            str(data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
        ],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [
            *run_as,
            str(bindir / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(tmp / "log"),
            "-w",
            "start",
            "-o",
            f"-c listen_addresses=127.0.0.1 -p {port} -k {tmp} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c shared_buffers=4GB",
        ],
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*run_as, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
        )
        shutil.rmtree(tmp, ignore_errors=True)


def postgres_run() -> None:
    with postgres_server() as url:
        if url is None:
            print("[postgresql] skipped: no TEST_POSTGRES_URL and no PostgreSQL binaries")
            return
        admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
        suffix = uuid.uuid4().hex[:8]
        names = {s: f"bench_{s}_{suffix}" for s in SERVICES}
        try:
            with admin.connect() as c:
                for name in names.values():
                    c.execute(text(f'CREATE DATABASE "{name}"'))
            urls = {
                s: make_url(url).set(database=n).render_as_string(hide_password=False)
                for s, n in names.items()
            }
            with tempfile.TemporaryDirectory(prefix="bench-registry-") as tmp:
                run("postgresql", Path(tmp), urls)
        finally:
            with admin.connect() as c:
                for name in names.values():
                    c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    sqlite_run()
    postgres_run()
