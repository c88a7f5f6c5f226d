"""Drafts in the console (issue 15, item 5): an editor saves a French CSV as a draft and
submits it, an admin of the same state sees it on the home page, returns it with a
comment (a return without one names the comment), the editor resubmits, the admin
approves and the manifest is stored; another state's reader gets the 404 page."""

from __future__ import annotations

import re

import httpx
from fastapi.testclient import TestClient

from services.embedded import EmbeddedSettings
from tests.auth.people_support import Enrolled, invite_and_enrol
from tests.console.manifest_files import FIXED, FORM, WITH_ONE_BAD_ROW
from tests.console.support import register_console, sign_in
from tests.support.auth_fixtures import AuthApi


def _person(
    client: TestClient, auth_api: AuthApi, settings: EmbeddedSettings, *, org: str, role: str
) -> Enrolled:
    register_console(settings)
    return invite_and_enrol(
        client,
        auth_api,
        org=org,
        org_type="member_state",
        role=role,
        email=f"{role}@{org.lower()}.test",
    )


def _field(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]+)"', page)
    assert found is not None, page
    return found.group(1)


def _post_step(client: TestClient, page: str, action: str, **extra: str) -> object:
    url = re.search(rf'action="(/console/drafts/manifest/[^"/]+/{action})"', page)
    assert url is not None, page
    form = {"csrf_token": _field(page, "csrf_token"), "version": _field(page, "version"), **extra}
    return client.post(url.group(1), data=form)


def _stored_count(client: TestClient, auth_api: AuthApi) -> int:
    response = client.get("/registry/v1/manifests", headers=auth_api.member_state_headers("SEN"))
    assert response.status_code == 200, response.text
    return len(response.json()["items"])


def test_save_as_draft_submit_return_resubmit_approve(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    editor = _person(client, auth_api, register_settings, org="SEN", role="editor")
    admin = _person(client, auth_api, register_settings, org="SEN", role="admin")
    ghana = _person(client, auth_api, register_settings, org="GHA", role="reader")

    upload = sign_in(client, editor, start="/console/manifests/upload?lang=fr")
    assert 'formaction="/console/drafts/manifest/upload"' in upload
    saved = client.post(
        "/console/drafts/manifest/upload",
        data={**FORM, "csrf_token": _field(upload, "csrf_token")},
        files={"file": ("manifeste.csv", WITH_ONE_BAD_ROW, "text/csv")},
    )
    assert saved.status_code == 200, saved.text
    draft_url = str(saved.url).split("?")[0]
    assert "/console/drafts/manifest/" in draft_url
    assert "Brouillon" in saved.text
    assert "items[2].serial_number" in saved.text  # the bad row, named
    assert "Obligatoire pour un élément de nature arme." in saved.text
    assert _stored_count(client, auth_api) == 0
    listed = client.get("/console/drafts")
    assert "manifeste.csv" in listed.text

    submitted = _post_step(client, saved.text, "submit")
    assert "En attente d’approbation" in submitted.text  # type: ignore[attr-defined]
    editor_cookies = httpx.Cookies(client.cookies)

    client.cookies.clear()
    home = sign_in(client, admin, start="/console/?lang=en")
    admin_cookies = httpx.Cookies(client.cookies)
    assert "Drafts awaiting my approval" in home
    assert draft_url.removeprefix("http://127.0.0.1") in home
    review = client.get(draft_url)
    assert "Approve and store in the register" in review.text
    no_comment = _post_step(client, review.text, "return", comment=" ")
    assert no_comment.status_code == 422  # type: ignore[attr-defined]
    assert "Say what to change." in no_comment.text  # type: ignore[attr-defined]
    returned = _post_step(client, review.text, "return", comment="Row 4 has no serial number")
    assert "Returned" in returned.text  # type: ignore[attr-defined]

    client.cookies = editor_cookies
    seen = client.get(draft_url)
    assert "Renvoyé avec un commentaire" in seen.text
    assert "Row 4 has no serial number" in seen.text
    again = client.post(
        "/console/drafts/manifest/upload",
        data={**FORM, "csrf_token": _field(seen.text, "csrf_token")},
        files={"file": ("manifeste-2.csv", FIXED, "text/csv")},
    )
    assert "Aucun problème trouvé." in again.text
    fixed_url = str(again.url).split("?")[0]
    _post_step(client, again.text, "submit")

    client.cookies = admin_cookies
    review = client.get(fixed_url)
    approved = _post_step(client, review.text, "approve", key="k-1")
    assert "The draft was approved" in approved.text  # type: ignore[attr-defined]
    done = client.get(fixed_url)
    assert "Open the manifest" in done.text
    assert _stored_count(client, auth_api) == 1

    client.cookies.clear()
    sign_in(client, ghana)
    refused = client.get(fixed_url)
    assert refused.status_code == 404
    assert "manifeste" not in refused.text
