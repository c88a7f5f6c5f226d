"""Fixtures of the reliability suite: real callers, and the test cluster when it may be stopped."""

from __future__ import annotations

import os
import shlex
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

if TYPE_CHECKING:
    from tests.conftest import PostgresServer

PG_ENV = ("TEST_PG_BINDIR", "TEST_PG_DATA", "TEST_PG_PORT")


def count_rows(database_url: str, table: str) -> int:
    """Rows in ``table``, read straight from the service's database (not through the API)."""
    engine = create_engine(database_url, poolclass=None)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
    finally:
        engine.dispose()


@dataclass
class PostgresCluster:
    """The throwaway cluster ``scripts/test.sh`` started, which this test may stop and start."""

    bindir: Path
    data: Path
    options: list[str]

    def _pg_ctl(self, *args: str) -> None:
        command = [str(self.bindir / "pg_ctl"), "-D", str(self.data), *args]
        if os.geteuid() == 0:
            # PostgreSQL refuses to run as root; the cluster belongs to the postgres user.
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def stop(self) -> None:
        """Fast shutdown: every session is cut, as in a crash of the database host."""
        self._pg_ctl("-m", "fast", "-w", "stop")

    def start(self) -> None:
        """Start again with the options it was started with (port, socket folder, settings)."""
        log = self.data.parent / "restarted.log"
        self._pg_ctl("-w", "-t", "60", "-l", str(log), "-o", shlex.join(self.options), "start")


@pytest.fixture
def postgres_cluster() -> PostgresCluster:
    """The test cluster, when ``make test`` says where it is and the tests run on it."""
    missing = [name for name in PG_ENV if not os.environ.get(name)]
    if os.environ.get("TEST_DATABASE") != "postgresql" or missing:
        pytest.skip(
            "needs the throwaway PostgreSQL cluster of scripts/test.sh "
            f"(TEST_DATABASE=postgresql and {', '.join(PG_ENV)}; missing: {missing or 'none'})"
        )
    url = make_url(os.environ["TEST_POSTGRES_URL"])
    if url.port != int(os.environ["TEST_PG_PORT"]):
        pytest.skip("TEST_POSTGRES_URL is not the cluster TEST_PG_DATA describes; not stopping it")
    data = Path(os.environ["TEST_PG_DATA"])
    # postmaster.opts: the command line the server was started with; keep all but -D.
    words = shlex.split((data / "postmaster.opts").read_text())[1:]
    options: list[str] = []
    skip_next = False
    for word in words:
        if skip_next:
            skip_next = False
        elif word == "-D":
            skip_next = True
        else:
            options.append(word)
    return PostgresCluster(Path(os.environ["TEST_PG_BINDIR"]), data, options)


@pytest.fixture
def stoppable_postgres(
    postgres_cluster: PostgresCluster, postgres: PostgresServer | None
) -> Iterator[PostgresCluster]:
    """The cluster, always running again when the test ends, whatever happened."""
    try:
        yield postgres_cluster
    finally:
        if not _is_running(postgres_cluster):
            postgres_cluster.start()
        if postgres is not None:
            # The harness's pooled admin connection died with the old server.
            postgres.admin.dispose()


def _is_running(cluster: PostgresCluster) -> bool:
    command = [str(cluster.bindir / "pg_ctl"), "-D", str(cluster.data), "status"]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    return subprocess.run(command, capture_output=True, timeout=30).returncode == 0


@pytest.fixture(scope="module")
def module_database_urls(
    tmp_path_factory: pytest.TempPathFactory,
    templates: dict[str, str],
    postgres: PostgresServer | None,
) -> Iterator[dict[str, str]]:
    """Fresh migrated databases shared by one module's tests (long generated runs)."""
    import shutil
    import uuid

    urls: dict[str, str] = {}
    created: list[str] = []
    folder = tmp_path_factory.mktemp("module") / "var"
    folder.mkdir()
    for service, template in templates.items():
        if postgres is None:
            shutil.copyfile(template, folder / f"{service}.db")
            urls[service] = f"sqlite:///{folder / f'{service}.db'}"
        else:
            name = f"m_{uuid.uuid4().hex[:10]}_{service}"
            urls[service] = postgres.create(name, template=template)
            created.append(name)
    urls["var_dir"] = str(folder)
    yield urls
    if postgres is not None:
        for name in created:
            postgres.drop(name)
