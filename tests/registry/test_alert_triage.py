"""Alert triage (issue 16, item 2): assign, acknowledge, comment, close with an outcome,
reopen, every step in the alert's history with its actor; bulk acknowledgement of a
linkage flood; the queue's filters and counts; who may do what; If-Match."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from jose import jwt
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from services.embedded import EmbeddedSettings
from tests.auth.people_support import direct_person_token, invite
from tests.registry.factories import INDEX, MANIFESTS, declared_weapon, delivery, manifest, weapon
from tests.support.auth_fixtures import AuthApi
from tests.support.responses import assert_status

ALERTS = "/registry/v1/alerts"


def _person(
    client: TestClient,
    auth_api: AuthApi,
    settings: EmbeddedSettings,
    *,
    org_type: str,
    org: str,
    role: str,
    email: str | None = None,
) -> tuple[str, dict[str, str]]:
    """A person of ``org`` with ``role`` and a token the auth service signed for them."""
    auth_api.ensure_organisation(org_type, org)
    address = email or f"{role}@{org.lower()}.test"
    invited = invite(client, auth_api.admin_headers(), org=org, email=address, role=role)
    person_id = str(assert_status(invited)["id"])
    return person_id, auth_api.headers(direct_person_token(settings, person_id))


def _diversion(client: TestClient, auth_api: AuthApi, serial: str = "56-0000123") -> str:
    """SEN's contingent brings a rifle into MINUSMA; Niger seizes it: a diversion alert
    about SEN's materiel, seen by SEN and ECOWAS. Returns its id."""
    sen = auth_api.member_state_headers("SEN")
    body = manifest([weapon(serial)], mission="MINUSMA", crossing_date="2023-02-01")
    assert_status(client.post(MANIFESTS, json=body, headers=sen))
    relay = auth_api.operator_headers(("index:write",))
    seized = delivery([declared_weapon(0, serial.replace("-", " "))], declaration_id=serial)
    assert assert_status(client.post(INDEX, json=seized, headers=relay), 200)["alerts"] == 1
    ecowas = auth_api.secretariat_headers("ECOWAS")
    found = assert_status(client.get(ALERTS, params={"kind": "diversion"}, headers=ecowas), 200)
    return str(found["items"][-1]["id"])


def _etag(client: TestClient, alert_id: str, headers: dict[str, str]) -> str:
    response = client.get(f"{ALERTS}/{alert_id}", headers=headers)
    assert response.status_code == 200, response.text
    return response.headers["ETag"]


def _post(
    client: TestClient,
    alert_id: str,
    step: str,
    body: dict[str, Any],
    headers: dict[str, str],
    *,
    if_match: str | None = "read",
) -> Any:
    """POST a triage step; ``if_match="read"`` reads the alert's ETag first."""
    sent = dict(headers)
    if if_match == "read":
        sent["If-Match"] = _etag(client, alert_id, headers)
    elif if_match is not None:
        sent["If-Match"] = if_match
    return client.post(f"{ALERTS}/{alert_id}/{step}", json=body, headers=sent)


def _sub(headers: dict[str, str]) -> str:
    return str(jwt.get_unverified_claims(headers["Authorization"].split()[1])["sub"])


