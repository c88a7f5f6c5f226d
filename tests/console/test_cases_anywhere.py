"""Cases opened from anywhere in the console (issue 16, items 1 and 3): from a trace's
timeline or a declared item, a weapon added to one of the organisation's cases from the
trace page, a manifest item and an alert added on the case page; a loss report's link on
the trace page; the list of trace requests by status and overdue; a trace request
prepared in the person's language."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from services.embedded import EmbeddedSettings
from tests.console.analysis_support import analyst, diversion
from tests.console.cases_support import error_summary, hidden
from tests.declarations.support import declaration
from tests.support.auth_fixtures import AuthApi
from tests.support.responses import assert_status

CASES = "/registry/v1/cases"


def _timelines(page: str) -> list[str]:
    return re.findall(r'<section class="timeline".*?</section>', page, flags=re.S)


def _open(client: TestClient, form_page: str, title: str) -> str:
    """Submit the new-case form as shown, with a title and summary; the case's URL."""
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form_page))
    data = {k: html.unescape(v) for k, v in fields.items()}
    data.update(title=title, summary="Opened from the console.")
    opened = client.post("/console/cases", data=data, follow_redirects=False)
    assert opened.status_code == 303, opened.text
    return str(opened.headers["location"])


def test_a_timeline_opens_a_case_with_the_weapon_as_the_trace_showed_it(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    diversion(client, auth_api)
    analyst(client, auth_api, register_settings)
    page = client.get("/console/trace", params={"serial_number": "56-OOOO123"})
    rifle = _timelines(page.text)[0]
    link = re.search(r'href="(/console/cases/new\?[^"]+)"', rifle)
    assert link is not None, rifle
    form = client.get(html.unescape(link.group(1)))
    assert form.status_code == 200, form.text
    assert "The weapon as the trace showed it will be the case&#39;s first record." in form.text
    case_url = _open(client, form.text, "Rifle seen in a trace")
    case = client.get(case_url).text
    assert "Trace result</td>" in case
    assert "56-0000123" in case  # the manifest's record, its maker and the contributing state
    assert "Kalashnikov Concern" in case
    assert "<td>SEN</td>" in case


def test_a_weapon_is_added_to_a_chosen_case_from_the_trace_page(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    diversion(client, auth_api)
    analyst(client, auth_api, register_settings)
    ecowas = auth_api.secretariat_headers("ECOWAS")
    case = assert_status(
        client.post(CASES, json={"title": "Ménaka seizures", "summary": "s"}, headers=ecowas)
    )
    other = auth_api.secretariat_headers("ECCAS")
    auth_api.ensure_organisation("secretariat", "ECCAS")
    assert_status(client.post(CASES, json={"title": "Not ours", "summary": "s"}, headers=other))
    page = client.get("/console/trace", params={"serial_number": "56-OOOO123"})
    rifle = _timelines(page.text)[0]
    assert "Ménaka seizures</option>" in rifle
    assert "Not ours" not in rifle  # only the organisation's own cases
    form = re.search(r'<form method="post" action="/console/cases/items".*?</form>', rifle, re.S)
    assert form is not None, rifle
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form.group(0)))
    fields = {k: html.unescape(v) for k, v in fields.items()}
    added = client.post(
        "/console/cases/items", data={**fields, "case_id": case["id"]}, follow_redirects=False
    )
    assert added.status_code == 303, added.text
    assert added.headers["location"] == f"/console/cases/{case['id']}#items"
    items = assert_status(client.get(f"{CASES}/{case['id']}", headers=ecowas), 200)["items"]
    assert [(i["kind"], i["serial_number"]) for i in items] == [("trace_result", "56-0000123")]

    no_case = client.post(
        "/console/cases/items", data={**fields, "case_id": ""}, follow_redirects=False
    )
    assert no_case.status_code == 422
    assert error_summary(no_case.text) == ["Case: Choose a case."]
    assert 'name="from_kind" value="trace_result"' in no_case.text  # or open one with it


