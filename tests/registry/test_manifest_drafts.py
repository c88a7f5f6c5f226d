"""Drafts of manifests and their approval (issue 15, item 5): an editor saves and
submits, an admin of the same state returns or approves, and the manifest is created
only then. Drafts are the state's own: other states and secretariats get 404."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from services.embedded import EmbeddedSettings
from tests.registry.factories import MANIFESTS, manifest, weapon
from tests.support.auth_fixtures import AuthApi
from tests.support.draft_people import person_headers
from tests.support.responses import assert_status

DRAFTS = "/registry/v1/manifest-drafts"


def _people(
    client: TestClient, auth_api: AuthApi, settings: EmbeddedSettings
) -> tuple[dict[str, str], dict[str, str]]:
    editor = person_headers(client, auth_api, settings, org="SEN", role="editor")
    admin = person_headers(client, auth_api, settings, org="SEN", role="admin")
    return editor, admin


def _invalid_body() -> dict[str, Any]:
    body = manifest([weapon("AK-1"), {"kind": "weapon", "serial_number": "AK-2"}])
    body["crossing_date"] = "not a date"
    return body


def _with_etag(headers: dict[str, str], etag: str) -> dict[str, str]:
    return {**headers, "If-Match": etag}


def test_an_editor_drafts_an_admin_returns_then_approves_and_the_manifest_exists(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    editor, admin = _people(client, auth_api, register_settings)
    created = client.post(
        DRAFTS, json={"body": _invalid_body(), "title": "Rotation 7"}, headers=editor
    )
    draft = assert_status(created)
    assert draft["status"] == "draft"
    assert draft["organisation"] == "SEN"
    assert draft["created_by"]["type"] == "person"
    locs = {p["loc"] for p in draft["problems"]}
    assert "crossing_date" in locs
    assert {"items[1].category", "items[1].manufacturer"} <= locs
    assert assert_status(client.get(MANIFESTS, headers=editor), 200)["items"] == []

    fixed = manifest([weapon("AK-1"), weapon("AK-2")])
    saved = client.put(
        f"{DRAFTS}/{draft['id']}",
        json={"body": fixed, "title": "Rotation 7"},
        headers=_with_etag(editor, created.headers["ETag"]),
    )
    assert assert_status(saved, 200)["problems"] == []
    submitted = assert_status(client.post(f"{DRAFTS}/{draft['id']}/submit", headers=editor), 200)
    assert submitted["status"] == "awaiting_approval"

    returned = client.post(
        f"{DRAFTS}/{draft['id']}/return", json={"comment": "Add AK-3"}, headers=admin
    )
    assert assert_status(returned, 200)["status"] == "returned"
    again = manifest([weapon("AK-1"), weapon("AK-2"), weapon("AK-3")])
    saved = client.put(
        f"{DRAFTS}/{draft['id']}",
        json={"body": again},
        headers=_with_etag(editor, returned.headers["ETag"]),
    )
    assert_status(saved, 200)
    assert_status(client.post(f"{DRAFTS}/{draft['id']}/submit", headers=editor), 200)

    approved = client.post(
        f"{DRAFTS}/{draft['id']}/approve", headers={**admin, "Idempotency-Key": "approve-1"}
    )
    done = assert_status(approved, 200)
    assert done["status"] == "submitted"
    manifest_id = done["record_id"]
    stored = assert_status(client.get(f"{MANIFESTS}/{manifest_id}", headers=editor), 200)
    assert stored["item_count"] == 3
    replay = client.post(
        f"{DRAFTS}/{draft['id']}/approve", headers={**admin, "Idempotency-Key": "approve-1"}
    )
    assert assert_status(replay, 200)["record_id"] == manifest_id
    assert len(assert_status(client.get(MANIFESTS, headers=editor), 200)["items"]) == 1
    history = [(s["action"], s["comment"]) for s in done["history"]]
    assert history == [
        ("created", None),
        ("saved", None),
        ("submitted", None),
        ("returned", "Add AK-3"),
        ("saved", None),
        ("submitted", None),
        ("approved", None),
    ]


def test_approving_an_invalid_draft_names_every_problem_and_keeps_it_awaiting(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    editor, admin = _people(client, auth_api, register_settings)
    draft = assert_status(client.post(DRAFTS, json={"body": _invalid_body()}, headers=editor))
    assert_status(client.post(f"{DRAFTS}/{draft['id']}/submit", headers=editor), 200)
    refused = client.post(f"{DRAFTS}/{draft['id']}/approve", headers=admin)
    problem = assert_status(refused, 422)
    assert {"crossing_date", "items[1].category"} <= {e["loc"] for e in problem["errors"]}
    after = assert_status(client.get(f"{DRAFTS}/{draft['id']}", headers=admin), 200)
    assert after["status"] == "awaiting_approval"
    assert after["record_id"] is None
    assert assert_status(client.get(MANIFESTS, headers=admin), 200)["items"] == []


def test_an_admin_may_approve_their_own_draft_but_an_editor_may_not_approve(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    editor, admin = _people(client, auth_api, register_settings)
    draft = assert_status(
        client.post(DRAFTS, json={"body": manifest([weapon("AK-9")])}, headers=admin)
    )
    assert_status(client.post(f"{DRAFTS}/{draft['id']}/submit", headers=admin), 200)
    refused = assert_status(client.post(f"{DRAFTS}/{draft['id']}/approve", headers=editor), 403)
    assert refused["code"] == "draft_approval_needs_admin"
    assert_status(client.post(f"{DRAFTS}/{draft['id']}/approve", headers=admin), 200)


def test_a_reader_cannot_create_a_draft(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    reader = person_headers(client, auth_api, register_settings, org="SEN", role="reader")
    refused = client.post(DRAFTS, json={"body": manifest([weapon("AK-1")])}, headers=reader)
    assert assert_status(refused, 403)["code"] == "insufficient_scope"


def test_another_state_and_a_secretariat_get_404_and_see_no_drafts(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    editor, _ = _people(client, auth_api, register_settings)
    draft = assert_status(
        client.post(DRAFTS, json={"body": manifest([weapon("AK-1")])}, headers=editor)
    )
    civ = auth_api.member_state_headers("CIV")
    ecowas = auth_api.secretariat_headers("ECOWAS")
    for outsider in (civ, ecowas):
        assert_status(client.get(f"{DRAFTS}/{draft['id']}", headers=outsider), 404)
        assert assert_status(client.get(DRAFTS, headers=outsider), 200)["items"] == []
    assert_status(client.post(f"{DRAFTS}/{draft['id']}/submit", headers=civ), 404)
    own = assert_status(client.get(DRAFTS, headers=editor), 200)["items"]
    assert [d["id"] for d in own] == [draft["id"]]


def test_a_stale_if_match_is_refused_with_412_and_a_missing_one_with_428(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    editor, _ = _people(client, auth_api, register_settings)
    created = client.post(DRAFTS, json={"body": manifest([weapon("AK-1")])}, headers=editor)
    draft_id = assert_status(created)["id"]
    first = client.put(
        f"{DRAFTS}/{draft_id}",
        json={"body": manifest([weapon("AK-2")])},
        headers=_with_etag(editor, created.headers["ETag"]),
    )
    assert_status(first, 200)
    stale = client.put(
        f"{DRAFTS}/{draft_id}",
        json={"body": manifest([weapon("AK-3")])},
        headers=_with_etag(editor, created.headers["ETag"]),
    )
    assert assert_status(stale, 412)["code"] == "stale_draft"
    missing = client.put(f"{DRAFTS}/{draft_id}", json={"body": {}}, headers=editor)
    assert_status(missing, 428)
    body = assert_status(client.get(f"{DRAFTS}/{draft_id}", headers=editor), 200)["body"]
    assert body["items"][0]["serial_number"] == "AK-2"


def test_a_withdrawn_draft_is_kept_and_can_no_longer_be_submitted(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    editor, _ = _people(client, auth_api, register_settings)
    draft = assert_status(
        client.post(DRAFTS, json={"body": manifest([weapon("AK-1")])}, headers=editor)
    )
    withdrawn = assert_status(client.delete(f"{DRAFTS}/{draft['id']}", headers=editor), 200)
    assert withdrawn["status"] == "withdrawn"
    listed = assert_status(client.get(f"{DRAFTS}?status=withdrawn", headers=editor), 200)
    assert [d["id"] for d in listed["items"]] == [draft["id"]]
    assert assert_status(client.get(f"{DRAFTS}?status=draft", headers=editor), 200)["items"] == []
    refused = client.post(f"{DRAFTS}/{draft['id']}/submit", headers=editor)
    assert assert_status(refused, 409)["code"] == "draft_status_conflict"


def test_a_draft_body_that_is_not_an_object_is_a_422_not_a_500(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    editor, _ = _people(client, auth_api, register_settings)
    refused = client.post(DRAFTS, json={"body": [1, 2], "title": "x" * 300}, headers=editor)
    locs = {e["loc"] for e in assert_status(refused, 422)["errors"]}
    assert {"body", "title"} <= locs


def test_drafts_are_listed_in_keyset_pages_each_once(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    editor, _ = _people(client, auth_api, register_settings)
    ids = [
        assert_status(
            client.post(DRAFTS, json={"body": {}, "title": f"draft {n}"}, headers=editor)
        )["id"]
        for n in range(3)
    ]
    first = assert_status(client.get(f"{DRAFTS}?limit=2", headers=editor), 200)
    assert first["next_cursor"] is not None
    second = assert_status(
        client.get(f"{DRAFTS}?limit=2&cursor={first['next_cursor']}", headers=editor), 200
    )
    listed = first["items"] + second["items"]
    assert sorted(d["id"] for d in listed) == sorted(ids)
    assert second["next_cursor"] is None
    assert {d["title"] for d in listed} == {"draft 0", "draft 1", "draft 2"}
