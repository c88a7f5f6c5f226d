"""Heavy reads on a real hot standby (``*_READ_DATABASE_URL``), and the primary when it is not.

The module makes a hot standby of ``make test``'s throwaway cluster (``pg_basebackup -R``,
streaming from it), runs first in the PostgreSQL pass (tests/conftest.py sorts it first,
while the cluster is small) and removes the standby when it ends: replaying every test
database cloned later would only cost the rest of the pass its time.
A read is proven to come from the replica by pausing its replay: a record written on the
primary afterwards is missing from what the replica answers, and there once replay resumes.
"""

from __future__ import annotations

import os
import shlex
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.registry.factories import MANIFESTS, manifest, weapon

if TYPE_CHECKING:
    from fastapi.testclient import TestClient

    from services.embedded import EmbeddedSettings
    from tests.support.auth_fixtures import AuthApi

PG_ENV = ("TEST_PG_BINDIR", "TEST_PG_DATA", "TEST_PG_PORT")
TRACE = "/registry/v1/trace"
STATS = "/registry/v1/statistics"


@dataclass
class Standby:
    """The test cluster's hot standby, which a test may pause, stop and start."""

    bindir: Path
    data: Path
    port: int
    options: list[str]

    def url(self, database: str = "postgres") -> str:
        primary = make_url(os.environ["TEST_POSTGRES_URL"])
        return primary.set(port=self.port, database=database).render_as_string(hide_password=False)

    def sql(self, statement: str) -> Any:
        engine = create_engine(self.url(), isolation_level="AUTOCOMMIT", poolclass=None)
        try:
            with engine.connect() as connection:
                result = connection.execute(text(statement))
                return result.scalar() if result.returns_rows else None
        finally:
            engine.dispose()

    def pause_replay(self) -> None:
        self.sql("SELECT pg_wal_replay_pause()")

    def resume_replay(self) -> None:
        self.sql("SELECT pg_wal_replay_resume()")

    def wait_for_replay(self, timeout: float = 60) -> None:
        """Until the standby has replayed everything the primary wrote so far."""
        primary = create_engine(
            make_url(os.environ["TEST_POSTGRES_URL"]).set(database="postgres"), poolclass=None
        )
        try:
            with primary.connect() as connection:
                # The insert position, not the write one: with synchronous_commit=off (the
                # throwaway cluster) a commit just answered may not be written out yet.
                lsn = connection.execute(text("SELECT pg_current_wal_insert_lsn()::text")).scalar()
        finally:
            primary.dispose()
        deadline = time.monotonic() + timeout
        while not self.sql(f"SELECT pg_last_wal_replay_lsn() >= '{lsn}'::pg_lsn"):
            assert time.monotonic() < deadline, f"the standby did not replay up to {lsn}"
            time.sleep(0.1)

    def cut_stream(self) -> str:
        """Point the standby's stream at a closed port; its earlier setting is returned."""
        conninfo = str(self.sql("SHOW primary_conninfo"))
        self.sql("ALTER SYSTEM SET primary_conninfo = 'host=127.0.0.1 port=1 user=postgres'")
        self.sql("SELECT pg_reload_conf()")
        return conninfo

    def restore_stream(self, conninfo: str) -> None:
        quoted = conninfo.replace("'", "''")
        self.sql(f"ALTER SYSTEM SET primary_conninfo = '{quoted}'")
        self.sql("SELECT pg_reload_conf()")

    def _pg_ctl(self, *args: str) -> subprocess.CompletedProcess[bytes]:
        command = [str(self.bindir / "pg_ctl"), "-D", str(self.data), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, timeout=120)

    def stop_immediately(self) -> None:
        """As a crash of the replica's host: no shutdown checkpoint, every session cut."""
        self._pg_ctl("-m", "immediate", "-w", "stop").check_returncode()

    def start(self) -> None:
        log = self.data.parent / "replica-restarted.log"
        self._pg_ctl("-w", "-t", "60", "-l", str(log), "-o", shlex.join(self.options), "start")

    def running(self) -> bool:
        return self._pg_ctl("status").returncode == 0


