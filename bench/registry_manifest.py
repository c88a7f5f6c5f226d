"""Registry bench: a 100,000-item manifest end to end against a raw bulk insert, and the
whole holdings and reconciliation of a 50,000-item mission, cold and warm.

Starts the embedded register (``regctl serve all``) in a subprocess on 127.0.0.1, gets
a real member-state token, and prints, each as a median with the min–max of
``BENCH_REPEAT`` repetitions (default 5):

- POST /registry/v1/manifests with ``BENCH_ITEMS`` (default 100,000) weapons, timed
  from the request to the 201 response. Every repetition runs on a fresh, migrated,
  empty registry database with a freshly started server (one GET first, so token
  verification and the connection pool are warm; the POST is its first manifest).
- The raw baseline: the same rows (prepared beforehand, untimed) bulk-inserted into a
  fresh, migrated, empty registry database (COPY on PostgreSQL, executemany in one
  transaction on SQLite), timed to the commit. It alternates with the end-to-end
  runs, so both meet the same machine; the ratio is per repetition.
- How long the background indexer took to take each manifest into the serial
  neighbourhood index after the response.
- /holdings and /reconciliation of a mission of ``BENCH_MISSION_ITEMS`` (default
  50,000) items, in a register that also holds the manifest above: the whole answer,
  every page of ``limit=1000`` (the largest) following ``next_cursor``, responses parsed.
  Cold: the first request for the mission after the server (and a cluster of our own:
  its shared buffers) restarted, with one request for another mission before it; the
  operating system's page cache is not dropped. Warm: then one untimed walk (the
  second walk after a start is slower than the ones after it) and three timed walks,
  each followed by the first page alone (``limit=100``), printed too, labelled as such.

A request that does not answer 2xx is a failed run: printed, counted, not a sample.
SQLite (unless BENCH_SQLITE=0), then PostgreSQL when ``TEST_POSTGRES_URL`` is set or a
throwaway cluster can be started (durable unless BENCH_DURABILITY=non-durable).
Figures only, no assertions.
"""

from __future__ import annotations

import json
import os
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
from sqlalchemy.pool import NullPool
from sqlmodel import Session

from services.common import migrations
from services.common.database import make_engine
from services.registry.manifests.drafts import ManifestDraft
from services.registry.manifests.item_rules import prepare_items
from services.registry.manifests.repository import bulk_insert_manifest_items
from services.registry.manifests.schemas import ManifestHeader
from services.registry.models import Manifest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (
    REPEAT,
    can_restart_postgres,
    free_port,
    header,
    postgres_server,
    restart_postgres,
    spread,
)

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
ITEMS = int(os.environ.get("BENCH_ITEMS", "100000"))
MISSION_ITEMS = int(os.environ.get("BENCH_MISSION_ITEMS", "50000"))
PAGE = 1000  # the largest page the API serves
WARM_WALKS = 3  # timed warm walks after each cold one
SERVICES = ("auth", "registry", "declarations")


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


def auth_headers(http: httpx.Client, workdir: Path) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {member_token(http, workdir)}",
        "Content-Type": "application/json",
    }


class Databases:
    """Fresh, empty databases: SQLite files under ``workdir``, or databases on ``server``."""

    def __init__(self, workdir: Path, server_url: str | None) -> None:
        self.workdir = workdir
        self.server_url = server_url
        self.suffix = uuid.uuid4().hex[:8]
        self.created: list[str] = []
        self.admin = (
            create_engine(
                make_url(server_url).set(database="postgres"),
                isolation_level="AUTOCOMMIT",
                poolclass=NullPool,
            )
            if server_url
            else None
        )

    def new(self, name: str) -> str:
        if self.admin is None or self.server_url is None:
            path = self.workdir / "var" / f"{name}.db"
            path.parent.mkdir(parents=True, exist_ok=True)
            return f"sqlite:///{path}"
        database = f"bench_{name}_{self.suffix}"
        with self.admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{database}"'))
        self.created.append(database)
        return (
            make_url(self.server_url).set(database=database).render_as_string(hide_password=False)
        )

    def drop(self, url: str) -> None:
        database = make_url(url).database or ""
        if self.admin is None:
            for tail in ("", "-wal", "-shm"):
                Path(database + tail).unlink(missing_ok=True)
            return
        with self.admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        self.created.remove(database)

    def close(self) -> None:
        if self.admin is None:
            return
        with self.admin.connect() as c:
            for database in self.created:
                c.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        self.admin.dispose()


