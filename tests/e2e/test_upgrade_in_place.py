"""An upgrade in place, from the register as it was at an earlier commit to this one.

The earlier version (``OLD_COMMIT``, the last commit of the previous session, whose
migrations are a prefix of today's) is checked out with ``git worktree add`` and served
from that folder, so its own code answers, with this checkout's virtualenv (that
version's pinned dependencies are a subset of today's). It is filled through its API
(manifests, declarations, a loss report, a diversion alert) and a monitor verifies its
log. Then, as deploy/README.md says for a release: stop, ``regctl migrate`` with the new
code, start. Every record reads the same (new fields aside), the log still verifies
against the checkpoint the monitor saved, and ``regctl downgrade`` to the old heads
gives back a database the old version serves unchanged, which migrates up again.
SQLite, and PostgreSQL in the PostgreSQL pass.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from tests.e2e.live_server import live_register
from tests.e2e.test_backup_restore import SERVICES, bearer

if TYPE_CHECKING:
    from tests.conftest import PostgresServer

pytestmark = pytest.mark.db

OLD_COMMIT = "48fb5d8"
REPO = Path(__file__).resolve().parents[2]
MANIFESTS = "/registry/v1/manifests"
LOSS_REPORTS = "/registry/v1/loss-reports"
DECLARATIONS = "/declarations/v1/declarations"
ALERTS = "/registry/v1/alerts"


def git(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-C", str(REPO), *args], capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def old_checkout(tmp_path: Path) -> Iterator[Path]:
    """The register at ``OLD_COMMIT`` in a worktree of its own, removed afterwards."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed: the upgrade test checks out an earlier commit")
    if git("rev-parse", "--git-dir").returncode != 0:
        pytest.skip("not a git checkout: the upgrade test needs the project's history")
    if git("cat-file", "-e", f"{OLD_COMMIT}^{{commit}}").returncode != 0:
        pytest.skip(
            f"commit {OLD_COMMIT} is not in this clone (a shallow clone?);"
            " `git fetch --unshallow` brings it"
        )
    folder = tmp_path / "old-register"
    added = git("worktree", "add", "--detach", str(folder), OLD_COMMIT)
    assert added.returncode == 0, added.stderr
    try:
        yield folder
    finally:
        git("worktree", "remove", "--force", str(folder))
        git("worktree", "prune")


@pytest.fixture
def upgrade_databases(tmp_path: Path, postgres: PostgresServer | None) -> Iterator[dict[str, str]]:
    """Empty databases, one per service, on the backend under test."""
    if postgres is None:
        yield {name: f"sqlite:///{tmp_path / 'var' / f'{name}.db'}" for name in SERVICES}
        return
    names = {name: f"u_{uuid.uuid4().hex[:10]}_{name}" for name in SERVICES}
    urls = {service: postgres.create(name) for service, name in names.items()}
    try:
        yield urls
    finally:
        for name in names.values():
            postgres.drop(name)


