"""Tracing cases in the console: open one from an alert, add the seized rifle, prepare a
French trace request with its ITI fields prefilled, download its PDF, send it, record the
acknowledgement and the answer with a file; refusals named field by field; overdue
requests marked in words; other organisations' cases are the console's 404."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import create_engine, text

from services.embedded import EmbeddedSettings
from tests.auth.people_support import invite_and_enrol
from tests.console.cases_support import analyst, diversion, error_summary, hidden
from tests.console.support import sign_in
from tests.support.auth_fixtures import AuthApi

TRACE_FORM = {
    "recipient_country": "SEN",
    "recipient_role": "contributing_state",
    "language": "fr",
    "recovery_context": "Saisi par les forces nigériennes à Ménaka le 10 mai 2024.",
    "request_text": "Merci d'indiquer l'origine de cette arme.",
}


def _open_case_with_rifle(client: TestClient, auth_api: AuthApi, alert_id: str) -> str:
    """Open the case from the alert and add the seized rifle; the case page's URL."""
    form = client.get(f"/console/cases/new?alert={alert_id}")
    assert form.status_code == 200, form.text
    opened = client.post(
        "/console/cases",
        data={
            "csrf_token": hidden(form.text, "csrf_token"),
            "form_key": hidden(form.text, "form_key"),
            "from_alert": hidden(form.text, "from_alert"),
            "title": "Fusil 56-0000123 saisi à Ménaka",
            "summary": "A SENBATT rifle seized by Niger's troops.",
        },
        follow_redirects=False,
    )
    assert opened.status_code == 303, opened.text
    case_url = opened.headers["location"]
    page = client.get(case_url)
    added = client.post(
        f"{case_url}/items",
        data={
            "csrf_token": hidden(page.text, "csrf_token"),
            "kind": "declared_item",
            "declaration_id": "decl-1",
            "item_index": "0",
        },
    )
    assert added.status_code == 200, added.text
    return str(case_url)


def _prepare(client: TestClient, case_url: str, **changes: str) -> tuple[str, str]:
    """The trace request form opened from the rifle's row, sent with ``changes``."""
    case_page = client.get(case_url).text
    link = re.search(r'href="(/console/cases/[^"]+/trace-requests/new\?item=\d+)"', case_page)
    assert link is not None, case_page
    form = client.get(link.group(1))
    assert form.status_code == 200, form.text
    item = re.search(r'<option value="(\d+)" selected>', form.text)
    assert item is not None, form.text
    data = {
        "csrf_token": hidden(form.text, "csrf_token"),
        "form_key": hidden(form.text, "form_key"),
        "case_item_id": item.group(1),
        "marking": hidden(form.text, "marking"),
        "manufacturer": hidden(form.text, "manufacturer"),
        **TRACE_FORM,
        **changes,
    }
    prepared = client.post(f"{case_url}/trace-requests", data=data, follow_redirects=False)
    return form.text, prepared.headers.get("location", "") or prepared.text