def test_a_reader_sees_no_case_buttons_on_the_trace_page(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    diversion(client, auth_api)
    analyst(client, auth_api, register_settings, role="reader")
    page = client.get("/console/trace", params={"serial_number": "56-OOOO123"})
    assert page.status_code == 200
    assert "/console/cases/new?" not in page.text
    assert "/console/cases/items" not in page.text


def test_a_declared_item_opens_a_case_and_a_record_it_may_not_read_is_named(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    diversion(client, auth_api)
    analyst(client, auth_api, register_settings)
    form = client.get("/console/cases/new", params={"declaration": "decl-menaka", "item": "0"})
    assert "The declared item will be the case&#39;s first record." in form.text
    case_url = _open(client, form.text, "Seized rifle")
    case = client.get(case_url).text
    assert "Declared item</td>" in case
    assert "decl-menaka #0" in case

    wrong = client.get("/console/cases/new", params={"declaration": "decl-menaka", "item": "7"})
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', wrong.text))
    refused = client.post(
        "/console/cases", data={**fields, "title": "t", "summary": "s"}, follow_redirects=False
    )
    assert refused.status_code == 422
    [item] = error_summary(refused.text)
    assert item.startswith("Item number: "), item
    assert "7" in item, item
    assert 'id="from_item-item_index"' in refused.text  # the summary's link lands on it


def test_the_case_page_adds_a_manifest_item_and_an_alert(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    manifest_id, alert_id = diversion(client, auth_api)
    analyst(client, auth_api, register_settings)
    form = client.get("/console/cases/new")
    case_url = _open(client, form.text, "Two rifles")
    page = client.get(case_url).text
    csrf = hidden(page, "csrf_token")
    assert "Add a manifest item" in page
    assert "Add an alert" in page
    for data in (
        {"kind": "manifest_item", "manifest_id": manifest_id, "line": "1"},
        {"kind": "alert", "alert_id": alert_id},
    ):
        added = client.post(
            f"{case_url}/items", data={"csrf_token": csrf, **data}, follow_redirects=False
        )
        assert added.status_code == 303, added.text
    case = client.get(case_url).text
    assert "Manifest item</td>" in case
    assert "56-0000128" in case  # line 1 of the manifest
    assert "Alert</td>" in case
    refused = client.post(
        f"{case_url}/items", data={"csrf_token": csrf, "kind": "manifest_item", "line": ""}
    )
    assert refused.status_code == 422
    assert [p.split(":")[0] for p in error_summary(refused.text)] == ["Manifest", "Line"]
    assert "<details open>" in refused.text  # the manifest item's form, open on its problems


def test_a_loss_report_in_a_timeline_links_to_its_page(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    diversion(client, auth_api)
    sen = auth_api.member_state_headers("SEN")
    report = {
        "mission": "MINUSMA",
        "contributing_country": "SEN",
        "unit": "SENBATT",
        "loss_type": "stolen",
        "loss_date": "2023-06-01",
        "place": "Gao",
        "circumstances": "Stolen from the armoury",
        "items": [{"kind": "weapon", "serial_number": "56-0000123"}],
    }
    stored = client.post("/registry/v1/loss-reports", json=report, headers=sen)
    assert stored.status_code == 201, stored.text
    analyst(client, auth_api, register_settings)
    rifle = _timelines(client.get("/console/trace?serial_number=56-0000123").text)[0]
    assert "Lost" in rifle
    assert f'href="/console/losses/{stored.json()["id"]}"' in rifle
    assert client.get(f"/console/losses/{stored.json()['id']}").status_code == 200


def test_the_trace_requests_list_filters_by_status_and_marks_overdue_in_words(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    diversion(client, auth_api)
    analyst(client, auth_api, register_settings, start="/console/cases")
    assert 'href="/console/trace-requests"' in client.get("/console/cases").text
    ecowas = auth_api.secretariat_headers("ECOWAS")
    case = assert_status(
        client.post(
            CASES,
            json={
                "title": "t",
                "summary": "s",
                "from_item": {"kind": "declared_item", "declaration_id": "decl-menaka"}
                | {"item_index": 0},
            },
            headers=ecowas,
        )
    )
    body = {
        "case_item_id": case["items"][0]["id"],
        "recipient_country": "SEN",
        "recipient_role": "contributing_state",
        "recovery_context": "Seized.",
        "request_text": "Origin?",
    }
    drafts = [
        assert_status(
            client.post(
                f"{CASES}/{case['id']}/trace-requests",
                json={**body, "marking": marking},
                headers=ecowas,
            )
        )
        for marking in ("MARK-SENT", "MARK-DRAFT")
    ]
    assert_status(
        client.post(f"/registry/v1/trace-requests/{drafts[0]['id']}/send", json={}, headers=ecowas),
        200,
    )
    listed = client.get("/console/trace-requests")
    assert listed.status_code == 200
    assert "MARK-SENT" in listed.text
    assert "MARK-DRAFT" in listed.text
    assert "Overdue</strong>" not in listed.text
    sent = client.get("/console/trace-requests", params={"status": "sent"}).text
    assert "MARK-SENT" in sent
    assert "MARK-DRAFT" not in sent
    assert '<option value="sent" selected>' in sent

    engine = create_engine(register_settings.registry.resolved_database_url())
    with engine.begin() as connection:
        past = datetime.now(UTC).date() - timedelta(days=2)
        connection.execute(text("UPDATE trace_requests SET deadline = :d"), {"d": past})
    engine.dispose()
    overdue = client.get("/console/trace-requests", params={"overdue": "true"}).text
    row = re.search(r'<tr class="row--overdue">.*?</tr>', overdue, re.S)
    assert row is not None, overdue
    assert "MARK-SENT" in row.group(0)
    assert '<strong class="overdue">Overdue</strong>' in row.group(0)  # in words
    assert "MARK-DRAFT" not in overdue
    not_overdue = client.get("/console/trace-requests", params={"overdue": "false"}).text
    assert "MARK-DRAFT" in not_overdue
    assert "MARK-SENT" not in not_overdue
    french = client.get("/console/trace-requests", params={"lang": "fr"}).text
    assert "Demandes de traçage" in french


def test_the_trace_request_form_is_in_the_persons_language(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    diversion(client, auth_api)
    analyst(client, auth_api, register_settings)
    ecowas = auth_api.secretariat_headers("ECOWAS")
    item = {"kind": "declared_item", "declaration_id": "decl-menaka", "item_index": 0}
    case = assert_status(
        client.post(CASES, json={"title": "t", "summary": "s", "from_item": item}, headers=ecowas)
    )
    path = f"/console/cases/{case['id']}/trace-requests/new?item={case['items'][0]['id']}"
    for lang in ("pt", "es", "en"):
        form = client.get(f"{path}&lang={lang}").text
        assert f'<option value="{lang}" lang="{lang}" selected>' in form, lang


def test_each_declared_item_links_to_a_case_opened_from_it_for_those_who_work_on_cases(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    stored = client.post(
        "/declarations/v1/declarations",
        json=declaration("SEN"),
        headers=auth_api.member_state_headers("SEN"),
    )
    assert stored.status_code == 201, stored.text
    declaration_id = stored.json()["id"]
    analyst(client, auth_api, register_settings, org="SEN", org_type="member_state", role="editor")
    page = client.get(f"/console/declarations/{declaration_id}").text
    items = len(stored.json().get("items") or declaration("SEN")["items"])
    links = re.findall(r'href="/console/cases/new\?declaration=([^&]+)&amp;item=(\d+)"', page)
    assert links == [(declaration_id, str(n)) for n in range(items)]
    client.cookies.clear()
    analyst(client, auth_api, register_settings, org="SEN", org_type="member_state", role="reader")
    read = client.get(f"/console/declarations/{declaration_id}")
    assert read.status_code == 200
    assert "<h2>Items</h2>" in read.text
    assert "/console/cases/new?" not in read.text
