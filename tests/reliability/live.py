"""A register served by a real uvicorn process that a test may kill and start again.

Unlike ``tests/e2e/live_server.py`` (which always stops its server politely), this
hands out the process so fault tests can SIGKILL it mid-request and then serve the
same databases again.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.e2e.live_server import free_port


@dataclass
class LiveRegister:
    """One ``regctl serve all`` process on 127.0.0.1."""

    process: subprocess.Popen[bytes]
    base_url: str
    log_path: Path

    def kill(self) -> None:
        """SIGKILL: no shutdown hooks, no rollback from the app, as a power cut would."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        """Terminate politely (used in cleanup)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


def start_register(database_urls: dict[str, str], var_dir: Path) -> LiveRegister:
    """Serve the whole register on ``database_urls``; returns once ``/auth/healthz`` answers."""
    port = free_port()
    env = dict(os.environ)
    for prefix, name in (
        ("AUTH", "auth"),
        ("REGISTRY", "registry"),
        ("DECLARATIONS", "declarations"),
    ):
        env[f"{prefix}_DATABASE_URL"] = database_urls[name]
        env[f"{prefix}_VAR_DIR"] = str(var_dir)
        env[f"{prefix}_LOG_LEVEL"] = "WARNING"
    env["DECLARATIONS_INDEX_RELAY_ENABLED"] = "false"
    log_path = var_dir / f"server-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "services.cli.main", "serve", "all", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    live = LiveRegister(process, f"http://127.0.0.1:{port}", log_path)
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            raise RuntimeError(log_path.read_text(errors="replace"))
        try:
            if httpx.get(f"{live.base_url}/auth/healthz", timeout=1).status_code == 200:
                return live
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            live.stop()
            raise TimeoutError("the server did not start within 60 s")
        time.sleep(0.2)
