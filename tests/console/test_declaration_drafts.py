"""Declaration drafts in the console (issue 15, item 5), the workbook templates (item 3)
and the declaration's submitter (item 4).

An editor saves the declare form as a draft (nothing declared), submits it; an admin of
the same state approves it; the declaration exists and the draft's page links to it;
another state's reader gets the 404 page. A draft with a new incident is refused on
the incident's field (a draft creates no record). The XLSX templates hold the CSV
templates' rows, and the manifest's is accepted by the upload as it is."""

from __future__ import annotations

import csv
import io
import re

from fastapi.testclient import TestClient
from openpyxl import load_workbook

from services.embedded import EmbeddedSettings
from tests.auth.people_support import Enrolled, invite_and_enrol
from tests.console.manifest_files import FORM
from tests.console.support import register_console, sign_in
from tests.console.test_declarations import GOOD, _declare, _hidden
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


def _declarations(client: TestClient, auth_api: AuthApi) -> list[dict[str, object]]:
    response = client.get(
        "/declarations/v1/declarations", headers=auth_api.member_state_headers("SEN")
    )
    assert response.status_code == 200, response.text
    items: list[dict[str, object]] = response.json()["items"]
    return items


def _step(client: TestClient, page: str, action: str, **extra: str) -> str:
    url = re.search(rf'action="(/console/drafts/declaration/[^"/]+/{action})"', page)
    assert url is not None, page
    form = {"csrf_token": _hidden(page, "csrf_token"), "version": _hidden(page, "version")}
    response = client.post(url.group(1), data={**form, **extra})
    assert response.status_code == 200, response.text
    return response.text


