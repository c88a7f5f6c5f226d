"""What every bench script shares: the header line, repetitions and their spread, the
database's durability as the server reports it, and a throwaway PostgreSQL cluster.

Every figure is measured ``BENCH_REPEAT`` times (default 5) and printed as its median
with the minimum and maximum of the repetitions and their number, so a reader sees
how far one run moves from the next on a machine shared with other work.

A throwaway cluster (when ``TEST_POSTGRES_URL`` is not set and bench/run.sh did not
start one) has a production database's durability unless ``BENCH_DURABILITY`` is
``non-durable``. The header line reads the settings from the server itself
(``SHOW fsync`` ...), so a figure is never printed without the durability it had.
"""

from __future__ import annotations

import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

REPEAT = max(1, int(os.environ.get("BENCH_REPEAT", "5")))
DURABLE_OPTIONS = "-c fsync=on -c synchronous_commit=on -c full_page_writes=on"
NON_DURABLE_OPTIONS = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
_SQLITE_SYNC = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def spread(samples: Sequence[float], fmt: str = "{:.2f}", unit: str = " s") -> str:
    """``median 1.20 s (min–max 1.10–1.45 s, 5 runs)``; ``no successful run`` if empty."""
    if not samples:
        return "no successful run"
    med = fmt.format(statistics.median(samples))
    if len(samples) == 1:
        return f"{med}{unit} (1 run, no spread)"
    low, high = fmt.format(min(samples)), fmt.format(max(samples))
    return f"median {med}{unit} (min–max {low}–{high}{unit}, {len(samples)} runs)"


def durability(url: str) -> str:
    """The database and its durability settings, read from the database itself."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_durability()
    engine = create_engine(parsed)
    try:
        with engine.connect() as conn:
            version = conn.execute(text("SHOW server_version")).scalar()
            settings = {
                name: str(conn.execute(text(f"SHOW {name}")).scalar())
                for name in ("fsync", "synchronous_commit", "full_page_writes", "shared_buffers")
            }
    finally:
        engine.dispose()
    durable = (
        settings["fsync"] == "on"
        and settings["full_page_writes"] == "on"
        and settings["synchronous_commit"] != "off"
    )
    verdict = (
        "durable: each commit waits for its WAL flush"
        if durable
        else "NON-DURABLE: a crash can lose or corrupt committed data; commit-bound figures"
        " are flattered"
    )
    return (
        f"PostgreSQL {version} on {parsed.host}:{parsed.port}, fsync={settings['fsync']}"
        f" synchronous_commit={settings['synchronous_commit']}"
        f" full_page_writes={settings['full_page_writes']}"
        f" shared_buffers={settings['shared_buffers']} ({verdict})"
    )


def _sqlite_durability() -> str:
    """The pragmas the services' own engine sets (read from a scratch database)."""
    from services.common.database import make_engine

    with tempfile.TemporaryDirectory(prefix="bench-sqlite-probe-") as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'probe.db'}")
        try:
            with engine.connect() as conn:
                journal = conn.execute(text("PRAGMA journal_mode")).scalar()
                sync = int(conn.execute(text("PRAGMA synchronous")).scalar() or 0)
                version = conn.execute(text("SELECT sqlite_version()")).scalar()
        finally:
            engine.dispose()
    mode = _SQLITE_SYNC.get(sync, str(sync))
    if str(journal).lower() == "wal" and mode == "NORMAL":
        verdict = "as the services set it: a commit survives a process crash, not a power loss"
    elif mode in ("FULL", "EXTRA"):
        verdict = "durable"
    else:
        verdict = "NON-DURABLE"
    return f"SQLite {version}, journal_mode={journal} synchronous={mode} ({verdict})"


def header(script: str, databases: Sequence[str], *, scale: str, repeat: int = REPEAT) -> None:
    """One line saying what ran where, how durably, how often and how big."""
    seen: list[str] = []
    for url in databases:
        described = durability(url)
        if described not in seen:
            seen.append(described)
    print(
        f"# {script} | {'; '.join(seen)} | repetitions: {repeat} | scale: {scale}"
        f" | {os.cpu_count()} CPUs | {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        flush=True,
    )


# --- a throwaway PostgreSQL cluster ---------------------------------------------------


def _run_as() -> list[str]:
    return ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []


