"""Every act names its actor: ``submitted_by`` on manifests, declarations, versions,
holds and lifts, and in the log entries written since (issue 13, item 6).

The person signs in as a browser app's user would (password, authenticator code, PKCE
code exchange); the client is a real API client of the auth service.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from jose import jwt

from services.embedded import EmbeddedRegister, EmbeddedSettings
from tests.auth.people_support import (
    HandClock,
    create_app,
    direct_person_token,
    exchange,
    invite_and_enrol,
    sign_in_code,
)
from tests.declarations.support import Callers, MovableClock, declaration, declaration_at
from tests.registry.factories import manifest, weapon
from tests.support.auth_fixtures import AuthApi
from tests.support.responses import assert_status

URL = "/declarations/v1/declarations"
LOG = "/declarations/v1/log"
MANIFESTS = "/registry/v1/manifests"


@pytest.fixture
def auth_clock(register: EmbeddedRegister) -> HandClock:
    """Auth's clock, behind the wall (tokens it signs must not look future-dated)."""
    hand = HandClock(datetime.now(UTC) - timedelta(seconds=90))
    register.auth.state.clock = hand
    return hand


def _signed_in(
    client: TestClient, auth_api: AuthApi, clock: HandClock, *, org: str, org_type: str, role: str
) -> tuple[str, dict[str, str]]:
    """A person enrolled in ``org`` who signed in with PKCE: (person id, bearer headers)."""
    person = invite_and_enrol(
        client,
        auth_api,
        org=org,
        org_type=org_type,
        role=role,
        email=f"{role}@{org.lower()}.test",
        at=clock.now,
    )
    clock.advance(seconds=30)  # the enrolment's code step is spent
    app = create_app(client, auth_api)
    code = sign_in_code(client, app["client_id"], person, clock.now)
    token = assert_status(exchange(client, app["client_id"], code), 200)["access_token"]
    return person.person_id, auth_api.headers(token)


def _person(person_id: str, organisation: str) -> dict[str, str]:
    return {"type": "person", "id": person_id, "organisation": organisation}


def _entry(client: TestClient, headers: dict[str, str], index: int) -> tuple[bytes, Any]:
    """The leaf input of log entry ``index`` and its parsed document."""
    listed = client.get(
        f"{LOG}/entries", params={"start": index, "end": index + 1}, headers=headers
    )
    entry = assert_status(listed, 200)["entries"][0]
    leaf = base64.b64decode(entry["leaf_input"])
    assert json.loads(leaf) == entry["entry"]
    return leaf, entry["entry"]


def test_a_signed_in_person_is_named_on_the_manifest_and_declaration_it_submits(
    client: TestClient, auth_api: AuthApi, auth_clock: HandClock
) -> None:
    person_id, headers = _signed_in(
        client, auth_api, auth_clock, org="SEN", org_type="member_state", role="editor"
    )
    expected = _person(person_id, "SEN")
    created = assert_status(
        client.post(MANIFESTS, json=manifest([weapon("AK-1001")]), headers=headers)
    )
    assert created["submitted_by"] == expected
    read = assert_status(client.get(f"{MANIFESTS}/{created['id']}", headers=headers), 200)
    assert read["submitted_by"] == expected
    listed = assert_status(client.get(MANIFESTS, headers=headers), 200)["items"]
    assert [m["submitted_by"] for m in listed] == [expected]

    declared = assert_status(client.post(URL, json=declaration("SEN"), headers=headers))
    shown = assert_status(client.get(f"{URL}/{declared['id']}", headers=headers), 200)
    assert shown["submitted_by"] == expected
    listed = assert_status(client.get(URL, headers=headers), 200)["items"]
    assert [d["submitted_by"] for d in listed] == [expected]
    versions = assert_status(client.get(f"{URL}/{declared['id']}/versions", headers=headers), 200)
    assert [v["submitted_by"] for v in versions["items"]] == [expected]
    leaf, entry = _entry(client, headers, declared["log_index"])
    assert entry["submitted_by"] == expected
    assert b'"submitted_by":{"id":"' + person_id.encode() in leaf