def test_a_declaration_draft_from_the_form_is_approved_by_an_admin_and_links_to_its_record(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    editor = _person(client, auth_api, register_settings, org="SEN", role="editor")
    admin = _person(client, auth_api, register_settings, org="SEN", role="admin")
    ghana = _person(client, auth_api, register_settings, org="GHA", role="reader")

    form = sign_in(client, editor, start="/console/declarations/new")
    assert 'name="save_draft"' in form
    saved = _declare(client, form, **GOOD, save_draft="1")
    assert saved.status_code == 303, saved.text  # type: ignore[attr-defined]
    location = saved.headers["location"]  # type: ignore[attr-defined]
    assert re.fullmatch(r"/console/drafts/declaration/[^/?]+\?done=saved", location), location
    draft_url = location.split("?")[0]
    page = client.get(location).text
    assert "The draft was saved." in page
    assert "No problems found." in page
    assert "KA-4411" in page
    assert "<dt>location.place</dt><dd>Gao</dd>" in page  # the place, reviewed too
    assert _declarations(client, auth_api) == []  # a draft declares nothing
    assert "Seizure, Gao" in client.get("/console/drafts?kind=declaration").text
    submitted = _step(client, page, "submit")
    assert "Awaiting approval" in submitted
    editor_cookies = dict(client.cookies)

    client.cookies.clear()
    home = sign_in(client, admin, start="/console/")
    assert "Drafts awaiting my approval" in home
    assert f'href="{draft_url}"' in home  # the declaration draft, beside manifest ones
    review = client.get(draft_url).text
    approved = _step(client, review, "approve", key="approve-1")
    assert "The draft was approved" in approved
    declared = _declarations(client, auth_api)
    assert len(declared) == 1
    record_url = f"/console/declarations/{declared[0]['id']}"
    assert f'href="{record_url}">Open the declaration</a>' in approved
    detail = client.get(record_url)
    assert "KA-4411" in detail.text
    assert "by Awa Diop (SEN)" in detail.text  # the admin reads the person's name

    client.cookies.clear()
    client.cookies.update(editor_cookies)
    seen = client.get(record_url).text  # an editor may not read people: the id, labelled
    assert f"by the person {admin.person_id} (SEN)" in seen

    client.cookies.clear()
    sign_in(client, ghana)
    refused = client.get(draft_url)
    assert refused.status_code == 404
    assert "KA-4411" not in refused.text


def test_an_incomplete_draft_is_saved_with_its_problems_and_a_new_incident_is_refused(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    editor = _person(client, auth_api, register_settings, org="SEN", role="editor")
    form = sign_in(client, editor, start="/console/declarations/new?lang=fr")
    incomplete = _declare(client, form, **{**GOOD, "event_date": ""}, save_draft="1")
    assert incomplete.status_code == 303, incomplete.text  # type: ignore[attr-defined]
    page = client.get(incomplete.headers["location"]).text  # type: ignore[attr-defined]
    assert "Brouillon" in page
    assert "<td>event_date</td>" in page  # the problem the API names, listed

    with_incident = {**GOOD, "new_incident_type": "cache"}
    refused = _declare(client, form, **with_incident, save_draft="1")
    assert refused.status_code == 422  # type: ignore[attr-defined]
    summary = refused.text.split('id="error-summary"', 1)[1].split("</div>", 1)[0]  # type: ignore[attr-defined]
    assert 'href="#new_incident_type"' in summary
    assert "Un brouillon ne peut pas enregistrer un nouvel incident" in summary
    assert _declarations(client, auth_api) == []
    drafts = client.get(
        "/declarations/v1/declaration-drafts", headers=auth_api.member_state_headers("SEN")
    )
    assert len(drafts.json()["items"]) == 1  # the incomplete one only


def _sheet_rows(content: bytes) -> list[list[str]]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def test_the_manifest_workbook_template_holds_the_csv_rows_and_is_accepted_by_the_upload(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    editor = _person(client, auth_api, register_settings, org="SEN", role="editor")
    upload = sign_in(client, editor, start="/console/manifests/upload")
    assert 'href="/console/manifests/template.xlsx"' in upload
    assert 'href="/console/manifests/template.csv"' in upload
    as_csv = client.get("/console/manifests/template.csv")
    as_xlsx = client.get("/console/manifests/template.xlsx")
    assert as_xlsx.status_code == 200
    assert as_xlsx.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "manifest-template.xlsx" in as_xlsx.headers["content-disposition"]
    rows = _sheet_rows(as_xlsx.content)
    assert rows == list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["kind", "category"]
    assert len(rows) > 2  # a header row and example rows

    stored = client.post(
        "/console/manifests/upload",
        data={**FORM, "csrf_token": _hidden(upload, "csrf_token")},
        files={"file": ("manifest-template.xlsx", as_xlsx.content, "application/octet-stream")},
        follow_redirects=False,
    )
    assert stored.status_code == 303, stored.text


def test_the_declarations_workbook_template_is_the_apis_in_english_and_french(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    editor = _person(client, auth_api, register_settings, org="SEN", role="editor")
    upload = sign_in(client, editor, start="/console/declarations/upload")
    for lang in ("en", "fr"):
        assert f'href="/console/declarations/template.xlsx?lang={lang}"' in upload
        as_csv = client.get(f"/console/declarations/template.csv?lang={lang}")
        as_xlsx = client.get(f"/console/declarations/template.xlsx?lang={lang}")
        assert as_xlsx.status_code == 200
        assert f"declarations-{lang}.xlsx" in as_xlsx.headers["content-disposition"]
        expected = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
        assert _sheet_rows(as_xlsx.content) == expected
    assert (
        _sheet_rows(as_xlsx.content)[0]
        != _sheet_rows(client.get("/console/declarations/template.xlsx?lang=en").content)[0]
    )  # French headers differ from English ones


def test_a_returned_declaration_draft_is_changed_on_the_form_and_saved_over_itself(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    editor = _person(client, auth_api, register_settings, org="SEN", role="editor")
    admin = _person(client, auth_api, register_settings, org="SEN", role="admin")
    form = sign_in(client, editor, start="/console/declarations/new")
    first = _declare(client, form, **{**GOOD, "items-0-serial_number": "KA-0000"}, save_draft="1")
    draft_url = first.headers["location"].split("?")[0]  # type: ignore[attr-defined]
    _step(client, client.get(draft_url).text, "submit")
    editor_cookies = dict(client.cookies)
    client.cookies.clear()
    review = sign_in(client, admin, start=draft_url)
    _step(client, review, "return", comment="The serial is KA-4411")

    client.cookies.clear()
    client.cookies.update(editor_cookies)
    returned = client.get(draft_url).text
    assert "The serial is KA-4411" in returned
    assert f'href="{draft_url}/edit"' in returned
    edit = client.get(f"{draft_url}/edit").text
    assert 'value="KA-0000"' in edit  # the draft's rows, on the form
    assert 'value="Gao"' in edit
    assert 'id="declare-submit"' not in edit  # a draft is saved, not declared, from here
    changed = {**GOOD, "draft_id": _hidden(edit, "draft_id")}
    saved = _declare(
        client, edit, **changed, draft_version=_hidden(edit, "draft_version"), save_draft="1"
    )
    assert saved.status_code == 303, saved.text  # type: ignore[attr-defined]
    assert saved.headers["location"].split("?")[0] == draft_url  # type: ignore[attr-defined]
    page = client.get(draft_url).text
    assert "KA-4411" in page
    assert "KA-0000" not in page

    stale = _declare(
        client, edit, **changed, draft_version=_hidden(edit, "draft_version"), save_draft="1"
    )
    assert stale.status_code == 412  # type: ignore[attr-defined]
    assert "Someone changed this draft meanwhile" in stale.text  # type: ignore[attr-defined]
    drafts = client.get(
        "/declarations/v1/declaration-drafts", headers=auth_api.member_state_headers("SEN")
    )
    assert len(drafts.json()["items"]) == 1
    assert _declarations(client, auth_api) == []
