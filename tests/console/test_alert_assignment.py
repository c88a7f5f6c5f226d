"""Assigning an alert to another person of the secretariat from the console: an analyst
or the organisation's admin picks a colleague who triages alerts from a select (auth's
``/organisations/{code}/triagers``); a person of another organisation (or anything not
offered) is refused on the page, never sent, and the registry checks it again."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient

from services.embedded import EmbeddedSettings
from tests.auth.people_support import invite
from tests.console.analysis_support import analyst, csrf, diversion, etag
from tests.support.auth_fixtures import AuthApi
from tests.support.responses import assert_status


def _invite(client: TestClient, auth_api: AuthApi, org: str, role: str, name: str) -> str:
    auth_api.ensure_organisation("secretariat", org)
    email = f"{name.split()[0].lower()}@{org.lower()}.test"
    made = invite(client, auth_api.admin_headers(), org=org, email=email, role=role, name=name)
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


def _assign(client: TestClient, alert_id: str, page: str, assignee: str) -> object:
    data = {"csrf_token": csrf(page), "etag": etag(page), "assignee": assignee}
    return client.post(f"/console/alerts/{alert_id}/assign", data=data, follow_redirects=False)


def test_a_secretariat_admin_assigns_an_alert_to_a_colleague(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    auth_api.give_the_registry_its_people_client()
    _manifest, alert_id = diversion(client, auth_api)
    colleague = _invite(client, auth_api, "ECOWAS", "analyst", "Kofi Mensah")
    reader = _invite(client, auth_api, "ECOWAS", "reader", "Ines Reader")
    stranger = _invite(client, auth_api, "ECCAS", "analyst", "Paul Ndong")
    analyst(client, auth_api, register_settings, role="admin")

    page = client.get(f"/console/alerts/{alert_id}").text
    select = re.search(r'<select[^>]*id="assign-assignee".*?</select>', page, flags=re.S)
    assert select is not None, page
    assert f'value="{colleague}"' in select.group(0)
    assert "Kofi Mensah" in select.group(0)
    assert reader not in select.group(0)  # a reader cannot triage: not offered
    assert stranger not in select.group(0)  # another organisation's: not offered

    done = _assign(client, alert_id, page, colleague)
    assert done.status_code == 303, done.text  # type: ignore[attr-defined]
    ecowas = auth_api.secretariat_headers("ECOWAS")
    alert = assert_status(client.get(f"/registry/v1/alerts/{alert_id}", headers=ecowas), 200)
    assert alert["assignee"] == {"id": colleague, "organisation": "ECOWAS"}
    shown = client.get(f"/console/alerts/{alert_id}").text
    assert "<dd>Kofi Mensah (ECOWAS)</dd>" in shown
    assert "Assigned to: Kofi Mensah" in shown


def test_a_person_of_another_organisation_is_refused_on_the_page(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    _manifest, alert_id = diversion(client, auth_api)
    stranger = _invite(client, auth_api, "ECCAS", "analyst", "Paul Ndong")
    analyst(client, auth_api, register_settings, role="admin")
    page = client.get(f"/console/alerts/{alert_id}").text

    for chosen in (stranger, "someone", "psn_" + "0" * 32):
        refused = _assign(client, alert_id, page, chosen)
        assert refused.status_code == 422, refused.text  # type: ignore[attr-defined]
        text = html.unescape(refused.text)  # type: ignore[attr-defined]
        summary = re.search(r'<div class="error-summary".*?</div>', text, flags=re.S)
        assert summary is not None, text
        assert 'href="#assign-assignee"' in summary.group(0)
        assert "Choose a person of your organisation who triages alerts." in summary.group(0)
    ecowas = auth_api.secretariat_headers("ECOWAS")
    alert = assert_status(client.get(f"/registry/v1/alerts/{alert_id}", headers=ecowas), 200)
    assert alert["assignee"] is None  # nothing was sent


def test_an_analyst_assigns_an_alert_to_a_colleague(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    auth_api.give_the_registry_its_people_client()
    _manifest, alert_id = diversion(client, auth_api)
    colleague = _invite(client, auth_api, "ECOWAS", "admin", "Kofi Mensah")
    reader = _invite(client, auth_api, "ECOWAS", "reader", "Ines Reader")
    analyst(client, auth_api, register_settings)  # an analyst, not an admin
    page = client.get(f"/console/alerts/{alert_id}").text
    assert "Assign to me" in page
    select = re.search(r'<select[^>]*id="assign-assignee".*?</select>', page, flags=re.S)
    assert select is not None, page
    assert f'value="{colleague}"' in select.group(0)
    assert "Kofi Mensah (kofi@ecowas.test)" in select.group(0)
    assert reader not in select.group(0)

    done = _assign(client, alert_id, page, colleague)

    assert done.status_code == 303, done.text  # type: ignore[attr-defined]
    ecowas = auth_api.secretariat_headers("ECOWAS")
    alert = assert_status(client.get(f"/registry/v1/alerts/{alert_id}", headers=ecowas), 200)
    assert alert["assignee"] == {"id": colleague, "organisation": "ECOWAS"}
    assert "Assigned to: Kofi Mensah" in client.get(f"/console/alerts/{alert_id}").text


def test_a_reader_is_offered_no_assignment(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    _manifest, alert_id = diversion(client, auth_api)
    colleague = _invite(client, auth_api, "ECOWAS", "analyst", "Kofi Mensah")
    analyst(client, auth_api, register_settings, role="reader")
    page = client.get(f"/console/alerts/{alert_id}").text
    assert 'id="assign-assignee"' not in page
    assert "Assign to me" not in page
    refused = _assign(client, alert_id, page, colleague)
    assert refused.status_code == 422  # type: ignore[attr-defined]