def _as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL refuses root: as root the cluster's tools run as the postgres user."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def hot_standby() -> Iterator[Standby]:
    """A hot standby of the test cluster for this module, removed when the module ends."""
    missing = [name for name in PG_ENV if not os.environ.get(name)]
    if os.environ.get("TEST_DATABASE") != "postgresql" or missing:
        pytest.skip(
            "needs the throwaway PostgreSQL cluster of scripts/test.sh "
            f"(TEST_DATABASE=postgresql and {', '.join(PG_ENV)}; missing: {missing})"
        )
    bindir = Path(os.environ["TEST_PG_BINDIR"])
    # Beside the primary's data, in the folder its owner (postgres, as root) may write.
    home = Path(os.environ["TEST_PG_DATA"]).parent
    data = home / f"standby-{os.getpid()}"
    copied = subprocess.run(
        _as_postgres(
            [
                str(bindir / "pg_basebackup"),
                *("-h", "127.0.0.1", "-p", os.environ["TEST_PG_PORT"], "-U", "postgres"),
                *("-D", str(data), "-R", "-X", "stream", "-c", "fast"),
            ]
        ),
        capture_output=True,
        timeout=300,
    )
    assert copied.returncode == 0, copied.stderr.decode(errors="replace")
    port = _free_port()
    # As the primary: durability off (the tests'); a standby needs max_connections at
    # least the primary's.
    options = [
        *("-c", "listen_addresses=127.0.0.1", "-p", str(port), "-k", str(home)),
        *("-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"),
        *("-c", "max_connections=200", "-c", "hot_standby=on"),
    ]
    server = Standby(bindir, data, port, options)
    try:
        server.start()
        assert server.running(), (data.parent / "replica-restarted.log").read_text()
        yield server
    finally:
        subprocess.run(
            _as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            capture_output=True,
            timeout=120,
        )
        shutil.rmtree(data, ignore_errors=True)


@pytest.fixture
def standby(hot_standby: Standby) -> Iterator[Standby]:
    """The hot standby, always running and replaying again when the test ends."""
    try:
        yield hot_standby
    finally:
        if not hot_standby.running():
            hot_standby.start()
        hot_standby.resume_replay()


@pytest.fixture
def replica_options() -> dict[str, float]:
    """Lag bound and check interval of the services' replica (tests parametrize it)."""
    return {"read_replica_max_lag_seconds": 3600.0, "read_replica_check_seconds": 0.0}


@pytest.fixture
def register_settings(
    register_settings: EmbeddedSettings, standby: Standby, replica_options: dict[str, float]
) -> EmbeddedSettings:
    """The register's settings with each service reading from its database on the standby."""
    standby.wait_for_replay()  # this test's databases, created on the primary just now

    def on_standby(settings: Any) -> Any:
        name = make_url(settings.database_url).database
        return type(settings).model_validate(
            {
                **settings.model_dump(),
                "read_database_url": standby.url(name),
                **replica_options,
            }
        )

    return replace(
        register_settings,
        auth=on_standby(register_settings.auth),
        registry=on_standby(register_settings.registry),
        declarations=on_standby(register_settings.declarations),
    )