def run_python(
    code_dir: Path, urls: dict[str, str], var_dir: Path, *args: str
) -> subprocess.CompletedProcess[str]:
    """``python *args`` with the code in ``code_dir`` first on the path, on these databases."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(code_dir)
    for name in SERVICES:
        env[f"{name.upper()}_DATABASE_URL"] = urls[name]
        env[f"{name.upper()}_VAR_DIR"] = str(var_dir)
    done = subprocess.run(
        [sys.executable, *args],
        cwd=code_dir,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def head_revisions(code_dir: Path, urls: dict[str, str], var_dir: Path) -> dict[str, str]:
    """The migration head of each service in the code of ``code_dir``."""
    script = (
        "import json; from services.common import migrations as m;"
        " print(json.dumps({s: sorted(m.head_revisions(s)) for s in m.SERVICES}))"
    )
    heads = json.loads(run_python(code_dir, urls, var_dir, "-c", script).stdout)
    assert all(len(revisions) == 1 for revisions in heads.values()), heads
    return {service: revisions[0] for service, revisions in heads.items()}


def rifle(serial: str, manufacturer: str = "Kalashnikov Concern") -> dict[str, Any]:
    return {
        "kind": "weapon",
        "category": "assault_rifle",
        "manufacturer": manufacturer,
        "model": "AK-103",
        "calibre": "7.62x39mm",
        "serial_number": serial,
    }


def created(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code in (200, 201), response.text
    return dict(response.json())


@dataclass
class Filled:
    """What the earlier release was given: where to read each record, and as whom."""

    records: dict[str, tuple[str, str]]  # name -> (path, state reading it)
    declarations: dict[str, str]  # state -> its declaration's id
    clients: dict[str, dict[str, str]]  # state -> client_id, secret

    def headers(self, base: str, state: str) -> dict[str, str]:
        return bearer(base, self.clients[state]["client_id"], self.clients[state]["secret"])

    def token(self, base: str, state: str) -> str:
        return self.headers(base, state)["Authorization"].removeprefix("Bearer ")

    def read_all(self, base: str) -> dict[str, Any]:
        """Every record as the API reads it now (GET), by name."""
        headers = {state: self.headers(base, state) for state in self.clients}
        return {
            name: created(httpx.get(f"{base}{path}", headers=headers[state]))
            for name, (path, state) in self.records.items()
        }


def member_state(base: str, admin: dict[str, str], code: str, name: str) -> dict[str, str]:
    organisation = {"type": "member_state", "code": code, "name": name}
    created(httpx.post(f"{base}/auth/v1/organisations", json=organisation, headers=admin))
    scopes = ["manifests:write", "declarations:write", "register:read"]
    body = {"organisation": code, "name": f"{name} ministry", "scopes": scopes}
    client = created(httpx.post(f"{base}/auth/v1/clients", json=body, headers=admin, timeout=10))
    return {"client_id": client["client_id"], "secret": client["client_secret"]}


def fill(base: str, var_dir: Path) -> Filled:
    """One record of each kind, written through the API as the states would."""
    saved = json.loads((var_dir / "credentials.json").read_text())
    admin = bearer(base, saved["client_id"], saved["client_secret"])
    clients = {
        "SEN": member_state(base, admin, "SEN", "Senegal"),
        "NER": member_state(base, admin, "NER", "Niger"),
    }
    sen = bearer(base, clients["SEN"]["client_id"], clients["SEN"]["secret"])
    ner = bearer(base, clients["NER"]["client_id"], clients["NER"]["secret"])
    manifest = {
        "direction": "in",
        "mission": "MINUSMA",
        "contributing_country": "SEN",
        "unit": "SENBATT 4",
        "crossing_date": "2023-02-01",
        "items": [rifle("56-0000123"), rifle("56-0000124")],
    }
    manifest_id = created(httpx.post(f"{base}{MANIFESTS}", json=manifest, headers=sen))["id"]
    loss = {
        "mission": "MINUSMA",
        "contributing_country": "SEN",
        "loss_type": "stolen",
        "loss_date": "2024-05-01",
        "place": "Gao",
        "circumstances": "taken from the armoury",
        "items": [{"kind": "weapon", "serial_number": "56-0000124"}],
    }
    loss_id = created(httpx.post(f"{base}{LOSS_REPORTS}", json=loss, headers=sen))["id"]
    found = {
        "type": "seizure",
        "declaring_country": "SEN",
        "mission": "MINUSMA",
        "event_date": (date.today() - timedelta(days=10)).isoformat(),
        "location": {"country": "MLI", "place": "Gao", "lat": 16.27, "lon": -0.04},
        "circumstances": "cache found during patrol",
        "presumed_user": "armed group",
        "items": [
            rifle("AB-7731", "Izhmash"),
            {
                "kind": "ammunition",
                "calibre": "7.62x39mm",
                "ammunition_type": "ball",
                "manufacturer": "Tula Cartridge Works",
                "lot_number": "LOT-538",
                "quantity": 1200,
            },
        ],
    }
    sen_declaration = created(httpx.post(f"{base}{DECLARATIONS}", json=found, headers=sen))["id"]
    # Niger seizes Senegal's rifle, its serial misread: a diversion alert in the registry.
    seized = {
        "type": "seizure",
        "declaring_country": "NER",
        "mission": "MINUSMA",
        "event_date": (date.today() - timedelta(days=3)).isoformat(),
        "location": {"country": "MLI", "place": "Ménaka", "lat": 15.92, "lon": 2.4},
        "circumstances": "recovered after an attack on a patrol",
        "items": [rifle("56 OOOO123", "Izhmash")],
    }
    ner_declaration = created(httpx.post(f"{base}{DECLARATIONS}", json=seized, headers=ner))["id"]
    delivered = httpx.post(f"{base}/declarations/v1/index-feed/deliveries", headers=admin)
    assert delivered.status_code == 200, delivered.text

    def alerts() -> list[dict[str, Any]]:
        return list(created(httpx.get(f"{base}{ALERTS}", headers=sen))["items"])

    deadline = time.monotonic() + 30
    while not alerts():
        assert time.monotonic() < deadline, "no diversion alert was raised"
        time.sleep(0.2)
    (alert,) = alerts()
    return Filled(
        records={
            "manifest": (f"{MANIFESTS}/{manifest_id}", "SEN"),
            "loss report": (f"{LOSS_REPORTS}/{loss_id}", "SEN"),
            "SEN declaration": (f"{DECLARATIONS}/{sen_declaration}", "SEN"),
            "NER declaration": (f"{DECLARATIONS}/{ner_declaration}", "NER"),
            "alert": (f"{ALERTS}/{alert['id']}", "SEN"),
            "alerts": (ALERTS, "SEN"),
        },
        declarations={"SEN": str(sen_declaration), "NER": str(ner_declaration)},
        clients=clients,
    )


def differences(before: Any, after: Any, where: str = "") -> list[str]:
    """Where ``after`` does not read as ``before`` did; keys only ``after`` has are new fields."""
    if isinstance(before, dict):
        if not isinstance(after, dict):
            return [f"{where}: was an object, now {after!r}"]
        return [
            problem
            for key, value in before.items()
            for problem in (
                differences(value, after[key], f"{where}.{key}")
                if key in after
                else [f"{where}.{key}: missing"]
            )
        ]
    if isinstance(before, list):
        if not isinstance(after, list) or len(after) != len(before):
            return [f"{where}: was {before!r}, now {after!r}"]
        return [
            p
            for i, (b, a) in enumerate(zip(before, after, strict=True))
            for p in differences(b, a, f"{where}[{i}]")
        ]
    return [] if before == after else [f"{where}: was {before!r}, now {after!r}"]


def log_verify(base: str, state: Path, token: str, *args: str) -> str:
    verified = subprocess.run(
        [
            *(sys.executable, "-m", "services.cli.main", "log", "verify", "--url", base),
            *("--state", str(state), "--token", token, *args),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr
    return verified.stdout


def test_records_written_by_an_earlier_release_read_the_same_after_an_upgrade_in_place(
    tmp_path: Path, old_checkout: Path, upgrade_databases: dict[str, str]
) -> None:
    var_dir = tmp_path / "var"
    var_dir.mkdir(exist_ok=True)
    urls = upgrade_databases
    state = tmp_path / "log-verify.json"
    old_env = {"PYTHONPATH": str(old_checkout)}
    old_heads = head_revisions(old_checkout, urls, var_dir)
    new_heads = head_revisions(REPO, urls, var_dir)
    assert old_heads != new_heads, "the earlier commit has today's migrations: nothing to prove"

    with live_register(urls, var_dir, cwd=old_checkout, extra_env=old_env) as base:
        # The earlier release answers: incidents came after it.
        assert httpx.get(f"{base}/declarations/v1/incidents").status_code == 404
        filled = fill(base, var_dir)
        before = filled.read_all(base)
        key = httpx.get(f"{base}/declarations/v1/log/public-key", timeout=10).text.strip()
        log_verify(base, state, filled.token(base, "SEN"), "--key", key)  # the monitor

    migrated = run_python(REPO, urls, var_dir, "-m", "services.cli.main", "migrate")
    for service, head in new_heads.items():
        assert f"{service}: at ['{head}']" in migrated.stdout

    with live_register(urls, var_dir, cwd=REPO) as base:
        assert httpx.get(f"{base}/declarations/v1/incidents").status_code == 401
        upgraded = filled.read_all(base)
        assert differences(before, upgraded) == []
        # Each state proves its own declaration is in the log that extends the saved one.
        for code, declaration_id in filled.declarations.items():
            token = filled.token(base, code)
            verified = log_verify(base, state, token, f"--declaration={declaration_id}")
            assert "1 declaration(s) included" in verified

    for service, head in old_heads.items():
        run_python(REPO, urls, var_dir, "-m", "services.cli.main", "downgrade", service, head)
    with live_register(urls, var_dir, cwd=old_checkout, extra_env=old_env) as base:
        # The earlier release on the downgraded databases: at its own head, it reads as
        # it read before the upgrade.
        assert filled.read_all(base) == before

    run_python(REPO, urls, var_dir, "-m", "services.cli.main", "migrate")
    with live_register(urls, var_dir, cwd=REPO) as base:
        assert filled.read_all(base) == upgraded
