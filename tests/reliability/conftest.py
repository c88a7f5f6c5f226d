"""Fixtures of the reliability suite: real callers, seeded records, and the test cluster when it
may be stopped."""

from __future__ import annotations

import os
import shlex
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

if TYPE_CHECKING:
    from fastapi.testclient import TestClient

    from tests.conftest import PostgresServer
    from tests.declarations.support import MovableClock
    from tests.support.auth_fixtures import AuthApi

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


@dataclass
class SeededRecords:
    """Real objects of every kind a route with an id looks up, all of them SEN's.

    Generated and matrix requests name these so that a lookup succeeds and the
    request reaches what lies behind it (tenancy, state changes, validation).
    """

    manifest_id: str
    loss_report_id: str
    alert_ids: list[str]
    declaration_id: str  # amended once, with an active legal hold
    hold_id: str
    expired_declaration_ids: list[str]  # retention over: disposal goes through
    community: str  # a community of its own, so edits leave ECOWAS and ECCAS alone
    membership_ids: list[int]
    client_id: str  # a SEN client nobody calls with (disabling it locks no caller out)
    mission: str  # a mission of its own, so edits leave the seeded missions alone
    person_id: str  # a SEN person nobody signs in as (disabling them locks no caller out)
    # An ECOWAS analyst: whom ECOWAS assigns an alert to (the registry checks the assignee
    # in auth's people directory, with the people:read client bootstrap makes for it).
    triager_id: str = ""
    incident_id: str = ""  # an incident SEN recorded (in Senegal)
    # ECOWAS's tracing case, shared with SEN, and its trace requests: a draft (to send),
    # two sent (to acknowledge, to answer) and one answered with a file.
    case_id: str = ""
    trace_request_ids: list[str] = field(default_factory=list)
    # A draft of each kind, SEN's (drafts are a member state's own: nobody else sees them).
    manifest_draft_id: str = ""
    declaration_draft_id: str = ""
    # SEN's webhook endpoint (registered by SEN's client, for manifest.accepted) and the
    # delivery of SEN's first manifest to it (queued, never sent: no worker runs here).
    webhook_id: str = ""
    webhook_delivery_id: str = ""


def _fan_out_webhook_events(client: TestClient, sen: dict[str, str], endpoint_id: str) -> str:
    """One fan-out of the webhook worker (the background task is off in tests): the events
    so far become pending deliveries. The id of the endpoint's first delivery."""
    import asyncio

    from services.common.tables import utcnow
    from services.registry.notifications.worker import Worker

    registry = client.app.registry  # type: ignore[attr-defined]

    async def fan_out() -> int:
        worker = Worker(
            engine=registry.state.engine,
            settings=registry.state.settings,
            client=None,  # type: ignore[arg-type]  # fan-out sends nothing
            clock=utcnow,
        )
        return await worker.fan_out()

    asyncio.run(fan_out())
    deliveries = client.get(f"/registry/v1/webhooks/{endpoint_id}/deliveries", headers=sen)
    assert deliveries.status_code == 200, deliveries.text
    items = deliveries.json()["items"]
    assert items, "the endpoint's first manifest was not queued for delivery"
    return str(items[0]["id"])


# A public address written as an IP literal: checked without DNS, never called (no worker).
WEBHOOK_URL = "https://93.184.215.14/hooks/register"


ALERT_SERIALS = ("56-0000123", "56-0000124", "56-0000125")


