"""Loss reports in the console: the form with every problem on its field and item row,
a stored report shown with its items, the list, tenancy as the API says."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient

from services.embedded import EmbeddedSettings
from tests.auth.people_support import Enrolled, invite_and_enrol
from tests.console.support import register_console, sign_in
from tests.registry.factories import MANIFESTS, ammunition, manifest, weapon
from tests.support.auth_fixtures import AuthApi

LOSS = "/registry/v1/loss-reports"
FORM = {
    "mission": "MINUSCA",
    "contributing_country": "SEN",
    "unit": "SENBATT 7",
    "loss_type": "captured_in_attack",
    "circumstance": "attack_on_base",
    "loss_date": "2024-05-01",
    "place": "Bambari",
    "lat": "5.76",
    "lon": "20.67",
    "circumstances": "Base overrun",
    "items-0-kind": "weapon",
    "items-0-serial_number": "AK-1",
    "items-1-kind": "ammunition",
    "items-1-calibre": "7,62x39",
    "items-1-lot_number": "L-7",
    "items-1-quantity": "300",
}


def _person(
    client: TestClient, auth_api: AuthApi, settings: EmbeddedSettings, org: str = "SEN"
) -> Enrolled:
    register_console(settings)
    return invite_and_enrol(
        client, auth_api, org=org, org_type="member_state", role="editor", email=f"e@{org}.test"
    )


def _hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{re.escape(name)}"[^>]*? value="([^"]*)"', page)
    assert found is not None, name
    return html.unescape(found.group(1))


def _send(client: TestClient, page: str, **form: str) -> object:
    fields = {n: _hidden(page, n) for n in ("csrf_token", "request_key", "rows")}
    return client.post("/console/losses/new", data={**fields, **form}, follow_redirects=False)


def _declared_in(client: TestClient, auth_api: AuthApi) -> None:
    body = manifest([weapon("AK-1"), ammunition("L-7", 1000)])
    stored = client.post(MANIFESTS, json=body, headers=auth_api.member_state_headers("SEN"))
    assert stored.status_code == 201, stored.text


def _reports(client: TestClient, auth_api: AuthApi) -> list[object]:
    listed = client.get(LOSS, headers=auth_api.member_state_headers("SEN"))
    assert listed.status_code == 200, listed.text
    items: list[object] = listed.json()["items"]
    return items


def test_a_refused_loss_report_names_each_problem_on_its_field_and_row(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    _declared_in(client, auth_api)
    page = sign_in(
        client, _person(client, auth_api, register_settings), start="/console/losses/new"
    )
    refused = _send(client, page, **{**FORM, "place": "", "loss_type": "misplaced"})
    assert refused.status_code == 422  # type: ignore[attr-defined]
    text = refused.text  # type: ignore[attr-defined]
    summary = text.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    assert 'href="#place"' in summary
    assert 'href="#loss_type"' in summary
    assert 'value="SENBATT 7"' in text  # kept as typed
    unknown = _send(client, page, **{**FORM, "items-0-serial_number": "GHOST-7"})
    assert unknown.status_code == 422  # type: ignore[attr-defined]
    summary = unknown.text.split('id="error-summary"', 1)[1].split("</div>", 1)[0]  # type: ignore[attr-defined]
    assert 'href="#items-0-serial_number"' in summary
    assert "GHOST-7" in summary
    assert _reports(client, auth_api) == []


def test_a_loss_report_from_the_form_is_stored_listed_and_shown_with_its_items(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    _declared_in(client, auth_api)
    page = sign_in(
        client, _person(client, auth_api, register_settings), start="/console/losses/new"
    )
    more = _send(client, page, **FORM, more_rows="1")
    assert 'id="items-9-kind"' in more.text  # type: ignore[attr-defined]
    stored = _send(client, page, **FORM)
    assert stored.status_code == 303, stored.text  # type: ignore[attr-defined]
    detail = client.get(stored.headers["location"] + "&lang=fr")  # type: ignore[attr-defined]
    assert "Le rapport de perte a été enregistré." in detail.text
    assert "AK-1" in detail.text
    assert "Bambari" in detail.text
    assert "5.76, 20.67" in detail.text
    listed = client.get("/console/losses?mission=MINUSCA")
    assert stored.headers["location"].split("?")[0] in listed.text  # type: ignore[attr-defined]
    assert len(_reports(client, auth_api)) == 1


def test_another_state_cannot_open_the_report(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    _declared_in(client, auth_api)

    report = {
        "mission": "MINUSCA",
        "contributing_country": "SEN",
        "loss_type": "stolen",
        "loss_date": "2024-05-01",
        "place": "Bambari",
        "circumstances": "Armoury broken into",
        "items": [{"kind": "weapon", "serial_number": "AK-1"}],
    }
    created = client.post(LOSS, json=report, headers=auth_api.member_state_headers("SEN"))
    assert created.status_code == 201, created.text
    sign_in(
        client, _person(client, auth_api, register_settings, org="GHA"), start="/console/losses"
    )
    refused = client.get(f"/console/losses/{created.json()['id']}")
    assert refused.status_code == 404
