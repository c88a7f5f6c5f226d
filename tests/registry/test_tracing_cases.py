"""Tracing cases and trace requests (issue 16, item 3), through the HTTP API.

The story: SEN's rifle 56-0000123 went into MINUSMA; Niger's troops seized one noted
"56 OOOO123"; the diversion alert becomes ECOWAS's case; a French trace request goes to
Senegal, the contributing state, is sent, acknowledged and answered (the rifle was
Senegal's contingent-owned equipment); the statistics count one traced weapon.
"""

from __future__ import annotations

import base64
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from services.embedded import EmbeddedRegister, EmbeddedSettings
from tests.auth.people_support import direct_person_token, invite
from tests.registry.factories import INDEX, MANIFESTS, declared_weapon, delivery, manifest, weapon
from tests.support.auth_fixtures import AuthApi
from tests.support.responses import assert_status

CASES = "/registry/v1/cases"
REQUESTS = "/registry/v1/trace-requests"
ALERTS = "/registry/v1/alerts"
STATISTICS = "/registry/v1/statistics"


def _diversion(client: TestClient, auth_api: AuthApi) -> dict[str, Any]:
    """SEN's rifle in MINUSMA, seized by NER as "56 OOOO123": the diversion alert."""
    sen = auth_api.member_state_headers("SEN")
    body = manifest([weapon("56-0000123")], mission="MINUSMA", crossing_date="2023-02-01")
    assert_status(client.post(MANIFESTS, json=body, headers=sen))
    relay = auth_api.operator_headers(("index:write",))
    seized = delivery([declared_weapon(0, "56 OOOO123")])
    assert_status(client.post(INDEX, json=seized, headers=relay), 200)
    ecowas = auth_api.secretariat_headers("ECOWAS")
    alerts = assert_status(client.get(ALERTS, headers=ecowas), 200)["items"]
    assert [a["kind"] for a in alerts] == ["diversion"]
    return dict(alerts[0])


