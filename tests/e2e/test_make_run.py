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


def _refused_token_address(
    base: str, var_dir: Path, forwarded_for: str, client_id: str
) -> str | None:
    """Where the audit trail says a refused token request came from."""
    refused = httpx.post(
        f"{base}/auth/v1/token",
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": "x"},
        headers={"X-Forwarded-For": forwarded_for},
        timeout=10,
    )
    assert refused.status_code == 401, refused.text
    credentials = json.loads((var_dir / "credentials.json").read_text())
    token = httpx.post(
        f"{base}/auth/v1/token",
        data={"grant_type": "client_credentials"},
        auth=(credentials["client_id"], credentials["client_secret"]),
        timeout=10,
    ).json()["access_token"]
    audit = httpx.get(
        f"{base}/auth/v1/audit",
        params={"subject": client_id},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert audit.status_code == 200, audit.text
    (event,) = audit.json()["items"]
    address: str | None = event["address"]
    return address


def test_only_a_configured_proxy_may_name_the_client_address(
    database_urls: dict[str, str], tmp_path: Path
) -> None:
    # Token-failure limits and the audit trail key on the address: by default a caller
    # cannot choose it with X-Forwarded-For, not even from the loopback.
    var_dir = tmp_path / "var-proxy"
    var_dir.mkdir()
    with live_register(database_urls, var_dir) as base:
        assert _refused_token_address(base, var_dir, "10.9.9.9", "nobody-1") == "127.0.0.1"
    trusted = {"FORWARDED_ALLOW_IPS": "127.0.0.1"}
    with live_register(database_urls, var_dir, extra_env=trusted) as base:
        assert _refused_token_address(base, var_dir, "10.9.9.9", "nobody-2") == "10.9.9.9"
