"""Faults: a killed server, a restarted database, concurrent duplicates and racing amendments.

Each test counts rows in the service's own database, not only what the API says.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from services.auth.bootstrap import Credentials
from tests.declarations.support import declaration
from tests.registry.factories import MANIFESTS, manifest, weapon
from tests.reliability.conftest import PostgresCluster, count_rows
from tests.reliability.live import LiveRegister, start_register
from tests.support.auth_fixtures import AuthApi

DECLARATIONS = "/declarations/v1/declarations"
BIG = 100_000


def _live_sen_headers(live: LiveRegister, var_dir: Path) -> dict[str, str]:
    """A real SEN ministry token from the live server (operator credentials from bootstrap)."""
    saved = json.loads((var_dir / "credentials.json").read_text())
    with httpx.Client(base_url=live.base_url, timeout=30) as http:
        operator = Credentials(saved["client_id"], saved["client_secret"])
        return AuthApi(http, operator).member_state_headers("SEN")  # type: ignore[arg-type]


def _manifest_rows(registry_url: str) -> tuple[int, int]:
    return count_rows(registry_url, "manifests"), count_rows(registry_url, "manifest_items")


def _big_manifest_body() -> bytes:
    return json.dumps(manifest([weapon(f"KC-{i:07d}") for i in range(BIG)])).encode()


class _WriteWatcher:
    """Tells when the server holds uncommitted manifest rows in the registry database."""

    def __init__(self, registry_url: str) -> None:
        url = make_url(registry_url)
        self.sqlite_wal: Path | None = None
        if url.get_backend_name() == "sqlite":
            self.sqlite_wal = Path(f"{url.database}-wal")
            self.wal_start = self._wal_size()
        else:
            self.engine = create_engine(registry_url, poolclass=None)
            self.database = url.database

    def _wal_size(self) -> int:
        assert self.sqlite_wal is not None
        return self.sqlite_wal.stat().st_size if self.sqlite_wal.exists() else 0

    def writing(self) -> bool:
        if self.sqlite_wal is not None:
            # 100,000 rows overflow SQLite's page cache: uncommitted pages spill into the WAL.
            return self._wal_size() - self.wal_start > 4 * 1024 * 1024
        with self.engine.connect() as connection:
            # backend_xid is set once a transaction has written something.
            return bool(
                connection.execute(
                    text(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = :db"
                        " AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()"
                    ),
                    {"db": self.database},
                ).scalar_one()
            )

    def close(self) -> None:
        if self.sqlite_wal is None:
            self.engine.dispose()


@pytest.mark.slow
def test_server_killed_during_a_100000_item_upload_leaves_no_partial_manifest(
    database_urls: dict[str, str], tmp_path: Path
) -> None:
    var_dir = tmp_path / "var"
    var_dir.mkdir(exist_ok=True)
    registry_url = database_urls["registry"]
    body = _big_manifest_body()
    live = start_register(database_urls, var_dir)
    try:
        headers = {
            **_live_sen_headers(live, var_dir),
            "Content-Type": "application/json",
            "Idempotency-Key": "senbatt-7-rotation-in",
        }

        # 1. Killed while the body is still arriving, half of it sent.
        def slow_body() -> Iterator[bytes]:
            chunk = 256 * 1024
            for start in range(0, len(body), chunk):
                if start >= len(body) // 2:
                    live.kill()
                yield body[start : start + chunk]

        with pytest.raises(httpx.TransportError):
            httpx.post(
                f"{live.base_url}{MANIFESTS}", content=slow_body(), headers=headers, timeout=120
            )
        assert _manifest_rows(registry_url) == (0, 0)

        # 2. Killed while its transaction holds uncommitted rows.
        live = start_register(database_urls, var_dir)
        watcher = _WriteWatcher(registry_url)
        outcome: dict[str, Any] = {}

        def post() -> None:
            try:
                outcome["response"] = httpx.post(
                    f"{live.base_url}{MANIFESTS}", content=body, headers=headers, timeout=300
                )
            except httpx.TransportError as exc:
                outcome["error"] = exc

        sender = threading.Thread(target=post)
        sender.start()
        try:
            while sender.is_alive() and not watcher.writing():
                time.sleep(0.005)
            caught_mid_write = sender.is_alive()
            live.kill()
        finally:
            sender.join()
            watcher.close()
        assert caught_mid_write, f"the upload finished before it was seen writing: {outcome}"
        assert "error" in outcome
        assert _manifest_rows(registry_url) == (0, 0)

        # The same databases served again: ready, and the retry (same key) stores it all.
        live = start_register(database_urls, var_dir)
        assert httpx.get(f"{live.base_url}/registry/readyz", timeout=10).status_code == 200
        retried = httpx.post(
            f"{live.base_url}{MANIFESTS}", content=body, headers=headers, timeout=300
        )
        assert retried.status_code == 201, retried.text
        assert "Idempotent-Replayed" not in retried.headers
        assert _manifest_rows(registry_url) == (1, BIG)
    finally:
        live.stop()


def test_postgresql_outage_is_reported_by_readyz_and_survived_without_restarting_the_app(
    client: TestClient, auth_api: AuthApi, stoppable_postgres: PostgresCluster
) -> None:
    sen = auth_api.member_state_headers("SEN")
    before = client.post(MANIFESTS, json=manifest([weapon("KC-0000001")]), headers=sen)
    assert before.status_code == 201, before.text

    stoppable_postgres.stop()
    try:
        for service in ("auth", "registry", "declarations"):
            down = client.get(f"/{service}/readyz")
            assert down.status_code == 503, down.text
            assert down.json()["code"] == "database_unavailable"
        during = client.post(MANIFESTS, json=manifest([weapon("KC-0000002")]), headers=sen)
        assert during.status_code == 503, during.text
        assert during.json()["code"] == "database_unavailable"
    finally:
        stoppable_postgres.start()

    for service in ("auth", "registry", "declarations"):
        assert client.get(f"/{service}/readyz").status_code == 200
    after = client.post(MANIFESTS, json=manifest([weapon("KC-0000003")]), headers=sen)
    assert after.status_code == 201, after.text
    listed = client.get(MANIFESTS, headers=sen).json()["items"]
    assert sorted(m["id"] for m in listed) == sorted([before.json()["id"], after.json()["id"]])


def test_fifty_concurrent_duplicates_with_one_idempotency_key_create_one_manifest(
    client: TestClient, auth_api: AuthApi, database_urls: dict[str, str]
) -> None:
    headers = {**auth_api.member_state_headers("SEN"), "Idempotency-Key": "senbatt-7-in-2024"}
    body = manifest([weapon(f"KC-{i:07d}") for i in range(25)])
    start = threading.Barrier(50)

    def post(_: int) -> httpx.Response:
        start.wait()
        return client.post(MANIFESTS, json=body, headers=headers)

    with ThreadPoolExecutor(max_workers=50) as pool:
        responses = list(pool.map(post, range(50)))

    assert Counter(r.status_code for r in responses) == {201: 50}, [
        r.text for r in responses if r.status_code != 201
    ]
    assert len({r.json()["id"] for r in responses}) == 1
    assert sum(r.headers.get("Idempotent-Replayed") == "true" for r in responses) == 49
    assert _manifest_rows(database_urls["registry"]) == (1, 25)


def test_concurrent_amendments_with_one_etag_let_exactly_one_win(
    client: TestClient, auth_api: AuthApi, database_urls: dict[str, str]
) -> None:
    headers = auth_api.member_state_headers("SEN", ("declarations:write", "register:read"))
    created = client.post(DECLARATIONS, json=declaration(), headers=headers)
    assert created.status_code == 201, created.text
    url = f"{DECLARATIONS}/{created.json()['id']}/amendments"
    etag = created.headers["ETag"]
    racers = 12
    start = threading.Barrier(racers)

    def amend(n: int) -> httpx.Response:
        start.wait()
        change = {"reason": f"correction {n}", "changes": {"circumstances": f"account {n}"}}
        return client.post(url, json=change, headers={**headers, "If-Match": etag})

    with ThreadPoolExecutor(max_workers=racers) as pool:
        responses = list(pool.map(amend, range(racers)))

    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: 1, 412: racers - 1}, [r.text for r in responses]
    versions = client.get(f"{DECLARATIONS}/{created.json()['id']}/versions", headers=headers)
    assert [v["version"] for v in versions.json()["items"]] == [1, 2]
    assert count_rows(database_urls["declarations"], "declaration_versions") == 2