def _case_with_rifle(
    client: TestClient, auth_api: AuthApi, headers: dict[str, str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """ECOWAS's case opened from the alert, with the seized rifle added."""
    alert = _diversion(client, auth_api)
    case = assert_status(
        client.post(
            CASES,
            json={
                "title": "Fusil 56-0000123 saisi à Ménaka",
                "summary": "A SENBATT rifle seized by Niger's troops.",
                "from_alert": alert["id"],
            },
            headers=headers,
        )
    )
    rifle = assert_status(
        client.post(
            f"{CASES}/{case['id']}/items",
            json={"kind": "declared_item", "declaration_id": "decl-1", "item_index": 0},
            headers=headers,
        )
    )
    return case, rifle


def _request_body(item_id: int, **overrides: Any) -> dict[str, Any]:
    body = {
        "case_item_id": item_id,
        "recipient_country": "SEN",
        "recipient_role": "contributing_state",
        "language": "fr",
        "recovery_context": "Saisi par les forces nigériennes à Ménaka le 10 mai 2024.",
        "request_text": "Merci d'indiquer l'origine de cette arme et sa dernière affectation.",
    }
    body.update(overrides)
    return body


def _person(
    client: TestClient,
    auth_api: AuthApi,
    settings: EmbeddedSettings,
    *,
    org_type: str,
    org: str,
    role: str,
) -> dict[str, str]:
    auth_api.ensure_organisation(org_type, org)
    invited = invite(
        client, auth_api.admin_headers(), org=org, email=f"{role}@{org.lower()}.test", role=role
    )
    return auth_api.headers(direct_person_token(settings, str(assert_status(invited)["id"])))


def test_an_analyst_opens_a_case_from_an_alert_and_traces_the_rifle_to_an_answer(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    analyst = _person(
        client, auth_api, register_settings, org_type="secretariat", org="ECOWAS", role="analyst"
    )
    case, rifle = _case_with_rifle(client, auth_api, analyst)
    assert case["owner"] == "ECOWAS"
    assert [i["kind"] for i in case["items"]] == ["alert"]
    assert rifle["serial_number"] == "56 OOOO123"
    assert rifle["log_index"] is not None
    assert len(rifle["log_leaf_hash"]) == 64

    draft = assert_status(
        client.post(
            f"{CASES}/{case['id']}/trace-requests", json=_request_body(rifle["id"]), headers=analyst
        )
    )
    assert draft["status"] == "draft"
    assert draft["marking"] == "56 OOOO123"  # taken from the case item
    assert draft["manufacturer"] == "Kalashnikov Concern"
    assert draft["weapon_type"] == "assault_rifle"
    assert draft["deadline"] is None
    assert draft["overdue"] is False

    sent = assert_status(
        client.post(f"{REQUESTS}/{draft['id']}/send", json={}, headers=analyst), 200
    )
    assert sent["status"] == "sent"
    today = datetime.now(UTC).date()
    assert sent["deadline"] == (today + timedelta(days=30)).isoformat()

    acknowledged = assert_status(
        client.post(
            f"{REQUESTS}/{draft['id']}/acknowledge",
            json={"note": "Accusé de réception de Dakar"},
            headers=analyst,
        ),
        200,
    )
    assert acknowledged["status"] == "acknowledged"

    letter = b"%PDF-1.4 reply from Dakar"
    answered = assert_status(
        client.post(
            f"{REQUESTS}/{draft['id']}/answer",
            json={
                "text": "The rifle was issued to SENBATT 4 and reported missing.",
                "outcome": {
                    "result": "origin_established",
                    "kind": "contingent_owned_equipment",
                    "state": "SEN",
                },
                "attachment": {
                    "filename": "reponse.pdf",
                    "media_type": "application/pdf",
                    "content_base64": base64.b64encode(letter).decode(),
                },
            },
            headers=analyst,
        ),
        200,
    )
    assert answered["status"] == "answered"
    assert answered["outcome"] == {
        "result": "origin_established",
        "kind": "contingent_owned_equipment",
        "state": "SEN",
        "recipient": None,
    }
    assert answered["answer_file"] == "reponse.pdf"
    history = [(e["from_status"], e["to_status"]) for e in answered["events"]]
    assert history == [
        (None, "draft"),
        ("draft", "sent"),
        ("sent", "acknowledged"),
        ("acknowledged", "answered"),
    ]
    assert {e["submitted_by"]["organisation"] for e in answered["events"]} == {"ECOWAS"}
    assert {e["submitted_by"]["type"] for e in answered["events"]} == {"person"}

    file = client.get(f"{REQUESTS}/{draft['id']}/answer-file", headers=analyst)
    assert file.status_code == 200
    assert file.content == letter
    assert file.headers["content-type"] == "application/octet-stream"  # never run in a page
    assert file.headers["x-content-type-options"] == "nosniff"
    assert answered["answer_file_type"] == "application/pdf"

    stats = assert_status(
        client.get(STATISTICS, params={"group_by": "country"}, headers=analyst), 200
    )
    assert stats["traced_weapons"] == 1
    assert stats["trace_outcomes"] == [
        {
            "result": "origin_established",
            "kind": "contingent_owned_equipment",
            "requests": 1,
            "weapons": 1,
        }
    ]
    # Tenancy as statistics: Ghana reads no record of the traced rifle.
    ghana = auth_api.member_state_headers("GHA")
    assert (
        client.get(STATISTICS, params={"group_by": "country"}, headers=ghana).json()[
            "traced_weapons"
        ]
        == 0
    )
    before = client.get(
        STATISTICS, params={"group_by": "country", "to": "2024-01-01"}, headers=analyst
    ).json()
    assert before["traced_weapons"] == 0  # the seizure was on 2024-05-10


def test_the_trace_request_pdf_is_in_french_with_the_serial_the_requester_and_the_log_proof(
    client: TestClient, auth_api: AuthApi
) -> None:
    ecowas = auth_api.secretariat_headers("ECOWAS")
    case, rifle = _case_with_rifle(client, auth_api, ecowas)
    draft = assert_status(
        client.post(
            f"{CASES}/{case['id']}/trace-requests", json=_request_body(rifle["id"]), headers=ecowas
        )
    )
    response = client.get(f"{REQUESTS}/{draft['id']}/pdf", headers=ecowas)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    content = "\n".join(
        page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages
    )
    assert "56 OOOO123" in content
    assert "ECOWAS" in content
    assert "Demande de traçage" in content
    assert "Organisation requérante" in content
    assert "Kalashnikov Concern" in content
    assert "Saisi par les forces nigériennes" in content
    assert rifle["log_leaf_hash"] in content
    assert "/declarations/v1/declarations/decl-1" in content

    english = assert_status(
        client.post(
            f"{CASES}/{case['id']}/trace-requests",
            json=_request_body(rifle["id"], language="en"),
            headers=ecowas,
        )
    )
    text_en = (
        PdfReader(io.BytesIO(client.get(f"{REQUESTS}/{english['id']}/pdf", headers=ecowas).content))
        .pages[0]
        .extract_text()
    )
    assert "Tracing request" in text_en
    assert "Requesting organisation" in text_en


def test_a_sent_request_is_overdue_after_its_deadline_until_answered(
    client: TestClient, auth_api: AuthApi, register: EmbeddedRegister
) -> None:
    ecowas = auth_api.secretariat_headers("ECOWAS")
    case, rifle = _case_with_rifle(client, auth_api, ecowas)
    draft = assert_status(
        client.post(
            f"{CASES}/{case['id']}/trace-requests",
            json=_request_body(rifle["id"], reply_days=10),
            headers=ecowas,
        )
    )
    start = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    register.registry.state.clock = lambda: start
    sent = assert_status(
        client.post(f"{REQUESTS}/{draft['id']}/send", json={}, headers=ecowas), 200
    )
    assert sent["deadline"] == "2026-01-15"
    assert sent["overdue"] is False

    register.registry.state.clock = lambda: start + timedelta(days=10)
    on_the_day = assert_status(client.get(f"{REQUESTS}/{draft['id']}", headers=ecowas), 200)
    assert on_the_day["overdue"] is False

    register.registry.state.clock = lambda: start + timedelta(days=11)
    late = assert_status(client.get(f"{REQUESTS}/{draft['id']}", headers=ecowas), 200)
    assert late["overdue"] is True
    listed = assert_status(client.get(f"{CASES}/{case['id']}", headers=ecowas), 200)
    assert [r["overdue"] for r in listed["trace_requests"]] == [True]
    late_ones = client.get(REQUESTS, params={"overdue": "true"}, headers=ecowas).json()["items"]
    assert [r["id"] for r in late_ones] == [draft["id"]]
    assert client.get(REQUESTS, params={"overdue": "false"}, headers=ecowas).json()["items"] == []

    answered = assert_status(
        client.post(
            f"{REQUESTS}/{draft['id']}/answer",
            json={"text": "No record of this weapon.", "outcome": {"result": "not_established"}},
            headers=ecowas,
        ),
        200,
    )
    assert answered["overdue"] is False
    assert client.get(REQUESTS, params={"overdue": "true"}, headers=ecowas).json()["items"] == []
    answered_ones = client.get(REQUESTS, params={"status": "answered"}, headers=ecowas).json()
    assert [r["id"] for r in answered_ones["items"]] == [draft["id"]]
    stats = client.get(STATISTICS, params={"group_by": "country"}, headers=ecowas).json()
    assert stats["traced_weapons"] == 0  # not established: not counted
    assert stats["trace_outcomes"] == [  # but counted among the outcomes
        {"result": "not_established", "kind": None, "requests": 1, "weapons": 1}
    ]


def test_a_deadline_given_when_sending_replaces_the_default(
    client: TestClient, auth_api: AuthApi, register: EmbeddedRegister
) -> None:
    ecowas = auth_api.secretariat_headers("ECOWAS")
    case, rifle = _case_with_rifle(client, auth_api, ecowas)
    draft = assert_status(
        client.post(
            f"{CASES}/{case['id']}/trace-requests", json=_request_body(rifle["id"]), headers=ecowas
        )
    )
    register.registry.state.clock = lambda: datetime(2026, 3, 1, tzinfo=UTC)
    past = client.post(
        f"{REQUESTS}/{draft['id']}/send", json={"deadline": "2026-02-01"}, headers=ecowas
    )
    assert past.status_code == 422
    assert [e["loc"] for e in past.json()["errors"]] == ["deadline"]
    sent = assert_status(
        client.post(
            f"{REQUESTS}/{draft['id']}/send", json={"deadline": "2026-03-20"}, headers=ecowas
        ),
        200,
    )
    assert sent["deadline"] == "2026-03-20"


def test_a_shared_state_reads_the_case_and_everyone_else_gets_404(
    client: TestClient, auth_api: AuthApi
) -> None:
    ecowas = auth_api.secretariat_headers("ECOWAS")
    case, rifle = _case_with_rifle(client, auth_api, ecowas)
    draft = assert_status(
        client.post(
            f"{CASES}/{case['id']}/trace-requests", json=_request_body(rifle["id"]), headers=ecowas
        )
    )
    sen = auth_api.member_state_headers("SEN")
    outsiders = {
        "SEN before sharing": sen,
        "GHA": auth_api.member_state_headers("GHA"),
        "NER, concerned but not shared": auth_api.member_state_headers("NER"),
        "ECCAS": auth_api.secretariat_headers("ECCAS"),
        "operator": auth_api.operator_headers(),
    }
    for who, headers in outsiders.items():
        assert client.get(f"{CASES}/{case['id']}", headers=headers).status_code == 404, who
        assert client.get(f"{REQUESTS}/{draft['id']}", headers=headers).status_code == 404, who
        assert client.get(f"{REQUESTS}/{draft['id']}/pdf", headers=headers).status_code == 404, who
        assert client.get(CASES, headers=headers).json()["items"] == [], who
        item = client.post(
            f"{CASES}/{case['id']}/items",
            json={"kind": "alert", "alert_id": case["from_alert"]},
            headers=headers,
        )
        assert item.status_code in (403, 404), who

    not_concerned = client.post(
        f"{CASES}/{case['id']}/shares", json={"organisation": "GHA"}, headers=ecowas
    )
    assert not_concerned.status_code == 422
    assert [e["loc"] for e in not_concerned.json()["errors"]] == ["organisation"]

    shared = assert_status(
        client.post(f"{CASES}/{case['id']}/shares", json={"organisation": "SEN"}, headers=ecowas)
    )
    assert shared["organisation"] == "SEN"
    again = client.post(
        f"{CASES}/{case['id']}/shares", json={"organisation": "sen"}, headers=ecowas
    )
    assert again.status_code == 409

    read = assert_status(client.get(f"{CASES}/{case['id']}", headers=sen), 200)
    assert read["title"] == case["title"]
    assert [s["organisation"] for s in read["shares"]] == ["SEN"]
    assert [c["id"] for c in client.get(CASES, headers=sen).json()["items"]] == [case["id"]]
    assert client.get(f"{REQUESTS}/{draft['id']}/pdf", headers=sen).status_code == 200
    # Shared is read only.
    write = client.post(f"{REQUESTS}/{draft['id']}/send", json={}, headers=sen)
    assert write.status_code == 403
    assert write.json()["code"] == "case_read_only"
    for who in ("GHA", "NER"):
        headers = auth_api.member_state_headers(who)
        assert client.get(f"{CASES}/{case['id']}", headers=headers).status_code == 404, who


def test_a_state_opens_its_own_case_which_it_cannot_share(
    client: TestClient, auth_api: AuthApi
) -> None:
    _diversion(client, auth_api)
    sen = auth_api.member_state_headers("SEN")
    alert = client.get(ALERTS, headers=sen).json()["items"][0]
    case = assert_status(
        client.post(
            CASES,
            json={"title": "Notre fusil", "summary": "Vu à Ménaka", "from_alert": alert["id"]},
            headers=sen,
        )
    )
    assert case["owner"] == "SEN"
    manifests = client.get(MANIFESTS, headers=sen).json()["items"]
    item = assert_status(
        client.post(
            f"{CASES}/{case['id']}/items",
            json={"kind": "manifest_item", "manifest_id": manifests[0]["id"], "line": 0},
            headers=sen,
        )
    )
    assert item["serial_number"] == "56-0000123"
    assert item["country"] == "SEN"
    refused = client.post(f"{CASES}/{case['id']}/shares", json={"organisation": "SEN"}, headers=sen)
    assert refused.status_code == 403
    # SEN cannot read Niger's seizure: adding it is named as unknown, never shown.
    niger = client.post(
        f"{CASES}/{case['id']}/items",
        json={"kind": "declared_item", "declaration_id": "decl-1", "item_index": 0},
        headers=sen,
    )
    assert niger.status_code == 422
    assert (
        client.get(
            f"{CASES}/{case['id']}", headers=auth_api.secretariat_headers("ECOWAS")
        ).status_code
        == 404
    )


def test_readers_may_not_open_cases(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    reader = _person(
        client, auth_api, register_settings, org_type="secretariat", org="ECOWAS", role="reader"
    )
    body = {"title": "t", "summary": "s"}
    refused = client.post(CASES, json=body, headers=reader)
    assert refused.status_code == 403
    assert refused.json()["code"] == "case_role"
    read_only_state = auth_api.member_state_headers("SEN", ("register:read",))
    assert client.post(CASES, json=body, headers=read_only_state).status_code == 403
    editor = _person(
        client, auth_api, register_settings, org_type="member_state", org="SEN", role="editor"
    )
    assert_status(client.post(CASES, json=body, headers=editor))


def test_bad_inputs_are_named_every_one(client: TestClient, auth_api: AuthApi) -> None:
    ecowas = auth_api.secretariat_headers("ECOWAS")
    empty = client.post(CASES, json={"title": " ", "from_alert": "nope"}, headers=ecowas)
    assert empty.status_code == 422
    assert {e["loc"] for e in empty.json()["errors"]} == {"title", "summary"}
    unknown_alert = client.post(
        CASES, json={"title": "t", "summary": "s", "from_alert": "nope"}, headers=ecowas
    )
    assert unknown_alert.status_code == 422
    assert [e["loc"] for e in unknown_alert.json()["errors"]] == ["from_alert"]

    case, rifle = _case_with_rifle(client, auth_api, ecowas)
    items = f"{CASES}/{case['id']}/items"
    missing = client.post(items, json={"kind": "declared_item", "alert_id": "x"}, headers=ecowas)
    assert missing.status_code == 422
    assert {e["loc"] for e in missing.json()["errors"]} == {
        "declaration_id",
        "item_index",
        "alert_id",
    }
    trace_result = client.post(
        items, json={"kind": "trace_result", "country": "XXX"}, headers=ecowas
    )
    assert trace_result.status_code == 422
    assert [e["loc"] for e in trace_result.json()["errors"]] == ["country"]
    incomplete = client.post(items, json={"kind": "trace_result"}, headers=ecowas)
    assert {e["loc"] for e in incomplete.json()["errors"]} == {
        "serial_number",
        "manufacturer",
        "country",
    }
    assert (
        client.post(
            f"{CASES}/nope/items", json={"kind": "alert", "alert_id": "x"}, headers=ecowas
        ).status_code
        == 404
    )

    requests = f"{CASES}/{case['id']}/trace-requests"
    bad = client.post(
        requests,
        json={
            "case_item_id": rifle["id"],
            "recipient_country": "ZZZ",
            "recipient_role": "neighbour",
            "language": "de",
            "recovery_context": "",
        },
        headers=ecowas,
    )
    assert bad.status_code == 422
    assert {e["loc"] for e in bad.json()["errors"]} == {
        "recipient_country",
        "recipient_role",
        "language",
        "recovery_context",
        "request_text",
    }
    alert_item = case["items"][0]["id"]
    not_a_weapon = client.post(requests, json=_request_body(alert_item), headers=ecowas)
    assert [e["loc"] for e in not_a_weapon.json()["errors"]] == ["case_item_id"]
    other = client.post(requests, json=_request_body(999_999), headers=ecowas)
    assert other.status_code == 422

    draft = assert_status(client.post(requests, json=_request_body(rifle["id"]), headers=ecowas))
    early = client.post(f"{REQUESTS}/{draft['id']}/acknowledge", json={}, headers=ecowas)
    assert early.status_code == 409
    assert early.json()["code"] == "invalid_transition"
    assert_status(client.post(f"{REQUESTS}/{draft['id']}/send", json={}, headers=ecowas), 200)
    assert client.post(f"{REQUESTS}/{draft['id']}/send", json={}, headers=ecowas).status_code == 409
    answer = f"{REQUESTS}/{draft['id']}/answer"
    no_kind = client.post(
        answer, json={"text": "t", "outcome": {"result": "origin_established"}}, headers=ecowas
    )
    assert [e["loc"] for e in no_kind.json()["errors"]] == ["outcome.kind"]
    confused = client.post(
        answer,
        json={
            "text": "t",
            "outcome": {"result": "not_established", "kind": "national_stockpile", "state": "SEN"},
            "attachment": {
                "filename": "a.txt",
                "media_type": "text/plain",
                "content_base64": "%%%",
            },
        },
        headers=ecowas,
    )
    assert confused.status_code == 422
    assert {e["loc"] for e in confused.json()["errors"]} == {
        "outcome.kind",
        "outcome.state",
        "attachment.content_base64",
    }
    transfer = client.post(
        answer,
        json={"text": "t", "outcome": {"result": "origin_established", "kind": "legal_transfer"}},
        headers=ecowas,
    )
    assert [e["loc"] for e in transfer.json()["errors"]] == ["outcome.recipient"]
    assert client.get(f"{REQUESTS}/{draft['id']}", headers=ecowas).json()["status"] == "sent"
    assert client.get(f"{REQUESTS}/nope/pdf", headers=ecowas).status_code == 404


def test_an_answer_file_over_the_setting_is_refused_naming_it(
    client: TestClient, auth_api: AuthApi, register: EmbeddedRegister
) -> None:
    register.registry.state.settings.trace_answer_max_bytes = 1024
    ecowas = auth_api.secretariat_headers("ECOWAS")
    case, rifle = _case_with_rifle(client, auth_api, ecowas)
    draft = assert_status(
        client.post(
            f"{CASES}/{case['id']}/trace-requests", json=_request_body(rifle["id"]), headers=ecowas
        )
    )
    assert_status(client.post(f"{REQUESTS}/{draft['id']}/send", json={}, headers=ecowas), 200)
    big = {
        "filename": "big.bin",
        "media_type": "application/octet-stream",
        "content_base64": base64.b64encode(b"x" * 1025).decode(),
    }
    refused = client.post(
        f"{REQUESTS}/{draft['id']}/answer",
        json={"text": "t", "outcome": {"result": "not_established"}, "attachment": big},
        headers=ecowas,
    )
    assert refused.status_code == 422
    assert [e["loc"] for e in refused.json()["errors"]] == ["attachment.content_base64"]
    assert "1024" in refused.json()["errors"][0]["msg"]


def test_the_database_refuses_bad_statuses_outcomes_and_deletes(
    client: TestClient, auth_api: AuthApi, database_urls: dict[str, str]
) -> None:
    ecowas = auth_api.secretariat_headers("ECOWAS")
    case, rifle = _case_with_rifle(client, auth_api, ecowas)
    draft = assert_status(
        client.post(
            f"{CASES}/{case['id']}/trace-requests", json=_request_body(rifle["id"]), headers=ecowas
        )
    )
    engine = create_engine(database_urls["registry"])
    statements = [
        "UPDATE trace_requests SET status = 'lost' WHERE id = :id",
        "UPDATE trace_requests SET status = 'answered' WHERE id = :id",  # no outcome
        "UPDATE trace_requests SET outcome = 'maybe' WHERE id = :id",
        "UPDATE trace_requests SET recipient_role = 'friend' WHERE id = :id",
        "UPDATE trace_requests SET language = 'de' WHERE id = :id",
        "UPDATE trace_requests SET status = 'answered', outcome = 'origin_established'"
        " WHERE id = :id",  # established without a kind
        "DELETE FROM trace_request_events WHERE trace_request_id = :id",
        "UPDATE trace_request_events SET note = 'x' WHERE trace_request_id = :id",
        "DELETE FROM trace_requests WHERE id = :id",
        "DELETE FROM cases",
    ]
    try:
        for statement in statements:
            with pytest.raises(DBAPIError), engine.begin() as connection:
                connection.execute(text(statement), {"id": draft["id"]})
    finally:
        engine.dispose()
    assert client.get(f"{REQUESTS}/{draft['id']}", headers=ecowas).json()["status"] == "draft"


def test_cases_list_in_keyset_pages_and_a_retried_open_is_one_case(
    client: TestClient, auth_api: AuthApi
) -> None:
    ecowas = auth_api.secretariat_headers("ECOWAS")
    retry = {**ecowas, "Idempotency-Key": "open-case-1"}
    body = {"title": "Case 0", "summary": "first"}
    first = assert_status(client.post(CASES, json=body, headers=retry))
    again = assert_status(client.post(CASES, json=body, headers=retry))
    assert again["id"] == first["id"]
    for n in (1, 2):
        assert_status(
            client.post(CASES, json={"title": f"Case {n}", "summary": "s"}, headers=ecowas)
        )
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = assert_status(client.get(CASES, params=params, headers=ecowas), 200)
        seen += [c["title"] for c in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ["Case 0", "Case 1", "Case 2"]
    assert client.get(CASES, params={"cursor": "garbage"}, headers=ecowas).status_code == 400