def _seed_case(client: TestClient, api: AuthApi, alert_id: str) -> tuple[str, list[str]]:
    """ECOWAS's case from a diversion alert, with the seized rifle, shared with SEN, and
    four trace requests to SEN: a draft, two sent and one answered with a file."""
    from tests.support.responses import assert_status

    ecowas = api.secretariat_headers("ECOWAS")
    cases = "/registry/v1/cases"
    opened = {"title": "Seized rifle", "summary": "SENBATT rifle seized", "from_alert": alert_id}
    case_id = str(assert_status(client.post(cases, json=opened, headers=ecowas))["id"])
    rifle = {"kind": "declared_item", "declaration_id": "ner-seizure-1", "item_index": 0}
    item_id = assert_status(client.post(f"{cases}/{case_id}/items", json=rifle, headers=ecowas))[
        "id"
    ]
    assert_status(
        client.post(f"{cases}/{case_id}/shares", json={"organisation": "SEN"}, headers=ecowas)
    )
    body = {
        "case_item_id": item_id,
        "recipient_country": "SEN",
        "recipient_role": "contributing_state",
        "recovery_context": "Seized at Ménaka",
        "request_text": "Where did it come from?",
    }
    ids = [
        str(
            assert_status(
                client.post(f"{cases}/{case_id}/trace-requests", json=body, headers=ecowas)
            )["id"]
        )
        for _ in range(4)
    ]
    requests = "/registry/v1/trace-requests"
    for request_id in ids[1:]:
        assert (
            client.post(f"{requests}/{request_id}/send", json={}, headers=ecowas).status_code == 200
        )
    answer = {
        "text": "Issued to SENBATT",
        "outcome": {"result": "origin_established", "kind": "national_stockpile", "state": "SEN"},
        "attachment": {"filename": "a.txt", "media_type": "text/plain", "content_base64": "b2s="},
    }
    answered = client.post(f"{requests}/{ids[3]}/answer", json=answer, headers=ecowas)
    assert answered.status_code == 200, answered.text
    return case_id, ids


TEST_ARMED_GROUP = "TESTGROUP"
TEST_HEADSTAMP = "TST"


