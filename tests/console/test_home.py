"""The home page: what needs the signed-in person (from what the registry API offers)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from services.embedded import EmbeddedSettings
from tests.auth.people_support import invite_and_enrol
from tests.console.manifest_files import FIXED, FORM
from tests.console.support import register_console, sign_in
from tests.support.auth_fixtures import AuthApi


def test_home_lists_latest_submissions_and_a_rotation_ending_with_weapons_held(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    ending = (datetime.now(UTC) + timedelta(days=30)).date().isoformat()
    mission = {
        "code": "MINUSEN",
        "name": "Test mission ending soon",
        "authority": "UN",
        "host_countries": ["CAF"],
        "start_date": "2020-01-01",
        "end_date": ending,
    }
    created = client.post("/registry/v1/missions", json=mission, headers=auth_api.admin_headers())
    assert created.status_code == 201, created.text
    register_console(register_settings)
    person = invite_and_enrol(
        client, auth_api, org="SEN", org_type="member_state", role="editor", email="e@sn.test"
    )
    page = sign_in(client, person, start="/console/manifests/upload")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf is not None
    stored = client.post(
        "/console/manifests/upload",
        data={**FORM, "mission": "MINUSEN", "csrf_token": csrf.group(1)},
        files={"file": ("m.csv", FIXED, "text/csv")},
    )
    assert stored.status_code == 200, stored.text
    home = client.get("/console/")
    assert home.status_code == 200
    submissions = home.text.split('id="submissions-title"')[1].split("</section>")[0]
    assert "MINUSEN" in submissions
    assert "SENBATT 7" in submissions
    rotations = home.text.split('id="rotations-title"')[1].split("</section>")[0]
    assert "<strong>MINUSEN</strong>" in rotations
    assert "3 weapons still held" in rotations
    assert "No open alerts." in home.text


def test_home_of_another_state_shows_none_of_it(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    register_console(register_settings)
    editor = invite_and_enrol(
        client, auth_api, org="SEN", org_type="member_state", role="editor", email="e@sn.test"
    )
    page = sign_in(client, editor, start="/console/manifests/upload")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf is not None
    client.post(
        "/console/manifests/upload",
        data={**FORM, "csrf_token": csrf.group(1)},
        files={"file": ("m.csv", FIXED, "text/csv")},
    )
    client.cookies.clear()
    reader = invite_and_enrol(
        client, auth_api, org="GHA", org_type="member_state", role="reader", email="r@gh.test"
    )
    home = sign_in(client, reader)
    assert "No manifests yet." in home
    assert "SENBATT 7" not in home


def test_home_lists_a_unit_whose_planned_rotation_end_is_near_in_a_mission_that_goes_on(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    mission = {
        "code": "MINUGO",
        "name": "Test mission that goes on",
        "authority": "UN",
        "host_countries": ["CAF"],
        "start_date": "2020-01-01",
    }
    created = client.post("/registry/v1/missions", json=mission, headers=auth_api.admin_headers())
    assert created.status_code == 201, created.text
    register_console(register_settings)
    person = invite_and_enrol(
        client, auth_api, org="SEN", org_type="member_state", role="editor", email="e@sn.test"
    )
    page = sign_in(client, person, start="/console/manifests/upload")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf is not None
    ends = (datetime.now(UTC) + timedelta(days=10)).date().isoformat()
    # The planned end as a French column, written on one row only.
    lines = FIXED.decode().splitlines()
    with_end = [lines[0] + ";Fin de rotation", lines[1] + f";{ends}"] + [
        line + ";" for line in lines[2:]
    ]
    stored = client.post(
        "/console/manifests/upload",
        data={**FORM, "mission": "MINUGO", "csrf_token": csrf.group(1)},
        files={"file": ("m.csv", "\n".join(with_end).encode(), "text/csv")},
    )
    assert stored.status_code == 200, stored.text
    assert "Planned end of rotation" in stored.text  # the manifest's page
    home = client.get("/console/")
    rotations = home.text.split('id="rotations-title"')[1].split("</section>")[0]
    assert "<strong>MINUGO</strong>, SENBATT 7" in rotations
    assert "(planned end of rotation): 3 weapons still held" in rotations
