"""``regctl serve <service> --workers N``: one listening socket per worker (SO_REUSEPORT)."""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from tests.e2e.live_server import live_register


def _listeners(port: int) -> int:
    """Listening TCP sockets on ``port`` (IPv4), from /proc/net/tcp."""
    wanted = f":{port:04X}"
    lines = Path("/proc/net/tcp").read_text().splitlines()[1:]
    return sum(1 for line in lines if line.split()[1].endswith(wanted) and line.split()[3] == "0A")


def test_each_worker_listens_on_its_own_socket(
    database_urls: dict[str, str], tmp_path: Path
) -> None:
    # One shared socket let the first worker to wake accept a whole burst of keep-alive
    # connections (64/0 seen under load); the kernel spreads them across these sockets.
    var_dir = tmp_path / "var-workers"
    var_dir.mkdir()
    with live_register(database_urls, var_dir, service="registry", workers=2) as base:
        port = int(base.rsplit(":", 1)[1])
        # The register answers once one worker is up; the other may still be starting.
        deadline = time.monotonic() + 60
        while _listeners(port) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _listeners(port) == 2
        for _ in range(10):
            assert httpx.get(f"{base}/registry/healthz", timeout=5).status_code == 200
    assert _listeners(port) == 0  # stopping the supervisor stopped both workers