def test_an_analyst_opens_a_case_from_the_alert_and_takes_a_trace_request_to_its_answer(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    alert = diversion(client, auth_api)
    sign_in(client, analyst(client, auth_api, register_settings), start="/console/cases")
    case_url = _open_case_with_rifle(client, auth_api, alert["id"])
    case_page = client.get(case_url).text
    assert "Fusil 56-0000123 saisi à Ménaka" in case_page
    assert "Alert</td>" in case_page
    assert "56 OOOO123" in case_page

    form, request_url = _prepare(client, case_url)
    assert 'name="marking" type="text" value="56 OOOO123"' in form  # prefilled from the item
    assert 'value="Kalashnikov Concern"' in form
    assert request_url.startswith("/console/trace-requests/"), request_url

    pdf = client.get(f"{request_url}/pdf")
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"].startswith("attachment")
    content = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "56 OOOO123" in content
    assert "ECOWAS" in content
    assert "Demande de traçage" in content

    page = client.get(request_url).text
    assert "Draft" in page
    sent = client.post(f"{request_url}/send", data={"csrf_token": hidden(page, "csrf_token")})
    assert sent.status_code == 200, sent.text
    due = datetime.now(UTC).date() + timedelta(days=30)
    assert "Sent" in sent.text
    assert str(due.year) in sent.text
    acknowledged = client.post(
        f"{request_url}/acknowledge",
        data={"csrf_token": hidden(page, "csrf_token"), "note": "Accusé de réception"},
    )
    assert "Acknowledged" in acknowledged.text
    assert "Accusé de réception" in acknowledged.text
    answered = client.post(
        f"{request_url}/answer",
        data={
            "csrf_token": hidden(page, "csrf_token"),
            "text": "Issued to SENBATT 4 and reported missing.",
            "result": "origin_established",
            "origin_kind": "contingent_owned_equipment",
            "origin_state": "SEN",
        },
        files={"file": ("reponse.pdf", b"%PDF-1.4 reply", "application/pdf")},
    )
    assert answered.status_code == 200, answered.text
    assert "Contingent-owned equipment" in answered.text
    assert "Issued to SENBATT 4" in answered.text
    file = client.get(f"{request_url}/answer-file")
    assert file.content == b"%PDF-1.4 reply"
    assert file.headers["content-type"] == "application/octet-stream"

    listed = client.get("/console/cases").text
    assert "Fusil 56-0000123 saisi à Ménaka" in listed
    stats = client.get("/console/statistics?group_by=country").text
    assert re.search(r"Weapons traced to their illicit origin: <strong>1</strong>", stats)


def test_refused_forms_name_every_problem_and_keep_what_was_typed(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    alert = diversion(client, auth_api)
    sign_in(
        client, analyst(client, auth_api, register_settings), start="/console/cases/new?lang=fr"
    )
    form = client.get("/console/cases/new").text
    refused = client.post(
        "/console/cases",
        data={"csrf_token": hidden(form, "csrf_token"), "title": "", "summary": ""},
    )
    assert refused.status_code == 422
    assert len(error_summary(refused.text)) == 2
    assert error_summary(refused.text) == [
        "Titre: Ce champ est obligatoire.",
        "Résumé: Ce champ est obligatoire.",
    ]

    case_url = _open_case_with_rifle(client, auth_api, alert["id"])
    _, bad = _prepare(
        client, case_url, recipient_country="XXX", recovery_context="", request_text=""
    )
    problems = error_summary(bad)
    assert len(problems) == 3, problems
    assert any(p.startswith("État destinataire") for p in problems)
    assert "Contexte de la récupération: Ce champ est obligatoire." in problems
    assert 'value="56 OOOO123"' in bad  # the form keeps what was typed

    page = client.get(case_url).text
    wrong_item = client.post(
        f"{case_url}/items",
        data={"csrf_token": hidden(page, "csrf_token"), "kind": "declared_item"},
    )
    assert wrong_item.status_code == 422
    assert len(error_summary(wrong_item.text)) == 2  # declaration and item number


def test_an_overdue_request_is_marked_in_words_on_the_case_and_the_request(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    alert = diversion(client, auth_api)
    sign_in(client, analyst(client, auth_api, register_settings), start="/console/cases")
    case_url = _open_case_with_rifle(client, auth_api, alert["id"])
    _, request_url = _prepare(client, case_url)
    page = client.get(request_url).text
    client.post(f"{request_url}/send", data={"csrf_token": hidden(page, "csrf_token")})
    assert "Overdue" not in client.get(case_url).text
    unanswered = client.post(
        f"{request_url}/answer", data={"csrf_token": hidden(page, "csrf_token")}
    )
    assert unanswered.status_code == 422
    assert error_summary(unanswered.text) == [
        "Answer: This is required.",
        "Outcome: This is required.",
    ]
    engine = create_engine(register_settings.registry.resolved_database_url())
    with engine.begin() as connection:
        past = datetime.now(UTC).date() - timedelta(days=2)
        connection.execute(text("UPDATE trace_requests SET deadline = :d"), {"d": past})
    engine.dispose()
    assert '<strong class="overdue">Overdue</strong>' in client.get(case_url).text
    assert "the answer was due on" in client.get(request_url).text


def test_another_organisations_case_is_not_found_and_a_form_without_csrf_is_refused(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    alert = diversion(client, auth_api)
    sign_in(client, analyst(client, auth_api, register_settings), start="/console/cases")
    case_url = _open_case_with_rifle(client, auth_api, alert["id"])
    page = client.get(case_url).text
    shared = client.post(
        f"{case_url}/shares", data={"csrf_token": hidden(page, "csrf_token"), "organisation": "sen"}
    )
    assert shared.status_code == 200, shared.text
    assert re.search(r"<li>SEN \(", shared.text)
    forged = client.post(f"{case_url}/shares", data={"organisation": "SEN"})
    assert forged.status_code == 403
    client.cookies.clear()
    ghana = invite_and_enrol(
        client, auth_api, org="GHA", org_type="member_state", role="editor", email="e@gha.test"
    )
    sign_in(client, ghana, start="/console/cases")
    hidden_case = client.get(case_url)
    assert hidden_case.status_code == 404
    assert "Page not found" in hidden_case.text
