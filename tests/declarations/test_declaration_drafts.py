"""Drafts of declarations and their approval (issue 15, item 5): a draft is never logged;
approval declares it through the normal intake path and appends to the log once."""

from __future__ import annotations

from fastapi.testclient import TestClient

from services.common.transparency.checkpoint import open_checkpoint
from services.common.transparency.note import parse_verifier_key
from services.embedded import EmbeddedSettings
from tests.declarations.support import declaration, weapon
from tests.support.auth_fixtures import AuthApi
from tests.support.draft_people import person_headers
from tests.support.responses import assert_status

DRAFTS = "/declarations/v1/declaration-drafts"
DECLARATIONS = "/declarations/v1/declarations"
LOG = "/declarations/v1/log"


def _log_size(client: TestClient) -> int:
    key = parse_verifier_key(client.get(f"{LOG}/public-key").text)
    response = client.get(f"{LOG}/checkpoint")
    assert response.status_code == 200, response.text
    return open_checkpoint(response.text, [key], origin="salw-register.local/declarations").size


def _people(
    client: TestClient, auth_api: AuthApi, settings: EmbeddedSettings
) -> tuple[dict[str, str], dict[str, str]]:
    editor = person_headers(client, auth_api, settings, org="SEN", role="editor")
    admin = person_headers(client, auth_api, settings, org="SEN", role="admin")
    return editor, admin


def test_a_draft_is_never_logged_and_its_approval_appends_exactly_once(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    editor, admin = _people(client, auth_api, register_settings)
    invalid = declaration(event_date="someday", items=[weapon(), {"kind": "weapon"}])
    created = client.post(DRAFTS, json={"body": invalid}, headers=editor)
    draft = assert_status(created)
    assert {"event_date", "items[1].weapon.serial_number"} <= {p["loc"] for p in draft["problems"]}
    assert draft["status"] == "draft"

    saved = client.put(
        f"{DRAFTS}/{draft['id']}",
        json={"body": declaration()},
        headers={**editor, "If-Match": created.headers["ETag"]},
    )
    assert assert_status(saved, 200)["problems"] == []
    assert_status(client.post(f"{DRAFTS}/{draft['id']}/submit", headers=editor), 200)
    returned = client.post(
        f"{DRAFTS}/{draft['id']}/return", json={"comment": "Name the place"}, headers=admin
    )
    assert assert_status(returned, 200)["status"] == "returned"
    saved = client.put(
        f"{DRAFTS}/{draft['id']}",
        json={"body": declaration(location={"country": "MLI", "place": "Gao, north gate"})},
        headers={**editor, "If-Match": returned.headers["ETag"]},
    )
    assert_status(saved, 200)
    assert_status(client.post(f"{DRAFTS}/{draft['id']}/submit", headers=editor), 200)
    assert _log_size(client) == 0
    assert assert_status(client.get(DECLARATIONS, headers=editor), 200)["items"] == []

    key = {"Idempotency-Key": "approve-sen-1"}
    approved = client.post(f"{DRAFTS}/{draft['id']}/approve", headers={**admin, **key})
    done = assert_status(approved, 200)
    assert done["status"] == "submitted"
    declared = assert_status(client.get(f"{DECLARATIONS}/{done['record_id']}", headers=editor), 200)
    assert declared["record"]["location"]["place"] == "Gao, north gate"
    assert _log_size(client) == 1
    replay = client.post(f"{DRAFTS}/{draft['id']}/approve", headers={**admin, **key})
    assert assert_status(replay, 200)["record_id"] == done["record_id"]
    again = client.post(f"{DRAFTS}/{draft['id']}/approve", headers=admin)
    assert assert_status(again, 409)["code"] == "draft_status_conflict"
    assert _log_size(client) == 1
    assert [a["action"] for a in done["history"]] == [
        "created",
        "saved",
        "submitted",
        "returned",
        "saved",
        "submitted",
        "approved",
    ]
    assert done["history"][3]["comment"] == "Name the place"


def test_approving_an_invalid_draft_names_every_problem_and_logs_nothing(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    editor, admin = _people(client, auth_api, register_settings)
    invalid = declaration(event_date="someday", items=[weapon(), {"kind": "weapon"}])
    draft = assert_status(client.post(DRAFTS, json={"body": invalid}, headers=editor))
    assert_status(client.post(f"{DRAFTS}/{draft['id']}/submit", headers=editor), 200)
    refused = assert_status(client.post(f"{DRAFTS}/{draft['id']}/approve", headers=admin), 422)
    assert {"event_date", "items[1].weapon.serial_number"} <= {e["loc"] for e in refused["errors"]}
    unknown = declaration(mission="NOPE")
    other = assert_status(client.post(DRAFTS, json={"body": unknown}, headers=editor))
    assert other["problems"] == []  # the mission is the registry's, asked at approval
    assert_status(client.post(f"{DRAFTS}/{other['id']}/submit", headers=editor), 200)
    refused = assert_status(client.post(f"{DRAFTS}/{other['id']}/approve", headers=admin), 422)
    assert "mission" in {e["loc"] for e in refused["errors"]}
    for draft_id in (draft["id"], other["id"]):
        after = assert_status(client.get(f"{DRAFTS}/{draft_id}", headers=editor), 200)
        assert (after["status"], after["record_id"]) == ("awaiting_approval", None)
    assert _log_size(client) == 0


def test_a_reader_cannot_create_and_outsiders_get_404(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    editor, _ = _people(client, auth_api, register_settings)
    reader = person_headers(client, auth_api, register_settings, org="SEN", role="reader")
    refused = client.post(DRAFTS, json={"body": declaration()}, headers=reader)
    assert assert_status(refused, 403)["code"] == "insufficient_scope"
    draft = assert_status(client.post(DRAFTS, json={"body": declaration()}, headers=editor))
    civ = auth_api.member_state_headers("CIV", ("declarations:write", "register:read"))
    ecowas = auth_api.secretariat_headers("ECOWAS")
    for outsider in (civ, ecowas):
        assert_status(client.get(f"{DRAFTS}/{draft['id']}", headers=outsider), 404)
        assert assert_status(client.get(DRAFTS, headers=outsider), 200)["items"] == []
    assert_status(client.post(f"{DRAFTS}/{draft['id']}/submit", headers=civ), 404)


def test_a_stale_if_match_is_refused_with_412(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    editor, _ = _people(client, auth_api, register_settings)
    created = client.post(DRAFTS, json={"body": declaration()}, headers=editor)
    draft_id = assert_status(created)["id"]
    etag = {"If-Match": created.headers["ETag"]}
    changed = declaration(circumstances="handed over at a DDR site")
    assert_status(
        client.put(f"{DRAFTS}/{draft_id}", json={"body": changed}, headers={**editor, **etag}), 200
    )
    stale = client.put(
        f"{DRAFTS}/{draft_id}", json={"body": declaration()}, headers={**editor, **etag}
    )
    assert assert_status(stale, 412)["code"] == "stale_draft"
    body = assert_status(client.get(f"{DRAFTS}/{draft_id}", headers=editor), 200)["body"]
    assert body["circumstances"] == "handed over at a DDR site"