def can_restart_postgres() -> bool:
    """Is the cluster ours (bench/run.sh's or :func:`postgres_server`'s), so a cold
    figure can restart it to empty its shared buffers?"""
    return bool(os.environ.get("BENCH_PG_BINDIR") and os.environ.get("BENCH_PG_DATA"))


def restart_postgres() -> None:
    """Restart our cluster with the options it was started with (``postmaster.opts``):
    its shared buffers start empty. The operating system's page cache is not dropped."""
    bindir, data = Path(os.environ["BENCH_PG_BINDIR"]), Path(os.environ["BENCH_PG_DATA"])
    subprocess.run(
        [
            *_run_as(),
            str(bindir / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(data.parent / "restart.log"),
            "-w",
            "-t",
            "120",
            "-m",
            "fast",
            "restart",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@contextmanager
def postgres_server() -> Iterator[str | None]:
    """TEST_POSTGRES_URL, or a throwaway cluster of our own (None without binaries)."""
    if os.environ.get("TEST_POSTGRES_URL"):
        yield os.environ["TEST_POSTGRES_URL"]
        return
    bindirs = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
    initdb = shutil.which("initdb") or next((str(d / "initdb") for d in bindirs), None)
    if initdb is None:
        yield None
        return
    mode = os.environ.get("BENCH_DURABILITY", "durable")
    if mode not in ("durable", "non-durable"):
        sys.exit("BENCH_DURABILITY must be durable or non-durable here (both: bench/run.sh)")
    options = DURABLE_OPTIONS if mode == "durable" else NON_DURABLE_OPTIONS
    bindir = Path(initdb).parent
    tmp = Path(tempfile.mkdtemp(prefix="bench-pg-"))
    run_as = _run_as()
    if run_as:
        shutil.chown(tmp, "postgres")
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
            "--locale=C.UTF-8",
        ],
        check=True,
        capture_output=True,
    )
    extra = os.environ.get("PG_EXTRA_OPTIONS", "-c shared_buffers=4GB")
    server_options = f"-c listen_addresses=127.0.0.1 -p {port} -k {tmp} {options} {extra}"
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
            server_options,
        ],
        check=True,
        capture_output=True,
    )
    os.environ["BENCH_PG_BINDIR"], os.environ["BENCH_PG_DATA"] = str(bindir), str(data)
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        os.environ.pop("BENCH_PG_BINDIR", None)
        os.environ.pop("BENCH_PG_DATA", None)
        subprocess.run(
            [*run_as, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
        )
        shutil.rmtree(tmp, ignore_errors=True)


@contextmanager
def throwaway_databases(
    server_url: str, prefix: str, services: Sequence[str]
) -> Iterator[dict[str, str]]:
    """One new database per service on ``server_url`` (``bench_<prefix>_<service>_<id>``),
    their URLs by service, each dropped (sessions and all) when the block ends."""
    admin = create_engine(
        make_url(server_url).set(database="postgres"), isolation_level="AUTOCOMMIT"
    )
    suffix = uuid.uuid4().hex[:8]
    names = {s: f"bench_{prefix}_{s}_{suffix}" for s in services}
    try:
        with admin.connect() as c:
            for name in names.values():
                c.execute(text(f'CREATE DATABASE "{name}"'))
        yield {
            s: make_url(server_url).set(database=n).render_as_string(hide_password=False)
            for s, n in names.items()
        }
    finally:
        with admin.connect() as c:
            for name in names.values():
                c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def start_sqlite_register(
    work: Path, port: int, *, args: Sequence[str] = (), env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """``regctl serve all`` on SQLite files in ``work`` (the embedded default), once ready."""
    import httpx

    environment = dict(os.environ, PORT=str(port), DECLARATIONS_INDEX_RELAY_ENABLED="false")
    services = (("AUTH", "auth"), ("REGISTRY", "registry"), ("DECLARATIONS", "declarations"))
    for prefix, service in services:
        environment[f"{prefix}_DATABASE_URL"] = f"sqlite:///{work / f'{service}.db'}"
        environment[f"{prefix}_VAR_DIR"] = str(work)
        environment[f"{prefix}_LOG_LEVEL"] = "WARNING"
    environment.update(env or {})
    command = [sys.executable, "-m", "services.cli.main", "serve", "all", *args]
    server = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL)
    for _ in range(600):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/auth/readyz").status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    server.terminate()
    raise RuntimeError("the register did not start")