def _declare_in(client: TestClient, api: AuthApi, serial: str) -> str:
    response = client.post(
        MANIFESTS, json=manifest([weapon(serial)]), headers=api.member_state_headers("SEN")
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _traced(client: TestClient, api: AuthApi, serial: str) -> int:
    response = client.get(
        TRACE, params={"serial_number": serial}, headers=api.member_state_headers("SEN")
    )
    assert response.status_code == 200, response.text
    # Exact matches only: RR-0001 is a possible match of RR-0002 (one character edited).
    return sum(item["match"] == "exact" for item in response.json()["items"])


def _weapons_counted(client: TestClient, api: AuthApi) -> int:
    response = client.get(
        STATS, params={"group_by": "country"}, headers=api.member_state_headers("SEN")
    )
    assert response.status_code == 200, response.text
    return sum(row["records"] for row in response.json()["items"])


def _readiness(client: TestClient) -> dict[str, Any]:
    response = client.get("/registry/readyz")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _eventually(check: Any, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "the condition never held"
        time.sleep(0.2)


def test_trace_and_statistics_read_from_the_replica(
    client: TestClient, auth_api: AuthApi, standby: Standby
) -> None:
    _declare_in(client, auth_api, "RR-0001")
    standby.wait_for_replay()
    assert _readiness(client)["replica"] == "ok"
    assert _traced(client, auth_api, "RR-0001") == 1
    assert _weapons_counted(client, auth_api) == 1

    standby.pause_replay()
    _declare_in(client, auth_api, "RR-0002")
    # Written on the primary, not yet replayed: the replica answers without it.
    assert _traced(client, auth_api, "RR-0002") == 0
    assert _weapons_counted(client, auth_api) == 1

    standby.resume_replay()
    standby.wait_for_replay()
    assert _traced(client, auth_api, "RR-0002") == 1
    assert _weapons_counted(client, auth_api) == 2


def test_a_write_then_reading_the_own_record_uses_the_primary(
    client: TestClient, auth_api: AuthApi, standby: Standby
) -> None:
    standby.pause_replay()
    sen = auth_api.member_state_headers("SEN")
    manifest_id = _declare_in(client, auth_api, "RR-0003")
    own = client.get(f"{MANIFESTS}/{manifest_id}", headers=sen)
    assert own.status_code == 200, own.text
    assert own.json()["id"] == manifest_id
    items = client.get(f"{MANIFESTS}/{manifest_id}/items", headers=sen)
    assert items.status_code == 200, items.text
    assert [i["serial_number"] for i in items.json()["items"]] == ["RR-0003"]
    # Meanwhile the heavy reads come from the paused replica, which lacks it.
    assert _traced(client, auth_api, "RR-0003") == 0


# The list routes that read on the replica (heavy reads), by the organisation that reads
# them; each one's record read back by its id comes from the primary.
LISTS_ON_THE_REPLICA = {
    "manifests": "/registry/v1/manifests",
    "loss_reports": "/registry/v1/loss-reports",
    "cases": "/registry/v1/cases",
    "trace_requests": "/registry/v1/trace-requests",
}


def _records_of_each_list(client: TestClient, api: AuthApi, manifest_id: str) -> dict[str, str]:
    """SEN declares a manifest in and reports a rifle of ``manifest_id`` lost; ECOWAS opens
    a case on that rifle and prepares a trace request to SEN: each list's new record."""
    sen, ecowas = api.member_state_headers("SEN"), api.secretariat_headers("ECOWAS")
    loss = {
        "mission": "MINUSCA",
        "contributing_country": "SEN",
        "loss_type": "stolen",
        "loss_date": "2024-06-01",
        "place": "Bangui",
        "circumstances": "Taken from the armoury",
        "items": [{"kind": "weapon", "serial_number": "RR-0010"}],
    }
    reported = client.post("/registry/v1/loss-reports", json=loss, headers=sen)
    assert reported.status_code == 201, reported.text
    opened = client.post(
        "/registry/v1/cases", json={"title": "Lost rifle", "summary": "s"}, headers=ecowas
    )
    assert opened.status_code == 201, opened.text
    case_id = opened.json()["id"]
    rifle = client.post(
        f"/registry/v1/cases/{case_id}/items",
        json={"kind": "manifest_item", "manifest_id": manifest_id, "line": 0},
        headers=ecowas,
    )
    assert rifle.status_code == 201, rifle.text
    prepared = client.post(
        f"/registry/v1/cases/{case_id}/trace-requests",
        json={
            "case_item_id": rifle.json()["id"],
            "recipient_country": "SEN",
            "recipient_role": "contributing_state",
            "marking": "RR-0010",
            "recovery_context": "Reported stolen",
            "request_text": "Where is it now?",
        },
        headers=ecowas,
    )
    assert prepared.status_code == 201, prepared.text
    return {
        "manifests": _declare_in(client, api, "RR-0011"),
        "loss_reports": str(reported.json()["id"]),
        "cases": str(case_id),
        "trace_requests": str(prepared.json()["id"]),
    }


def _listed(client: TestClient, api: AuthApi) -> dict[str, set[str]]:
    ecowas = api.secretariat_headers("ECOWAS")
    listed = {}
    for name, path in LISTS_ON_THE_REPLICA.items():
        response = client.get(path, params={"limit": 100}, headers=ecowas)
        assert response.status_code == 200, (path, response.text)
        listed[name] = {str(item["id"]) for item in response.json()["items"]}
    return listed


def _until_listed(client: TestClient, api: AuthApi, wanted: dict[str, str]) -> None:
    """Until each list (read on the replica) shows its ``wanted`` record: a standby's reads
    catch up with its replay a moment later under load, so they are asked again for up to
    15 s (a list that never shows it fails)."""
    deadline = time.monotonic() + 15
    while True:
        listed = _listed(client, api)
        missing = [name for name, record_id in wanted.items() if record_id not in listed[name]]
        if not missing:
            return
        assert time.monotonic() < deadline, (missing, wanted, listed)
        time.sleep(0.2)


def test_the_lists_read_from_the_replica_and_a_new_record_by_its_id_from_the_primary(
    client: TestClient, auth_api: AuthApi, standby: Standby
) -> None:
    manifest_id = _declare_in(client, auth_api, "RR-0010")
    standby.wait_for_replay()
    assert _readiness(client)["replica"] == "ok"
    _until_listed(client, auth_api, {"manifests": manifest_id})

    standby.pause_replay()
    created = _records_of_each_list(client, auth_api, manifest_id)
    # Written on the primary, not yet replayed: every list, read on the replica, lacks
    # its new record, while the record read back by its id (the primary) is there.
    listed = _listed(client, auth_api)
    for name, record_id in created.items():
        assert record_id not in listed[name], name
        own = client.get(
            f"{LISTS_ON_THE_REPLICA[name]}/{record_id}",
            headers=auth_api.secretariat_headers("ECOWAS"),
        )
        assert own.status_code == 200, (name, own.text)
    assert manifest_id in listed["manifests"]  # replayed before the pause: on the replica

    standby.resume_replay()
    standby.wait_for_replay()
    _until_listed(client, auth_api, created)  # once replayed, every list shows its record


def test_a_replica_stopped_mid_run_is_skipped_and_used_again_once_back(
    client: TestClient, auth_api: AuthApi, standby: Standby
) -> None:
    _declare_in(client, auth_api, "RR-0004")
    standby.wait_for_replay()
    assert _traced(client, auth_api, "RR-0004") == 1  # the replica's pools hold connections

    standby.stop_immediately()
    _declare_in(client, auth_api, "RR-0005")
    assert _traced(client, auth_api, "RR-0005") == 1  # the primary answers
    assert _weapons_counted(client, auth_api) == 2
    listed = client.get(MANIFESTS, headers=auth_api.member_state_headers("SEN"))
    assert listed.status_code == 200
    assert len(listed.json()["items"]) == 2
    readiness = _readiness(client)
    assert readiness["status"] == "ready"
    assert readiness["replica"] == "degraded"
    assert readiness["replica_reason"] == "unreachable"

    standby.start()
    standby.wait_for_replay()
    _eventually(lambda: _readiness(client)["replica"] == "ok")
    standby.pause_replay()
    _declare_in(client, auth_api, "RR-0006")
    assert _traced(client, auth_api, "RR-0006") == 0  # back on the (paused) replica
    assert _traced(client, auth_api, "RR-0005") == 1


@pytest.mark.parametrize(
    "replica_options",
    [{"read_replica_max_lag_seconds": 3600.0, "read_replica_check_seconds": 60.0}],
)
@pytest.mark.parametrize("first_read", ["trace", "statistics"])
def test_a_replica_failing_between_two_checks_falls_back_at_once(
    client: TestClient, auth_api: AuthApi, standby: Standby, first_read: str
) -> None:
    _declare_in(client, auth_api, "RR-0007")
    standby.wait_for_replay()
    # Checked once, ok for a minute; both the trace pool and the sessions' pool connect.
    assert _readiness(client)["replica"] == "ok"
    assert _traced(client, auth_api, "RR-0007") == 1
    assert _weapons_counted(client, auth_api) == 1

    standby.stop_immediately()
    # The first read to find it gone (trace's pool, or a read session) falls back to the
    # primary and marks the replica down; the other read then goes to the primary directly.
    if first_read == "trace":
        assert _traced(client, auth_api, "RR-0007") == 1
        assert _weapons_counted(client, auth_api) == 1
    else:
        assert _weapons_counted(client, auth_api) == 1
        assert _traced(client, auth_api, "RR-0007") == 1
    assert _readiness(client)["replica"] == "degraded"


@pytest.mark.parametrize(
    "replica_options",
    [{"read_replica_max_lag_seconds": 1.0, "read_replica_check_seconds": 0.0}],
)
def test_a_replica_lagging_beyond_the_bound_is_skipped(
    client: TestClient, auth_api: AuthApi, standby: Standby
) -> None:
    _declare_in(client, auth_api, "RR-0008")
    standby.wait_for_replay()
    _eventually(lambda: _readiness(client)["replica"] == "ok")

    standby.pause_replay()
    _declare_in(client, auth_api, "RR-0009")
    time.sleep(1.5)  # the last replayed commit is now older than the bound
    readiness = _readiness(client)
    assert readiness["replica"] == "degraded"
    assert readiness["replica_lag_seconds"] > 1.0
    assert _traced(client, auth_api, "RR-0009") == 1  # the primary answers

    standby.resume_replay()
    standby.wait_for_replay()
    _eventually(lambda: _readiness(client)["replica"] == "ok")


def test_log_entries_a_checkpoint_names_are_read_even_when_the_replica_lacks_them(
    client: TestClient, auth_api: AuthApi, standby: Standby
) -> None:
    from tests.declarations.support import declaration

    sen = auth_api.member_state_headers("SEN")
    declarations = "/declarations/v1/declarations"
    first = client.post(declarations, json=declaration(), headers=sen)
    assert first.status_code == 201, first.text
    standby.wait_for_replay()
    standby.pause_replay()
    second = client.post(declarations, json=declaration(), headers=sen)
    assert second.status_code == 201, second.text

    # The list comes from the paused replica: only the first declaration.
    listed = client.get(declarations, headers=sen)
    assert listed.status_code == 200, listed.text
    assert [d["id"] for d in listed.json()["items"]] == [first.json()["id"]]
    # A verifier reads the checkpoint from the primary, then the entries it names: those
    # the replica has not replayed yet come from the primary, not a 400.
    checkpoint = client.get("/declarations/v1/log/checkpoint")
    size = int(checkpoint.text.splitlines()[1])
    entries = client.get(
        "/declarations/v1/log/entries", params={"start": 0, "end": size}, headers=sen
    )
    assert entries.status_code == 200, entries.text
    assert entries.json()["tree_size"] == size
    assert len(entries.json()["entries"]) == size


@pytest.mark.parametrize(
    "replica_options",
    [{"read_replica_max_lag_seconds": 1.0, "read_replica_check_seconds": 0.0}],
)
def test_a_replica_cut_off_from_the_primary_is_skipped_once_it_falls_behind(
    client: TestClient, auth_api: AuthApi, standby: Standby
) -> None:
    _declare_in(client, auth_api, "RR-0010")
    standby.wait_for_replay()
    _eventually(lambda: _readiness(client)["replica"] == "ok")

    conninfo = standby.cut_stream()
    try:
        # Nothing arrives, so all it received is replayed: only the primary knows it lags.
        _declare_in(client, auth_api, "RR-0011")
        _eventually(lambda: _readiness(client)["replica"] == "degraded")
        time.sleep(1.5)  # not a moment's catching up: it stays behind
        assert _readiness(client)["replica"] == "degraded"
        assert _traced(client, auth_api, "RR-0011") == 1  # the primary answers
    finally:
        standby.restore_stream(conninfo)
    standby.wait_for_replay()
    _eventually(lambda: _readiness(client)["replica"] == "ok")