def test_a_client_token_is_named_as_a_client_of_its_organisation(
    client: TestClient, callers: Callers
) -> None:
    headers = callers.state("SEN", ("manifests:write", "declarations:write", "register:read"))
    client_id = jwt.get_unverified_claims(callers.token(headers))["sub"]
    expected = {"type": "client", "id": client_id, "organisation": "SEN"}
    created = assert_status(
        client.post(MANIFESTS, json=manifest([weapon("AK-2002")]), headers=headers)
    )
    read = assert_status(client.get(f"{MANIFESTS}/{created['id']}", headers=headers), 200)
    assert read["submitted_by"] == expected
    declared = assert_status(client.post(URL, json=declaration("SEN"), headers=headers))
    shown = assert_status(client.get(f"{URL}/{declared['id']}", headers=headers), 200)
    assert shown["submitted_by"] == expected
    assert _entry(client, headers, declared["log_index"])[1]["submitted_by"] == expected


def test_an_amendment_a_hold_and_its_lift_by_people_name_those_people(
    client: TestClient,
    auth_api: AuthApi,
    auth_clock: HandClock,
    callers: Callers,
    register_settings: EmbeddedSettings,
) -> None:
    declared = assert_status(
        client.post(URL, json=declaration("SEN"), headers=callers.state("SEN"))
    )
    reader = callers.state("SEN")
    first_leaf, first = _entry(client, reader, declared["log_index"])

    editor_id, editor = _signed_in(
        client, auth_api, auth_clock, org="SEN", org_type="member_state", role="editor"
    )
    patch = {"reason": "place corrected", "changes": {"location": {"place": "Ansongo"}}}
    amended = assert_status(
        client.post(
            f"{URL}/{declared['id']}/amendments",
            json=patch,
            headers=editor | {"If-Match": declared["etag"]},
        )
    )
    versions = assert_status(client.get(f"{URL}/{declared['id']}/versions", headers=reader), 200)
    assert versions["items"][0]["submitted_by"]["type"] == "client"
    assert versions["items"][1]["submitted_by"] == _person(editor_id, "SEN")
    # The declaration is still the first version's (its declarant's).
    shown = assert_status(client.get(f"{URL}/{declared['id']}", headers=reader), 200)
    assert shown["submitted_by"]["type"] == "client"
    assert _entry(client, reader, amended["log_index"])[1]["submitted_by"] == _person(
        editor_id, "SEN"
    )

    auth_api.ensure_organisation("secretariat", "ECOWAS")
    invited = client.post(
        "/auth/v1/people",
        json={"organisation": "ECOWAS", "email": "an@ecowas.test", "name": "A", "role": "analyst"},
        headers=auth_api.admin_headers(),
    )
    analyst_id = assert_status(invited)["id"]
    analyst = auth_api.headers(direct_person_token(register_settings, analyst_id))
    hold = assert_status(
        client.post(f"{URL}/{declared['id']}/holds", json={"reason": "inquiry"}, headers=analyst)
    )
    assert hold["submitted_by"] == _person(analyst_id, "ECOWAS")
    assert _entry(client, reader, hold["log_index"])[1]["submitted_by"] == _person(
        analyst_id, "ECOWAS"
    )
    lifted = assert_status(
        client.request(
            "DELETE",
            f"{URL}/{declared['id']}/holds/{hold['id']}",
            json={"reason": "closed"},
            headers=analyst,
        ),
        200,
    )
    assert lifted["submitted_by"] == _person(analyst_id, "ECOWAS")
    assert lifted["lift_submitted_by"] == _person(analyst_id, "ECOWAS")
    listed = assert_status(client.get(f"{URL}/{declared['id']}/holds", headers=reader), 200)
    assert listed["items"][0]["lift_submitted_by"] == _person(analyst_id, "ECOWAS")
    # Appending entries never rewrites earlier ones.
    assert _entry(client, reader, declared["log_index"]) == (first_leaf, first)


def test_a_disposal_names_who_disposed_of_the_declaration(
    client: TestClient, callers: Callers, clock: MovableClock
) -> None:
    clock.rewind(years=31)
    declared = assert_status(
        client.post(URL, json=declaration_at(clock), headers=callers.state("SEN"))
    )
    clock.reset()
    reader = callers.state("SEN")
    kept = assert_status(client.get(f"{URL}/{declared['id']}", headers=reader), 200)
    assert kept["disposal_submitted_by"] is None
    operator = callers.operator()
    claims = jwt.get_unverified_claims(callers.token(operator))
    expected = {"type": "client", "id": claims["sub"], "organisation": claims["org"]}
    disposed = assert_status(client.delete(f"{URL}/{declared['id']}", headers=operator), 200)
    assert disposed["submitted_by"] == expected
    shown = assert_status(client.get(f"{URL}/{declared['id']}", headers=reader), 200)
    assert shown["disposal_submitted_by"] == expected
    assert _entry(client, reader, disposed["log_index"])[1]["submitted_by"] == expected
