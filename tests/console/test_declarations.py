"""Declarations in the console: the declare form with every problem on its field and
item row, the list with filters and keyset pages, the detail with versions and what
changed, amendments with the ETag handled (412 shows the new version), legal holds."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient

from services.console.declarations import service
from services.embedded import EmbeddedSettings
from tests.auth.people_support import Enrolled, invite_and_enrol
from tests.console.support import register_console, sign_in
from tests.declarations.support import declaration
from tests.declarations.test_declarations_import import FRENCH_HEADER, _csv
from tests.support.auth_fixtures import AuthApi

EVENT = (date.today() - timedelta(days=3)).isoformat()
GOOD = {
    "type": "seizure",
    "event_date": EVENT,
    "place": "Gao",
    "country": "MLI",
    "lat": "16.27",
    "lon": "-0.04",
    "mission": "MINUSMA",
    "presumed_user": "armed group",
    "items-0-kind": "weapon",
    "items-0-category": "assault_rifle",
    "items-0-manufacturer": "Kalashnikov",
    "items-0-model": "AK-47",
    "items-0-calibre": "7.62x39mm",
    "items-0-serial_number": "KA-4411",
    "items-1-kind": "ammunition",
    "items-1-calibre": "7.62x39mm",
    "items-1-headstamp": "539 15",
    "items-1-condition": "live",
    "items-1-lot_number": "L-9",
    "items-1-quantity": "120",
}


def _person(
    client: TestClient,
    auth_api: AuthApi,
    settings: EmbeddedSettings,
    *,
    org: str = "SEN",
    org_type: str = "member_state",
    role: str = "editor",
) -> Enrolled:
    register_console(settings)
    return invite_and_enrol(
        client, auth_api, org=org, org_type=org_type, role=role, email=f"{role}@{org.lower()}.test"
    )


def _hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{re.escape(name)}"[^>]*? value="([^"]*)"', page)
    assert found is not None, name
    return html.unescape(found.group(1))


def _declare(client: TestClient, page: str, **form: str) -> object:
    fields = {
        "csrf_token": _hidden(page, "csrf_token"),
        "request_key": _hidden(page, "request_key"),
        "rows": _hidden(page, "rows"),
        **form,
    }
    return client.post("/console/declarations/new", data=fields, follow_redirects=False)


def _count(client: TestClient, auth_api: AuthApi) -> int:
    response = client.get(
        "/declarations/v1/declarations", headers=auth_api.member_state_headers("SEN")
    )
    assert response.status_code == 200, response.text
    return len(response.json()["items"])


def _stored(client: TestClient, auth_api: AuthApi, **overrides: object) -> str:
    response = client.post(
        "/declarations/v1/declarations",
        json=declaration(**overrides),
        headers=auth_api.member_state_headers("SEN"),
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def test_a_refused_declaration_names_every_problem_on_its_field_and_row_and_stores_nothing(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    page = sign_in(
        client, _person(client, auth_api, register_settings), start="/console/declarations/new"
    )
    bad = {**GOOD, "lat": "16.27", "lon": "", "items-0-serial_number": "", "event_date": ""}
    bad["items-1-quantity"] = ""
    refused = _declare(client, page, **bad)
    assert refused.status_code == 422  # type: ignore[attr-defined]
    text = refused.text  # type: ignore[attr-defined]
    summary = text.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    assert 'href="#event_date"' in summary
    assert 'href="#items-0-serial_number"' in summary  # row 1, the weapon's serial
    assert 'href="#items-1-quantity"' in summary  # row 2, the ammunition's quantity
    assert "Row 1" in summary
    assert "Row 2" in summary
    assert 'value="KA-4411"' not in text
    assert 'value="Kalashnikov"' in text
    assert _count(client, auth_api) == 0


def test_add_more_rows_keeps_what_was_typed_and_stores_nothing(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    page = sign_in(
        client, _person(client, auth_api, register_settings), start="/console/declarations/new"
    )
    assert 'id="items-2-kind"' in page  # three rows
    assert 'id="items-3-kind"' not in page
    more = _declare(client, page, **GOOD, more_rows="1")
    assert more.status_code == 200  # type: ignore[attr-defined]
    assert 'id="items-7-kind"' in more.text  # type: ignore[attr-defined]  # five more
    assert 'id="items-8-kind"' not in more.text  # type: ignore[attr-defined]
    assert 'value="KA-4411"' in more.text  # type: ignore[attr-defined]
    assert _count(client, auth_api) == 0


def test_a_declaration_from_the_form_is_stored_and_shown_with_its_items(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    page = sign_in(
        client, _person(client, auth_api, register_settings), start="/console/declarations/new"
    )
    stored = _declare(client, page, **GOOD)
    assert stored.status_code == 303, stored.text  # type: ignore[attr-defined]
    detail = client.get(stored.headers["location"])  # type: ignore[attr-defined]
    assert detail.status_code == 200
    assert "The declaration was stored." in detail.text
    assert "KA-4411" in detail.text
    assert "headstamp: 539 15" in detail.text
    assert "Gao" in detail.text
    assert "The first version." in detail.text
    assert _count(client, auth_api) == 1
    again = _declare(client, page, **GOOD)  # the same form twice: stored once
    assert again.status_code == 303  # type: ignore[attr-defined]
    assert _count(client, auth_api) == 1


def test_the_list_filters_by_type_and_pages_by_cursor(
    client: TestClient,
    auth_api: AuthApi,
    register_settings: EmbeddedSettings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seized = _stored(client, auth_api)
    collected = _stored(client, auth_api, type="collection")
    sign_in(client, _person(client, auth_api, register_settings), start="/console/declarations")
    only = client.get("/console/declarations?type=collection&lang=fr")
    assert f"/console/declarations/{collected}" in only.text
    assert f"/console/declarations/{seized}" not in only.text
    assert "Collecte" in only.text
    monkeypatch.setattr(service, "PAGE_SIZE", 1)
    first = client.get("/console/declarations")
    found = re.search(r'href="(/console/declarations\?[^"]*cursor=[^"]+)" rel="next"', first.text)
    assert found is not None
    second = client.get(found.group(1).replace("&amp;", "&"))
    assert second.status_code == 200
    ids = {seized, collected}
    shown = {i for i in ids if f"/console/declarations/{i}" in first.text + second.text}
    assert shown == ids


def test_an_amendment_with_a_reason_is_a_new_version_and_its_changes_are_listed(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    declaration_id = _stored(client, auth_api)
    form = sign_in(
        client,
        _person(client, auth_api, register_settings),
        start=f"/console/declarations/{declaration_id}/amend",
    )
    fields = {name: _hidden(form, name) for name in ("csrf_token", "request_key", "etag")} | {
        f"was-{n}": _hidden(form, f"was-{n}") for n in service.AMENDABLE
    }
    typed = {n: _hidden(form, n) for n in service.AMENDABLE}
    no_reason = client.post(
        f"/console/declarations/{declaration_id}/amend",
        data={**fields, **typed, "place": "Ansongo"},
    )
    assert no_reason.status_code == 422
    assert 'href="#reason"' in no_reason.text
    done = client.post(
        f"/console/declarations/{declaration_id}/amend",
        data={**fields, **typed, "place": "Ansongo", "reason": "place misread"},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    detail = client.get(done.headers["location"])
    assert "Version 2" in detail.text
    assert "place misread" in detail.text
    change = re.search(
        r"<code>location.place</code></td><td>([^<]*)</td><td>([^<]*)</td>", detail.text
    )
    assert change is not None
    assert change.groups() == ("Gao", "Ansongo")


def test_an_amendment_on_a_version_changed_meanwhile_is_refused_and_shows_the_new_one(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    declaration_id = _stored(client, auth_api)
    form = sign_in(
        client,
        _person(client, auth_api, register_settings),
        start=f"/console/declarations/{declaration_id}/amend",
    )
    headers = auth_api.member_state_headers("SEN")
    etag = client.get(f"/declarations/v1/declarations/{declaration_id}", headers=headers)
    meanwhile = client.post(
        f"/declarations/v1/declarations/{declaration_id}/amendments",
        json={"reason": "elsewhere", "changes": {"presumed_user": "bandits"}},
        headers={**headers, "If-Match": etag.headers["ETag"]},
    )
    assert meanwhile.status_code == 201, meanwhile.text
    fields = {name: _hidden(form, name) for name in ("csrf_token", "request_key", "etag")} | {
        f"was-{n}": _hidden(form, f"was-{n}") for n in service.AMENDABLE
    }
    typed = {n: _hidden(form, n) for n in service.AMENDABLE}
    late = client.post(
        f"/console/declarations/{declaration_id}/amend",
        data={**fields, **typed, "place": "Ansongo", "reason": "place misread"},
    )
    assert late.status_code == 412
    assert "Someone changed this declaration meanwhile" in late.text
    assert "Now: bandits" in late.text
    assert 'value="Ansongo"' in late.text
    versions = client.get(
        f"/declarations/v1/declarations/{declaration_id}/versions", headers=headers
    )
    assert len(versions.json()["items"]) == 2


def test_a_secretariat_analyst_places_and_lifts_a_hold_with_a_reason(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    declaration_id = _stored(client, auth_api)
    analyst = _person(
        client, auth_api, register_settings, org="ECOWAS", org_type="secretariat", role="analyst"
    )
    page = sign_in(client, analyst, start=f"/console/declarations/{declaration_id}")
    csrf = _hidden(page, "csrf_token")
    empty = client.post(
        f"/console/declarations/{declaration_id}/holds",
        data={"csrf_token": csrf, "request_key": _hidden(page, "request_key"), "reason": ""},
    )
    assert empty.status_code == 422
    assert 'href="#reason"' in empty.text
    placed = client.post(
        f"/console/declarations/{declaration_id}/holds",
        data={
            "csrf_token": csrf,
            "request_key": _hidden(page, "request_key"),
            "reason": "inquiry 12",
        },
    )
    assert placed.status_code == 200
    assert "The legal hold was placed." in placed.text
    hold = re.search(r'action="/console/declarations/[^/]+/holds/([^/]+)/lift"', placed.text)
    assert hold is not None
    lifted = client.post(
        f"/console/declarations/{declaration_id}/holds/{hold.group(1)}/lift",
        data={"csrf_token": csrf, "reason": "inquiry closed"},
    )
    assert lifted.status_code == 200
    assert "inquiry closed" in lifted.text
    assert "Lift the hold" not in lifted.text


def test_another_states_editor_cannot_see_or_amend_and_a_forged_form_is_refused(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    declaration_id = _stored(client, auth_api)
    page = sign_in(
        client,
        _person(client, auth_api, register_settings, org="GHA"),
        start="/console/declarations",
    )
    assert declaration_id not in page
    for path in ("", "/amend"):
        refused = client.get(f"/console/declarations/{declaration_id}{path}")
        assert refused.status_code == 404
        assert "Page not found" in refused.text
    forged = client.post(
        "/console/declarations/new", data={**GOOD, "csrf_token": "forged", "rows": "5"}
    )
    assert forged.status_code == 403


def _upload(client: TestClient, page: str, content: bytes) -> object:
    fields = {
        "csrf_token": _hidden(page, "csrf_token"),
        "request_key": _hidden(page, "request_key"),
    }
    return client.post(
        "/console/declarations/upload",
        data=fields,
        files={"file": ("saisies.csv", content, "text/csv")},
    )


def test_an_uploaded_file_with_a_bad_row_is_refused_by_row_and_column_then_stored_fixed(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    page = sign_in(
        client,
        _person(client, auth_api, register_settings),
        start="/console/declarations/upload?lang=fr",
    )
    seizure = ["SEN-24-1", "saisie", "SEN", "2024-03-02", "MLI", "Ménaka"]
    weapon = ["arme", "assault_rifle", "Kalashnikov", "AK-47", "7.62x39mm"]
    bad = [
        FRENCH_HEADER,
        [*seizure, *weapon, "A-1", "", ""],
        [*seizure, *weapon, "", "", ""],
    ]
    refused = _upload(client, page, _csv(bad))
    assert refused.status_code == 422  # type: ignore[attr-defined]
    row = re.search(
        r'<tr><td class="num">3</td><td>L \(numéro de série\)</td><td>[^<]+</td>',
        refused.text,  # type: ignore[attr-defined]
    )
    assert row is not None, refused.text  # type: ignore[attr-defined]
    assert "Rien n’a été enregistré" in refused.text  # type: ignore[attr-defined]
    assert _count(client, auth_api) == 0
    fixed = [FRENCH_HEADER, [*seizure, *weapon, "A-1", "", ""], [*seizure, *weapon, "A-2", "", ""]]
    stored = _upload(client, page, _csv(fixed))
    assert stored.status_code == 200, stored.text  # type: ignore[attr-defined]
    assert "SEN-24-1" in stored.text  # type: ignore[attr-defined]
    assert _count(client, auth_api) == 1
    for lang, header in (("en", "declaration_ref"), ("fr", "référence")):
        template = client.get(f"/console/declarations/template.csv?lang={lang}")
        assert template.status_code == 200
        assert header in template.content.decode("utf-8-sig").splitlines()[0].lower()


def test_the_list_filters_by_event_dates_and_names_a_bad_date(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    old = _stored(client, auth_api, event_date="2024-01-10")
    new = _stored(client, auth_api, event_date="2025-06-01")
    sign_in(client, _person(client, auth_api, register_settings), start="/console/declarations")
    window = client.get("/console/declarations?event_from=2025-01-01&event_to=2025-12-31")
    assert f"/console/declarations/{new}" in window.text
    assert f"/console/declarations/{old}" not in window.text
    bad = client.get("/console/declarations?event_from=2025-13-01")
    assert bad.status_code == 200
    assert 'href="#event_from"' in bad.text


def test_a_declaration_with_a_new_incident_records_the_incident_and_names_it(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    page = sign_in(
        client, _person(client, auth_api, register_settings), start="/console/declarations/new"
    )
    refused = _declare(client, page, **GOOD, new_incident_type="ambush")
    assert refused.status_code == 422  # type: ignore[attr-defined]
    assert 'href="#new_incident_type"' in refused.text  # type: ignore[attr-defined]
    assert _count(client, auth_api) == 0
    stored = _declare(
        client,
        refused.text,  # type: ignore[attr-defined]
        **GOOD,
        new_incident_type="cache",
        new_incident_presumed_user="Katibat Macina",
    )
    assert stored.status_code == 303, stored.text  # type: ignore[attr-defined]
    incidents = client.get(
        "/declarations/v1/incidents", headers=auth_api.member_state_headers("SEN")
    ).json()["items"]
    assert [(i["type"], i["presumed_user"]) for i in incidents] == [("cache", "Katibat Macina")]
    detail = client.get(stored.headers["location"])  # type: ignore[attr-defined]
    assert incidents[0]["id"] in detail.text