def raw_insert_seconds(url: str, items: list[dict[str, Any]]) -> float:
    """Time the bulk insert alone (rows prepared beforehand), committed."""
    header = ManifestHeader.model_validate(
        {
            "direction": "in",
            "mission": "MINUSCA",
            "contributing_country": "SEN",
            "unit": "SENBATT 7",
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
                    mission_code="MINUSCA",
                    contributing_country="SEN",
                    unit="SENBATT 7",
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


def walk(http: httpx.Client, name: str, headers: dict[str, str]) -> tuple[float, int, int]:
    """(seconds, rows, pages) of every page of ``name`` for the mission; raises on non-200."""
    rows = pages = 0
    cursor: str | None = None
    start = time.perf_counter()
    while True:
        params: dict[str, str | int] = {"mission": "MINUSMA", "limit": PAGE}
        if cursor:
            params["cursor"] = cursor
        response = http.get(f"/registry/v1/{name}", params=params, headers=headers)
        if response.status_code != 200:
            raise RuntimeError(
                f"{name} page {pages + 1}: {response.status_code} {response.text[:300]}"
            )
        page = response.json()
        rows += len(page["items"])
        pages += 1
        cursor = page.get("next_cursor")
        if not cursor:
            return time.perf_counter() - start, rows, pages


def first_page_seconds(http: httpx.Client, name: str, headers: dict[str, str]) -> float:
    start = time.perf_counter()
    response = http.get(f"/registry/v1/{name}?mission=MINUSMA&limit=100", headers=headers)
    elapsed = time.perf_counter() - start
    if response.status_code != 200:
        raise RuntimeError(f"{name} first page: {response.status_code} {response.text[:300]}")
    return elapsed


def manifest_figures(label: str, workdir: Path, dbs: Databases, urls: dict[str, str]) -> str:
    """End to end against raw, repeated; returns the last repetition's registry URL."""
    big = weapons(ITEMS, "KC")
    payload = body(big, "MINUSCA")
    e2e: list[float] = []
    raw: list[float] = []
    ratios: list[float] = []
    indexed: list[float] = []
    failures = 0
    registry = ""
    for r in range(REPEAT):
        if registry:
            dbs.drop(registry)
        registry = dbs.new(f"registry_{r}")
        elapsed: float | None = None
        with (
            server(workdir, {**urls, "registry": registry}) as base,
            httpx.Client(base_url=base, timeout=600) as http,
        ):
            headers = auth_headers(http, workdir)
            http.get("/registry/v1/holdings?mission=MINUSCA&limit=1", headers=headers)  # warm-up
            start = time.perf_counter()
            response = http.post("/registry/v1/manifests", content=payload, headers=headers)
            took = time.perf_counter() - start
            if response.status_code == 201:
                elapsed = took
                e2e.append(took)
                indexed.append(wait_indexed(registry))
            else:
                failures += 1
                failure = f"{response.status_code} {response.text[:300]}"
                print(f"[{label}] run {r + 1}: POST failed, {failure}")
        raw_url = dbs.new(f"raw_{r}")
        migrations.upgrade("registry", raw_url)
        raw.append(raw_insert_seconds(raw_url, big))
        dbs.drop(raw_url)
        if elapsed is not None:
            ratios.append(elapsed / raw[-1])
    rates = [ITEMS / s for s in e2e]
    print(
        f"[{label}] POST manifest of {ITEMS:,} items into an empty registry, to the 201:"
        f" {spread(rates, '{:,.0f}', ' items/s')}; time {spread(e2e)};"
        f" failed {failures} of {REPEAT} (target >= 50,000 items/s)"
    )
    print(
        f"[{label}] raw bulk insert of the same rows into an empty table, to the commit:"
        f" {spread(raw)} ({spread([ITEMS / s for s in raw], '{:,.0f}', ' items/s')})"
    )
    print(
        f"[{label}] end-to-end / raw, per repetition: {spread(ratios, '{:.2f}', 'x')} (goal <= 2x)"
    )
    print(
        f"[{label}] background indexer: the manifest in the serial neighbourhood index"
        f" {spread(indexed)} after the 201 (trace probes instead until then)"
    )
    return registry


def restart(workdir: Path, urls: dict[str, str], pg: bool) -> None:
    """Nothing to do for SQLite (a new server process has empty page caches); our
    PostgreSQL cluster is restarted so its shared buffers are empty too."""
    if pg and can_restart_postgres():
        restart_postgres()


def mission_figures(label: str, workdir: Path, urls: dict[str, str], pg: bool) -> None:
    mission_payload = body(weapons(MISSION_ITEMS, "MN"), "MINUSMA")
    with server(workdir, urls) as base, httpx.Client(base_url=base, timeout=600) as http:
        response = http.post(
            "/registry/v1/manifests", content=mission_payload, headers=auth_headers(http, workdir)
        )
        if response.status_code != 201:
            print(
                f"[{label}] mission manifest refused: {response.status_code} {response.text[:300]}"
            )
            return
        wait_indexed(urls["registry"])
    if not pg:
        cold_means = "new server process (SQLite page cache empty; OS page cache kept)"
    elif can_restart_postgres():
        cold_means = "server and PostgreSQL restarted (shared buffers empty; OS page cache kept)"
    else:
        cold_means = "server restarted; PostgreSQL not ours, its buffers NOT emptied"
    for name in ("holdings", "reconciliation"):
        cold: list[float] = []
        warm: list[float] = []
        first: list[float] = []
        failures = 0
        shape = ""
        for r in range(REPEAT):
            restart(workdir, urls, pg)
            with server(workdir, urls) as base, httpx.Client(base_url=base, timeout=600) as http:
                headers = auth_headers(http, workdir)
                # The server's first-request setup (token keys, pool) on another mission.
                http.get(f"/registry/v1/{name}?mission=MONUSCO&limit=1", headers=headers)
                try:
                    seconds, rows, pages = walk(http, name, headers)
                    cold.append(seconds * 1000)
                    walk(http, name, headers)  # untimed: the walk after the first is slower
                    for _ in range(WARM_WALKS):
                        seconds, rows, pages = walk(http, name, headers)
                        warm.append(seconds * 1000)
                        first.append(first_page_seconds(http, name, headers) * 1000)
                    shape = f"{rows:,} lines in {pages} page(s) of <= {PAGE}"
                except RuntimeError as error:
                    failures += 1
                    print(f"[{label}] run {r + 1}: {error}")
        what = f"{name} of a {MISSION_ITEMS:,}-item mission, whole answer ({shape})"
        print(
            f"[{label}] {what}: cold {spread(cold, '{:.0f}', ' ms')}; warm"
            f" {spread(warm, '{:.0f}', ' ms')}; failed {failures} of {REPEAT}"
            " (target < 300 ms)"
        )
        print(
            f"[{label}]   cold = {cold_means}; first page only (limit=100, warm):"
            f" {spread(first, '{:.0f}', ' ms')}"
        )


def run(label: str, workdir: Path, dbs: Databases) -> None:
    urls = {s: dbs.new(s) for s in ("auth", "declarations")}
    header(
        f"bench/registry_manifest.py [{label}]",
        [urls["auth"]],
        scale=f"manifest {ITEMS:,} items, mission {MISSION_ITEMS:,} items, pages of {PAGE}",
    )
    pg = dbs.admin is not None
    urls["registry"] = manifest_figures(label, workdir, dbs, urls)
    mission_figures(label, workdir, urls, pg)


def sqlite_run() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-registry-") as tmp:
        workdir = Path(tmp)
        run("sqlite", workdir, Databases(workdir, None))


def postgres_run() -> None:
    with postgres_server() as url:
        if url is None:
            print("[postgresql] skipped: no TEST_POSTGRES_URL and no PostgreSQL binaries")
            return
        with tempfile.TemporaryDirectory(prefix="bench-registry-") as tmp:
            dbs = Databases(Path(tmp), url)
            try:
                run("postgresql", Path(tmp), dbs)
            finally:
                dbs.close()


if __name__ == "__main__":
    if os.environ.get("BENCH_SQLITE", "1") != "0":
        sqlite_run()
    postgres_run()
