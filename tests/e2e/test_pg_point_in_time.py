"""PostgreSQL point-in-time recovery, rehearsed as docs/backup-restore.md tells an operator
(tests/common/test_docs_restore.py keeps its commands and this test's in step).

A cluster of its own with WAL archiving on (``scripts/pg-pitr.sh archive-wal``), the
register served on it, a nightly-style base backup (``pg-pitr.sh base-backup``) while it
serves, declarations written, a monitor's ``regctl log verify`` saving the checkpoint it
saw, a moment T noted, more declarations written, then the primary lost: the cluster
comes back on a NEW data folder with ``pg-pitr.sh restore ... T`` (recovery.signal,
restore_command, recovery_target_time) and the register serves from it. The project's
own verifier proves the restored log extends the checkpoint published before T and
includes every declaration written before T; those written after T are gone.
PostgreSQL pass only: it needs PostgreSQL's server tools (``TEST_PG_BINDIR``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.e2e.live_server import free_port, live_register
from tests.e2e.test_backup_restore import SERVICES, bearer, declare, read, senegal_client

pytestmark = [
    pytest.mark.db,
    pytest.mark.skipif(
        os.environ.get("TEST_DATABASE") != "postgresql" or not os.environ.get("TEST_PG_BINDIR"),
        reason="PostgreSQL point-in-time recovery needs PostgreSQL's server tools: runs in the"
        " PostgreSQL pass of make test (TEST_DATABASE=postgresql, TEST_PG_BINDIR)",
    ),
]

PITR = Path(__file__).resolve().parents[2] / "scripts" / "pg-pitr.sh"


def as_cluster_owner(*command: str | Path) -> list[str]:
    """PostgreSQL refuses to run as root: as root, commands run as the postgres user."""
    words = [str(word) for word in command]
    return ["runuser", "-u", "postgres", "--", *words] if os.geteuid() == 0 else words


def run(*command: str | Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        as_cluster_owner("env", *(f"{k}={v}" for k, v in (env or {}).items()), *command),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, f"{command}: {done.stdout}{done.stderr}"
    return done.stdout


@dataclass
class Cluster:
    """One PostgreSQL data folder served on a port of 127.0.0.1."""

    bindir: Path
    data: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def database_url(self, name: str) -> str:
        return self.url.rsplit("/", 1)[0] + f"/{name}"

    def libpq(self) -> dict[str, str]:
        return {"PGHOST": "127.0.0.1", "PGPORT": str(self.port), "PGUSER": "postgres"}

    def start(self) -> None:
        log = self.data.parent / f"server-{self.port}.log"
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.data.parent}"
        run(
            self.bindir / "pg_ctl",
            "-D",
            self.data,
            "-l",
            log,
            "-w",
            "-t",
            "120",
            "-o",
            options,
            "start",
        )

    def stop(self) -> None:
        # Immediate: as if the primary's host were lost (no shutdown checkpoint).
        run(self.bindir / "pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")

    def query(self, sql: str) -> Any:
        """The one value ``sql`` returns (None for a statement without rows)."""
        engine = create_engine(self.url, isolation_level="AUTOCOMMIT", poolclass=None)
        try:
            with engine.connect() as connection:
                result = connection.execute(text(sql))
                return result.scalar() if result.returns_rows else None
        finally:
            engine.dispose()


@contextmanager
def cluster_folder() -> Iterator[Path]:
    """A folder of /tmp the postgres user owns (pytest's tmp_path is root's alone)."""
    folder = Path(tempfile.mkdtemp(prefix="salw-pitr."))
    try:
        if os.geteuid() == 0:
            shutil.chown(folder, "postgres")
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def start_segment(backup: Path) -> str:
    """The first WAL segment a base backup needs (its backup_label says)."""
    label = (backup / "backup_label").read_text()
    return label.split("(file ", 1)[1].split(")", 1)[0]


def wait_until(condition: Any, what: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        time.sleep(0.2)


def log_verify(
    base: str, state: Path, token: str, declarations: list[str], key: str | None = None
) -> str:
    """``regctl log verify`` as a monitor runs it; ``key`` pins the verifier key (first run)."""
    verified = subprocess.run(
        [
            *(sys.executable, "-m", "services.cli.main", "log", "verify", "--url", base),
            *("--state", str(state), "--token", token),
            *(("--key", key) if key else ()),
            *(f"--declaration={d}" for d in declarations),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr
    return verified.stdout


def test_a_cluster_restored_to_a_moment_holds_the_log_as_published_then_and_nothing_after(
    tmp_path: Path,
) -> None:
    bindir = Path(os.environ["TEST_PG_BINDIR"])
    var_dir = tmp_path / "var"
    var_dir.mkdir()
    state = tmp_path / "log-verify.json"  # the monitor's saved checkpoint
    with cluster_folder() as folder:
        archive, backups = folder / "wal-archive", folder / "backups"
        run("mkdir", archive, backups)
        primary = Cluster(bindir, folder / "primary", free_port())
        run(bindir / "initdb", "-D", primary.data, "-U", "postgres", "-A", "trust", "-E", "UTF8")
        # docs/backup-restore.md's settings (fsync off only to spare the test machine's disk).
        settings = (
            "archive_mode = on\n"
            f"archive_command = '{PITR} archive-wal %p {archive}/%f'\n"
            "fsync = off\n"
        )
        run("sh", "-c", f"cat >> {primary.data}/postgresql.conf <<'EOF'\n{settings}EOF")
        primary.start()
        try:
            for name in SERVICES:
                primary.query(f"CREATE DATABASE salw_{name}")
            urls = {name: primary.database_url(f"salw_{name}") for name in SERVICES}
            records: dict[str, dict[str, Any]] = {}
            with live_register(urls, var_dir) as base:
                client_id, secret = senegal_client(base, var_dir)
                senegal = bearer(base, client_id, secret)
                # Last night's backup, then tonight's: the older one is pruned below.
                older = Path(run(PITR, "base-backup", backups, env=primary.libpq()).strip())
                time.sleep(1.1)  # base backups are named by the second they start
                before_backup = [declare(base, senegal, n) for n in range(2)]
                backup = Path(run(PITR, "base-backup", backups, env=primary.libpq()).strip())
                after_backup = [declare(base, senegal, n) for n in range(10, 13)]
                before_t = [*before_backup, *after_backup]
                token = senegal["Authorization"].removeprefix("Bearer ")
                key = httpx.get(f"{base}/declarations/v1/log/public-key", timeout=10).text
                published = log_verify(base, state, token, [], key=key.strip())
                assert "no saved checkpoint" in published
                moment = primary.query(
                    "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC',"
                    " 'YYYY-MM-DD HH24:MI:SS.US+00')"
                )
                time.sleep(1.5)  # commits after T carry a later timestamp, beyond doubt
                after_t = [declare(base, senegal, n) for n in range(20, 23)]
                for declaration_id in [*before_t, *after_t]:
                    response = read(base, senegal, declaration_id)
                    assert response.status_code == 200
                    records[declaration_id] = response.json()
            # The segment holding the last commits goes to the archive before the loss.
            segment = primary.query("SELECT pg_walfile_name(pg_switch_wal())")
            wait_until(
                lambda: (archive / segment).is_file(), f"WAL segment {segment} was not archived"
            )
        finally:
            primary.stop()
        # Retention: keeping one base backup removes the older and the WAL only it needed.
        pruned = run(PITR, "prune", backups, archive, "1")
        assert f"removed {older}" in pruned
        assert [path.name for path in backups.iterdir()] == [backup.name]
        first_needed = start_segment(backup)
        segments = [p.name for p in archive.iterdir() if len(p.name) == 24]
        assert segments
        assert min(segments) == first_needed

        restored = Cluster(bindir, folder / "restored", free_port())
        prepared = run(PITR, "restore", backup, archive, restored.data, moment)
        assert "ready" in prepared
        restored.start()
        try:
            wait_until(
                lambda: restored.query("SELECT NOT pg_is_in_recovery()"),
                "the restored cluster did not promote",
            )
            urls = {name: restored.database_url(f"salw_{name}") for name in SERVICES}
            with live_register(urls, var_dir) as base:
                senegal = bearer(base, client_id, secret)  # auth came back to T as well
                verified = log_verify(base, state, token, before_t)
                assert f"{len(before_t)} declaration(s) included" in verified
                for declaration_id in before_t:
                    assert read(base, senegal, declaration_id).json() == records[declaration_id]
                for declaration_id in after_t:
                    assert read(base, senegal, declaration_id).status_code == 404
                # Open for writes: the next declaration takes the next place in the log.
                added = declare(base, senegal, 30)
                assert read(base, senegal, added).json()["log_index"] == len(before_t)
        finally:
            restored.stop()
