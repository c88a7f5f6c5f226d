"""Whom an alert may be assigned to (issue 16, item 2): the registry asks auth's people
directory over HTTP, with its own ``people:read`` client, whether the assignee is an
enabled person of the caller's organisation whose role triages alerts; anyone else is a
422 naming ``assignee``, and an auth that cannot be asked a 503, never a silent accept."""

from __future__ import annotations

import socket
import time

import httpx
from fastapi.testclient import TestClient

from services.embedded import EmbeddedRegister, EmbeddedSettings
from services.registry.alerts.assignees import NOT_A_TRIAGER
from services.registry.mail.directory import PeopleDirectory
from tests.registry.test_alert_triage import ALERTS, _diversion, _person, _post
from tests.support.auth_fixtures import AuthApi
from tests.support.responses import assert_status

REFUSED = [{"loc": "assignee", "msg": NOT_A_TRIAGER}]


def _history(client: TestClient, alert_id: str, headers: dict[str, str]) -> list[str]:
    found = assert_status(client.get(f"{ALERTS}/{alert_id}/history", headers=headers), 200)
    return [h["action"] for h in found["items"]]


def test_an_analyst_assigns_an_alert_to_a_colleague_who_triages(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    auth_api.give_the_registry_its_people_client()
    alert_id = _diversion(client, auth_api)
    _, analyst = _person(
        client, auth_api, register_settings, org_type="secretariat", org="ECOWAS", role="analyst"
    )
    admin_id, _ = _person(
        client, auth_api, register_settings, org_type="secretariat", org="ECOWAS", role="admin"
    )

    assigned = assert_status(
        _post(client, alert_id, "assign", {"assignee": admin_id}, analyst), 200
    )

    assert assigned["assignee"] == {"id": admin_id, "organisation": "ECOWAS"}
    assert _history(client, alert_id, analyst) == ["raised", "assigned"]


def test_the_secretariats_api_client_assigns_to_its_analysts_only(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    auth_api.give_the_registry_its_people_client()
    alert_id = _diversion(client, auth_api)
    ecowas = auth_api.secretariat_headers("ECOWAS")
    analyst_id, _ = _person(
        client, auth_api, register_settings, org_type="secretariat", org="ECOWAS", role="analyst"
    )
    reader_id, _ = _person(
        client, auth_api, register_settings, org_type="secretariat", org="ECOWAS", role="reader"
    )

    refused = _post(client, alert_id, "assign", {"assignee": reader_id}, ecowas)
    assigned = _post(client, alert_id, "assign", {"assignee": analyst_id}, ecowas)

    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"] == REFUSED
    assert assert_status(assigned, 200)["assignee"] == {"id": analyst_id, "organisation": "ECOWAS"}


def test_nobody_outside_the_callers_triagers_may_be_assigned(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    auth_api.give_the_registry_its_people_client()
    alert_id = _diversion(client, auth_api)
    _, analyst = _person(
        client, auth_api, register_settings, org_type="secretariat", org="ECOWAS", role="analyst"
    )
    reader_id, _ = _person(
        client, auth_api, register_settings, org_type="secretariat", org="ECOWAS", role="reader"
    )
    eccas_id, _ = _person(
        client, auth_api, register_settings, org_type="secretariat", org="ECCAS", role="analyst"
    )
    sen_admin_id, _ = _person(
        client, auth_api, register_settings, org_type="member_state", org="SEN", role="admin"
    )
    gone_id, _ = _person(
        client,
        auth_api,
        register_settings,
        org_type="secretariat",
        org="ECOWAS",
        role="analyst",
        email="gone@ecowas.test",
    )
    disabled = client.post(f"/auth/v1/people/{gone_id}/disable", headers=auth_api.admin_headers())
    assert_status(disabled, 200)
    candidates = {
        "a reader of the caller's own secretariat": reader_id,
        "an analyst of another secretariat": eccas_id,
        "an admin of a member state": sen_admin_id,
        "a disabled analyst": gone_id,
        "an id that names nobody": "psn_" + "a" * 32,
    }

    for who, person_id in candidates.items():
        refused = _post(client, alert_id, "assign", {"assignee": person_id}, analyst)
        assert refused.status_code == 422, f"{who}: {refused.text}"
        assert refused.json()["errors"] == REFUSED, who
        assert refused.headers["content-type"] == "application/problem+json"

    assert _history(client, alert_id, analyst) == ["raised"]
    current = assert_status(client.get(f"{ALERTS}/{alert_id}", headers=analyst), 200)
    assert current["assignee"] is None


def test_a_colleague_invited_after_the_first_lookup_is_found(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    auth_api.give_the_registry_its_people_client()
    alert_id = _diversion(client, auth_api)
    _, analyst = _person(
        client, auth_api, register_settings, org_type="secretariat", org="ECOWAS", role="analyst"
    )
    refused = _post(client, alert_id, "assign", {"assignee": "psn_" + "b" * 32}, analyst)
    assert refused.status_code == 422  # ECOWAS's people are now cached
    newcomer_id, _ = _person(
        client,
        auth_api,
        register_settings,
        org_type="secretariat",
        org="ECOWAS",
        role="analyst",
        email="new@ecowas.test",
    )
    time.sleep(1.1)  # unknown ids ask auth again at most once a second

    assigned = _post(client, alert_id, "assign", {"assignee": newcomer_id}, analyst)

    assert assert_status(assigned, 200)["assignee"]["id"] == newcomer_id


def _unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_when_auth_cannot_be_reached_assigning_someone_else_is_a_503(
    client: TestClient,
    register: EmbeddedRegister,
    auth_api: AuthApi,
    register_settings: EmbeddedSettings,
) -> None:
    auth_api.give_the_registry_its_people_client()
    alert_id = _diversion(client, auth_api)
    analyst_id, analyst = _person(
        client, auth_api, register_settings, org_type="secretariat", org="ECOWAS", role="analyst"
    )
    admin_id, _ = _person(
        client, auth_api, register_settings, org_type="secretariat", org="ECOWAS", role="admin"
    )
    # The registry's directory now asks an auth address where nothing listens (tokens
    # are still checked by the in-process auth: only the directory is down).
    state = register.registry.state
    unreachable = httpx.AsyncClient(base_url=f"http://127.0.0.1:{_unused_port()}")
    state.people_directory = PeopleDirectory(
        auth=unreachable, credentials=state.people_directory.credentials
    )

    down = _post(client, alert_id, "assign", {"assignee": admin_id}, analyst)
    to_me = _post(client, alert_id, "assign", {"assignee": analyst_id}, analyst)

    assert down.status_code == 503, down.text
    assert down.json()["code"] == "auth_unavailable"
    assert int(down.headers["Retry-After"]) > 0
    assert down.headers["content-type"] == "application/problem+json"
    # Assigning oneself needs no lookup: the token says who and what the caller is.
    assert assert_status(to_me, 200)["assignee"]["id"] == analyst_id
    assert _history(client, alert_id, analyst) == ["raised", "assigned"]


def test_without_its_people_client_the_registry_refuses_with_a_503(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    # No people:read client was made for the registry: nothing can be checked.
    alert_id = _diversion(client, auth_api)
    _, analyst = _person(
        client, auth_api, register_settings, org_type="secretariat", org="ECOWAS", role="analyst"
    )
    admin_id, _ = _person(
        client, auth_api, register_settings, org_type="secretariat", org="ECOWAS", role="admin"
    )

    refused = _post(client, alert_id, "assign", {"assignee": admin_id}, analyst)

    assert refused.status_code == 503, refused.text
    assert "Retry-After" in refused.headers
    assert _history(client, alert_id, analyst) == ["raised"]


def test_an_alert_the_caller_may_not_see_is_still_a_404_whoever_is_assigned(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    auth_api.give_the_registry_its_people_client()
    alert_id = _diversion(client, auth_api)
    _, eccas = _person(
        client, auth_api, register_settings, org_type="secretariat", org="ECCAS", role="analyst"
    )
    hidden = _post(client, alert_id, "assign", {"assignee": "psn_" + "c" * 32}, eccas, if_match="*")
    assert hidden.status_code == 404
    assert hidden.json()["code"] == "alert_not_found"
