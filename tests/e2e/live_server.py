"""Start the register as a real uvicorn process on 127.0.0.1 for end-to-end tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx


class Served(str):
    """The served register's base URL, with its server ``process`` (to kill it)."""

    process: subprocess.Popen[bytes]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def live_register(
    database_urls: dict[str, str],
    var_dir: Path,
    *,
    service: str = "all",
    port: int | None = None,
    extra_env: dict[str, str] | None = None,
    workers: int = 1,
    cwd: Path | None = None,
) -> Iterator[Served]:
    """Serve ``service`` (default: the whole register) and yield its base URL (a ``Served``:
    its ``process`` is the server's).

    ``cwd``: the folder the server runs in; a checkout of another version of the
    register there is the code that serves (``python -m`` puts it first on sys.path).
    """
    port = port or free_port()
    env = dict(os.environ)
    for prefix, name in (
        ("AUTH", "auth"),
        ("REGISTRY", "registry"),
        ("DECLARATIONS", "declarations"),
    ):
        env[f"{prefix}_DATABASE_URL"] = database_urls[name]
        env[f"{prefix}_VAR_DIR"] = str(var_dir)
        env[f"{prefix}_LOG_LEVEL"] = "WARNING"
    env.update(extra_env or {})
    log_path = var_dir / f"server-{service}-{port}.log"
    log = log_path.open("wb")
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "services.cli.main", "serve", service, "--port", str(port)),
            *(("--workers", str(workers)) if workers > 1 else ()),
        ],
        env=env,
        cwd=cwd,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(log_path.read_text(errors="replace"))
            try:
                probe = "auth" if service == "all" else service
                if httpx.get(f"{base}/{probe}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError("the server did not start within 60 s")
            time.sleep(0.2)
        served = Served(base)
        served.process = process
        yield served
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
