"""`make run` in miniature: the embedded register served by uvicorn over real HTTP."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import httpx

from tests.e2e.live_server import live_register


def test_served_register_is_ready_and_bootstrapped(
    database_urls: dict[str, str], tmp_path: Path
) -> None:
    var_dir = tmp_path / "var"
    var_dir.mkdir(exist_ok=True)
    with live_register(database_urls, var_dir) as base:
        for service in ("auth", "registry", "declarations"):
            ready = httpx.get(f"{base}/{service}/readyz", timeout=5)
            assert ready.status_code == 200, ready.text
            assert ready.json()["status"] == "ready"

        credentials_file = var_dir / "credentials.json"
        assert stat.S_IMODE(credentials_file.stat().st_mode) == 0o600
        credentials = json.loads(credentials_file.read_text())
        token_response = httpx.post(
            f"{base}/auth/v1/token",
            data={"grant_type": "client_credentials"},
            auth=(credentials["client_id"], credentials["client_secret"]),
            timeout=10,
        )
        assert token_response.status_code == 200, token_response.text
        token = token_response.json()["access_token"]

        # The registry verifies the token against the auth service's JWKS.
        missions = httpx.get(
            f"{base}/registry/v1/missions", headers={"Authorization": f"Bearer {token}"}, timeout=5
        )
        assert missions.status_code == 200, missions.text
        unauthenticated = httpx.get(f"{base}/registry/v1/missions", timeout=5)
        assert unauthenticated.status_code == 401
        assert unauthenticated.headers["content-type"] == "application/problem+json"


def test_served_register_files_are_private(database_urls: dict[str, str], tmp_path: Path) -> None:
    var_dir = tmp_path / "var-private"
    var_dir.mkdir()
    sqlite_urls = {name: f"sqlite:///{var_dir / (name + '.db')}" for name in database_urls}
    if not next(iter(database_urls.values())).startswith("sqlite"):
        sqlite_urls = database_urls  # PostgreSQL: only keys and credentials are files
    with live_register(sqlite_urls, var_dir) as base:
        assert httpx.get(f"{base}/auth/readyz", timeout=5).status_code == 200
    created = [p for p in var_dir.rglob("*") if p.is_file() and not p.name.startswith("server-")]
    assert created
    for path in created:
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path