def test_an_alert_is_triaged_end_to_end_and_every_step_names_its_actor(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    alert_id = _diversion(client, auth_api)
    analyst_id, analyst = _person(
        client, auth_api, register_settings, org_type="secretariat", org="ECOWAS", role="analyst"
    )
    sen = auth_api.member_state_headers("SEN")

    assigned = assert_status(
        _post(client, alert_id, "assign", {"assignee": analyst_id}, analyst), 200
    )
    assert assigned["assignee"] == {"id": analyst_id, "organisation": "ECOWAS"}
    queue = assert_status(client.get(ALERTS, params={"assignee": "me"}, headers=analyst), 200)
    assert [a["id"] for a in queue["items"]] == [alert_id]
    assert (
        assert_status(client.get(ALERTS, params={"assignee": "none"}, headers=analyst), 200)[
            "items"
        ]
        == []
    )

    # SEN acknowledges and comments: the alert is about its own materiel.
    acked = assert_status(_post(client, alert_id, "acknowledge", {"note": "checking"}, sen), 200)
    assert acked["status"] == "acknowledged"
    retried = {**sen, "Idempotency-Key": "comment-1"}
    for _ in range(2):  # a retry with the same key adds nothing
        comment = client.post(
            f"{ALERTS}/{alert_id}/comments",
            json={"text": "Unit SENBATT 3 held it"},
            headers=retried,
        )
        assert comment.status_code == 201, comment.text
        assert comment.json()["action"] == "commented"
    closed = assert_status(
        _post(
            client,
            alert_id,
            "close",
            {"outcome": "confirmed_diversion", "note": "Matches the Ménaka seizure"},
            analyst,
        ),
        200,
    )
    assert (closed["status"], closed["outcome"]) == ("closed", "confirmed_diversion")
    reopened = assert_status(
        _post(client, alert_id, "reopen", {"reason": "Serial misread"}, analyst), 200
    )
    assert (reopened["status"], reopened["outcome"]) == ("open", None)
    assert_status(
        _post(client, alert_id, "close", {"outcome": "other", "note": "Two rifles"}, analyst),
        200,
    )

    history = assert_status(client.get(f"{ALERTS}/{alert_id}/history", headers=sen), 200)
    person = {"type": "person", "id": analyst_id, "organisation": "ECOWAS"}
    state = {"type": "client", "id": _sub(sen), "organisation": "SEN"}
    steps = [
        (
            h["action"],
            h["actor"],
            h["from_status"],
            h["to_status"],
            h["to_assignee"],
            h["outcome"],
            h["comment"],
        )
        for h in history["items"]
    ]
    assert steps[1:] == [
        ("assigned", person, "open", "open", analyst_id, None, None),
        ("acknowledged", state, "open", "acknowledged", None, None, "checking"),
        ("commented", state, "acknowledged", "acknowledged", None, None, "Unit SENBATT 3 held it"),
        (
            "closed",
            person,
            "acknowledged",
            "closed",
            None,
            "confirmed_diversion",
            "Matches the Ménaka seizure",
        ),
        ("reopened", person, "closed", "open", None, None, "Serial misread"),
        ("closed", person, "open", "closed", None, "other", "Two rifles"),
    ]
    assert steps[0][:2] == ("raised", None)  # the registry raised it
    final = assert_status(client.get(f"{ALERTS}/{alert_id}", headers=analyst), 200)
    assert (final["outcome"], final["outcome_note"], final["version"]) == ("other", "Two rifles", 6)


def test_a_stale_if_match_is_refused_and_writes_nothing(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    auth_api.give_the_registry_its_people_client()
    alert_id = _diversion(client, auth_api)
    ecowas = auth_api.secretariat_headers("ECOWAS")
    analyst_id, _ = _person(
        client, auth_api, register_settings, org_type="secretariat", org="ECOWAS", role="analyst"
    )
    read_by_both = _etag(client, alert_id, ecowas)
    first = _post(
        client, alert_id, "assign", {"assignee": analyst_id}, ecowas, if_match=read_by_both
    )
    assert first.status_code == 200, first.text
    assert first.headers["ETag"] != read_by_both
    second = _post(
        client,
        alert_id,
        "close",
        {"outcome": "duplicate", "note": "same as the other"},
        ecowas,
        if_match=read_by_both,
    )
    assert second.status_code == 412, second.text
    assert second.json()["code"] == "stale_alert"
    missing = _post(client, alert_id, "acknowledge", {}, ecowas, if_match=None)
    assert missing.status_code == 428
    assert missing.json()["code"] == "if_match_required"
    weak = _post(client, alert_id, "acknowledge", {}, ecowas, if_match="W/" + first.headers["ETag"])
    assert weak.status_code == 412
    history = assert_status(client.get(f"{ALERTS}/{alert_id}/history", headers=ecowas), 200)
    assert [h["action"] for h in history["items"]] == ["raised", "assigned"]
    current = assert_status(client.get(f"{ALERTS}/{alert_id}", headers=ecowas), 200)
    assert (current["status"], current["outcome"]) == ("open", None)


def test_forbidden_moves_get_clear_problems(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    alert_id = _diversion(client, auth_api)
    ecowas = auth_api.secretariat_headers("ECOWAS")
    _, reader = _person(
        client, auth_api, register_settings, org_type="secretariat", org="ECOWAS", role="reader"
    )
    # A secretariat's reader reads, but takes no step.
    assert_status(client.get(f"{ALERTS}/{alert_id}/history", headers=reader), 200)
    refused = _post(client, alert_id, "acknowledge", {}, reader)
    assert refused.status_code == 403
    assert refused.json()["code"] == "alert_triage_forbidden"
    assert "alerts:triage" in refused.json()["detail"]
    comment = client.post(f"{ALERTS}/{alert_id}/comments", json={"text": "hi"}, headers=reader)
    assert comment.status_code == 403
    # Another community's secretariat and another state may not know the alert exists.
    eccas = auth_api.secretariat_headers("ECCAS")
    civ = auth_api.member_state_headers("CIV")
    for outsider in (eccas, civ):
        for path in ("", "/history"):
            assert client.get(f"{ALERTS}/{alert_id}{path}", headers=outsider).status_code == 404
        hidden = _post(client, alert_id, "close", {"outcome": "duplicate"}, outsider, if_match="*")
        assert hidden.status_code == 404
        assert hidden.json()["code"] == "alert_not_found"
    # The state whose materiel it is acknowledges and comments, but does not close.
    sen = auth_api.member_state_headers("SEN")
    state_close = _post(client, alert_id, "close", {"outcome": "not_same_item"}, sen)
    assert state_close.status_code == 403
    assert "secretariat" in state_close.json()["detail"]
    assert _post(client, alert_id, "assign", {"assignee": None}, sen).status_code == 403
    # Closing without an outcome, with one that does not exist, or "other" without a note.
    no_outcome = _post(client, alert_id, "close", {"note": "done"}, ecowas)
    assert no_outcome.status_code == 422
    assert [e["loc"] for e in no_outcome.json()["errors"]] == ["outcome"]
    bad = _post(client, alert_id, "close", {"outcome": "lost", "note": ""}, ecowas)
    assert bad.status_code == 422
    assert {e["loc"] for e in bad.json()["errors"]} == {"outcome", "note"}
    other = _post(client, alert_id, "close", {"outcome": "other"}, ecowas)
    assert other.status_code == 422
    assert other.json()["errors"] == [
        {"loc": "note", "msg": "is required when the outcome is other"}
    ]
    bad_person = _post(client, alert_id, "assign", {"assignee": "someone"}, ecowas)
    assert bad_person.status_code == 422
    assert bad_person.json()["errors"][0]["loc"] == "assignee"
    reopen_open = _post(client, alert_id, "reopen", {"reason": "why not"}, ecowas)
    assert reopen_open.status_code == 409
    assert reopen_open.json()["code"] == "invalid_transition"
    history = assert_status(client.get(f"{ALERTS}/{alert_id}/history", headers=ecowas), 200)
    assert [h["action"] for h in history["items"]] == ["raised"]


def _linkage_flood(client: TestClient, auth_api: AuthApi, declarations: int) -> list[str]:
    """Niger declares the same unmarked rifle model again and again: linkage alerts."""
    relay = auth_api.operator_headers(("index:write",))
    rifle = {"year_of_manufacture": 2015, "manufacturer": "Izhmash"}
    for n in range(declarations):
        body = delivery(
            [declared_weapon(0, None, **rifle)],
            declaration_id=f"flood-{n}",
            event_date=f"2024-0{1 + n % 9}-1{n % 10}",
        )
        assert_status(client.post(INDEX, json=body, headers=relay), 200)
    ecowas = auth_api.secretariat_headers("ECOWAS")
    found = assert_status(
        client.get(ALERTS, params={"kind": "linkage", "limit": 1000}, headers=ecowas), 200
    )
    return [str(a["id"]) for a in found["items"]]


def test_a_linkage_flood_is_acknowledged_in_one_request(
    client: TestClient, auth_api: AuthApi
) -> None:
    linked = _linkage_flood(client, auth_api, 6)
    assert len(linked) == 15  # one per pair of the six declarations
    diversion = _diversion(client, auth_api)
    ecowas = auth_api.secretariat_headers("ECOWAS")
    counts = assert_status(client.get(f"{ALERTS}/counts", headers=ecowas), 200)
    assert counts["items"] == [
        {"kind": "diversion", "status": "open", "count": 1},
        {"kind": "linkage", "status": "open", "count": len(linked)},
    ]
    assert counts["total"] == len(linked) + 1

    # One closed alert among the ids: nothing is acknowledged, and each refusal is named.
    assert_status(_post(client, linked[1], "close", {"outcome": "duplicate"}, ecowas), 200)
    refused = client.post(
        f"{ALERTS}/acknowledge",
        json={"ids": [linked[0], linked[1], "no-such-alert"]},
        headers=ecowas,
    )
    assert refused.status_code == 422, refused.text
    assert refused.json()["code"] == "bulk_refused"
    assert refused.json()["errors"] == [
        {"loc": "ids[1]", "msg": "is closed; reopen it first"},
        {"loc": "ids[2]", "msg": "no such alert"},
    ]
    still = assert_status(client.get(f"{ALERTS}/{linked[0]}", headers=ecowas), 200)
    assert still["status"] == "open"

    flood = client.post(
        f"{ALERTS}/acknowledge",
        json={"filter": {"kind": "linkage"}, "note": "linkage flood from the Niger upload"},
        headers=ecowas,
    )
    assert flood.status_code == 200, flood.text
    report = flood.json()
    assert report["acknowledged"] == len(linked) - 1  # the closed one is not open
    assert {r["id"] for r in report["results"]} == set(linked) - {linked[1]}
    assert {r["result"] for r in report["results"]} == {"acknowledged"}
    again = client.post(
        f"{ALERTS}/acknowledge", json={"ids": [linked[0], linked[2]]}, headers=ecowas
    )
    assert assert_status(again, 200)["results"] == [
        {"id": linked[0], "result": "already_acknowledged", "version": 2},
        {"id": linked[2], "result": "already_acknowledged", "version": 2},
    ]
    history = assert_status(client.get(f"{ALERTS}/{linked[0]}/history", headers=ecowas), 200)
    last = history["items"][-1]
    assert (last["action"], last["comment"]) == (
        "acknowledged",
        "linkage flood from the Niger upload",
    )
    assert last["actor"]["organisation"] == "ECOWAS"
    counts = assert_status(client.get(f"{ALERTS}/counts", headers=ecowas), 200)
    assert counts["items"] == [
        {"kind": "diversion", "status": "open", "count": 1},
        {"kind": "linkage", "status": "acknowledged", "count": len(linked) - 1},
        {"kind": "linkage", "status": "closed", "count": 1},
    ]
    assert assert_status(client.get(f"{ALERTS}/{diversion}", headers=ecowas), 200)["status"] == (
        "open"
    )
    # Another community counts none of them; a reader may not bulk-acknowledge.
    eccas = auth_api.secretariat_headers("ECCAS")
    assert assert_status(client.get(f"{ALERTS}/counts", headers=eccas), 200)["total"] == 0
    reader = auth_api.secretariat_headers("ECOWAS", ("register:read",))
    forbidden = client.post(f"{ALERTS}/acknowledge", json={"ids": [diversion]}, headers=reader)
    assert forbidden.status_code == 403


def test_bulk_requests_name_every_problem(client: TestClient, auth_api: AuthApi) -> None:
    ecowas = auth_api.secretariat_headers("ECOWAS")
    both = client.post(f"{ALERTS}/acknowledge", json={"ids": ["a"], "filter": {}}, headers=ecowas)
    assert both.status_code == 422
    assert {e["loc"] for e in both.json()["errors"]} == {"ids", "filter"}
    too_many = client.post(
        f"{ALERTS}/acknowledge", json={"ids": [str(n) for n in range(501)]}, headers=ecowas
    )
    assert too_many.status_code == 422
    assert too_many.json()["errors"][0]["loc"] == "ids"
    backwards = client.post(
        f"{ALERTS}/acknowledge",
        json={"filter": {"raised_from": "2026-02-01", "raised_to": "2026-01-01"}},
        headers=ecowas,
    )
    assert backwards.status_code == 422
    assert {e["loc"] for e in backwards.json()["errors"]} == {
        "filter.raised_from",
        "filter.raised_to",
    }


def test_the_queue_filters_by_mission_country_and_dates(
    client: TestClient, auth_api: AuthApi
) -> None:
    alert_id = _diversion(client, auth_api)
    ecowas = auth_api.secretariat_headers("ECOWAS")

    def ids(**params: str) -> list[str]:
        found = assert_status(client.get(ALERTS, params=params, headers=ecowas), 200)
        return [a["id"] for a in found["items"]]

    assert ids(mission="minusma", country="sen", status="open") == [alert_id]
    assert ids(mission="MINUSCA") == []
    assert ids(record_from="2024-05-10", record_to="2024-05-10") == [alert_id]
    assert ids(record_from="2024-05-11") == []
    assert ids(raised_from="2000-01-01", raised_to="2999-12-31") == [alert_id]
    assert ids(raised_to="2000-01-01") == []
    counted = assert_status(
        client.get(f"{ALERTS}/counts", params={"mission": "MINUSCA"}, headers=ecowas), 200
    )
    assert counted == {"total": 0, "items": []}
    backwards = client.get(
        ALERTS, params={"record_from": "2024-02-01", "record_to": "2024-01-01"}, headers=ecowas
    )
    assert backwards.status_code == 422
    assert {e["loc"] for e in backwards.json()["errors"]} == {
        "query.record_from",
        "query.record_to",
    }


def test_the_database_keeps_the_history_and_the_outcomes_honest(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    alert_id = _diversion(client, auth_api)
    engine = create_engine(register_settings.registry.resolved_database_url())
    refused = (
        "UPDATE alert_events SET note = 'rewritten'",
        "DELETE FROM alert_events",
        "UPDATE alerts SET outcome = 'lost', status = 'closed'",
        # an outcome on an alert that is not closed
        "UPDATE alerts SET outcome = 'duplicate'",
        "UPDATE alerts SET status = 'closed', outcome = 'other', outcome_note = NULL",
        "UPDATE alerts SET status = 'forgotten'",
        "INSERT INTO alert_events (alert_id, from_status, to_status, actor, actor_org, at,"
        " action) VALUES (:id, 'open', 'open', 'x', 'x', CURRENT_TIMESTAMP, 'erased')",
    )
    try:
        for statement in refused:
            with engine.connect() as connection, pytest.raises(DBAPIError):
                connection.execute(text(statement), {"id": alert_id})
        with engine.connect() as connection:
            row = connection.execute(text("SELECT note, action FROM alert_events")).one()
            status = connection.execute(text("SELECT status FROM alerts")).scalar_one()
        assert (row.action, status) == ("raised", "open")
        assert row.note != "rewritten"
    finally:
        engine.dispose()