def seed_records(
    client: TestClient,
    api: AuthApi,
    *,
    clock: MovableClock | None = None,
    alerts: int = 3,
    memberships: int = 4,
    expired: int = 2,
) -> SeededRecords:
    """Seed one of each record through the API, as the callers who may create it.

    Alerts come from the diversion scenario: SEN's rifles declared in to MINUSMA, then
    seized by NER's troops and delivered to the weapon index noted as "56 OOOO12x".
    Expired declarations need ``clock`` (the declarations app's clock): they are
    declared 31 years in the past.
    """
    from tests.declarations.support import declaration, declaration_at
    from tests.registry.factories import (
        INDEX,
        MANIFESTS,
        declared_weapon,
        delivery,
        manifest,
        weapon,
    )

    sen = api.member_state_headers("SEN")
    admin = api.admin_headers()

    def created(response: Any) -> dict[str, Any]:
        assert response.status_code in (200, 201), response.text
        return dict(response.json())

    # SEN's webhook endpoint first, so that its first manifest is an event it is sent.
    webhook_id = str(
        created(
            client.post(
                "/registry/v1/webhooks",
                json={"url": WEBHOOK_URL, "events": ["manifest.accepted"]},
                headers=sen,
            )
        )["id"]
    )
    manifest_id = created(
        client.post(MANIFESTS, json=manifest([weapon("KC-1"), weapon("KC-2")]), headers=sen)
    )["id"]
    loss = {
        "mission": "MINUSCA",
        "contributing_country": "SEN",
        "loss_type": "stolen",
        "loss_date": "2024-05-01",
        "place": "Bambari",
        "circumstances": "taken from the armoury",
        "items": [{"kind": "weapon", "serial_number": "KC-2"}],
    }
    loss_report_id = created(client.post("/registry/v1/loss-reports", json=loss, headers=sen))["id"]

    serials = ALERT_SERIALS[:alerts]
    senbatt = manifest([weapon(s) for s in serials], mission="MINUSMA", crossing_date="2023-02-01")
    created(client.post(MANIFESTS, json=senbatt, headers=sen))
    relay = api.operator_headers(("index:write",))
    for number, serial in enumerate(serials, start=1):
        seized = delivery(
            [declared_weapon(0, serial.replace("-", " ").replace("0", "O"))],
            declaration_id=f"ner-seizure-{number}",
        )
        assert created(client.post(INDEX, json=seized, headers=relay))["alerts"] == 1
    alert_items = created(
        client.get(
            "/registry/v1/alerts",
            params={"kind": "diversion"},
            headers=api.secretariat_headers("ECOWAS"),
        )
    )["items"]
    alert_ids = [str(alert["id"]) for alert in alert_items]
    assert len(alert_ids) == alerts

    declarations = "/declarations/v1/declarations"
    declared = client.post(declarations, json=declaration(), headers=sen)
    declaration_id = created(declared)["id"]
    amended = client.post(
        f"{declarations}/{declaration_id}/amendments",
        json={"reason": "place corrected", "changes": {"location": {"place": "Gao nord"}}},
        headers={**sen, "If-Match": declared.headers["ETag"]},
    )
    created(amended)
    hold = client.post(
        f"{declarations}/{declaration_id}/holds",
        json={"reason": "Panel of Experts inquiry"},
        # The operator sees holds only with register:read (admin alone: 404).
        headers=api.operator_headers(),
    )
    hold_id = created(hold)["id"]

    expired_ids: list[str] = []
    if expired:
        assert clock is not None, "expired declarations need the declarations app's clock"
        clock.rewind(years=31)
        try:
            for _ in range(expired):
                body = declaration_at(clock)
                expired_ids.append(created(client.post(declarations, json=body, headers=sen))["id"])
        finally:
            clock.reset()

    community = "AESTEST"
    created(
        client.post(
            "/auth/v1/communities",
            json={"code": community, "name": "Test community"},
            headers=admin,
        )
    )
    membership_ids = [
        int(
            created(
                client.post(
                    f"/auth/v1/communities/{community}/memberships",
                    json={"country": country, "joined": "2023-09-16"},
                    headers=admin,
                )
            )["id"]
        )
        for country in ("MLI", "BFA", "NER", "TCD", "GIN", "TGO")[:memberships]
    ]
    victim = api.create_client("SEN", ["register:read"], name="SEN client nobody calls with")
    person = created(
        client.post(
            "/auth/v1/people",
            json={
                "organisation": "SEN",
                "email": "nobody-signs-in@sen.test",
                "name": "SEN person nobody signs in as",
                "role": "reader",
            },
            headers=admin,
        )
    )

    api.give_the_registry_its_people_client()
    api.ensure_organisation("secretariat", "ECOWAS")
    triager = created(
        client.post(
            "/auth/v1/people",
            json={
                "organisation": "ECOWAS",
                "email": "triager@ecowas.test",
                "name": "ECOWAS analyst alerts are assigned to",
                "role": "analyst",
            },
            headers=admin,
        )
    )

    mission = "TESTMISSION"
    created(
        client.post(
            "/registry/v1/missions",
            json={
                "code": mission,
                "name": "Test mission",
                "authority": "UN",
                "host_countries": ["MLI"],
                "start_date": "2020-01-01",
            },
            headers=admin,
        )
    )
    # Reference entries of their own for the edits (the seeded ones stay as they are).
    created(
        client.post(
            "/registry/v1/reference/armed-groups",
            json={"code": TEST_ARMED_GROUP, "name": "Test armed group", "source": "tests"},
            headers=admin,
        )
    )
    created(
        client.post(
            "/registry/v1/reference/headstamps",
            json={"code": TEST_HEADSTAMP, "maker": "Test maker", "source": "tests"},
            headers=admin,
        )
    )
    incident = created(
        client.post(
            "/declarations/v1/incidents",
            json={
                "type": "cache",
                "date": "2024-02-01",
                "location": {"country": "SEN", "place": "Kédougou"},
                "presumed_user": "unknown",
            },
            headers=sen,
        )
    )
    case_id, trace_request_ids = _seed_case(client, api, alert_ids[-1])
    manifest_draft = created(
        client.post(
            "/registry/v1/manifest-drafts",
            json={"body": manifest([weapon("DRAFT-1")])},
            headers=sen,
        )
    )
    declaration_draft = created(
        client.post(
            "/declarations/v1/declaration-drafts", json={"body": declaration()}, headers=sen
        )
    )
    webhook_delivery_id = _fan_out_webhook_events(client, sen, webhook_id)
    return SeededRecords(
        manifest_draft_id=str(manifest_draft["id"]),
        declaration_draft_id=str(declaration_draft["id"]),
        webhook_id=webhook_id,
        webhook_delivery_id=webhook_delivery_id,
        incident_id=str(incident["id"]),
        case_id=case_id,
        trace_request_ids=trace_request_ids,
        manifest_id=str(manifest_id),
        loss_report_id=str(loss_report_id),
        alert_ids=alert_ids,
        declaration_id=str(declaration_id),
        hold_id=str(hold_id),
        expired_declaration_ids=expired_ids,
        community=community,
        membership_ids=membership_ids,
        client_id=victim.client_id,
        mission=mission,
        person_id=str(person["id"]),
        triager_id=str(triager["id"]),
    )
