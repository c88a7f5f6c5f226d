"""Manifests in the console: upload with every problem by row and column, the list with
filters and keyset pages, the detail with its items, tenancy as the API says."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from services.embedded import EmbeddedSettings
from tests.auth.people_support import Enrolled, invite_and_enrol
from tests.console.manifest_files import FIXED, FORM, WITH_ONE_BAD_ROW
from tests.console.support import register_console, sign_in
from tests.support.auth_fixtures import AuthApi


def _person(
    client: TestClient,
    auth_api: AuthApi,
    settings: EmbeddedSettings,
    *,
    org: str = "SEN",
    role: str = "editor",
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


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def _upload(client: TestClient, page: str, content: bytes, **form: str) -> object:
    fields = {**FORM, **form, "csrf_token": _csrf(page)}
    key = re.search(r'name="upload_key" value="([^"]+)"', page)
    if key is not None and "upload_key" not in form:
        fields["upload_key"] = key.group(1)
    return client.post(
        "/console/manifests/upload",
        data=fields,
        files={"file": ("manifeste.csv", content, "text/csv")},
    )


def _stored_count(client: TestClient, auth_api: AuthApi) -> int:
    response = client.get("/registry/v1/manifests", headers=auth_api.member_state_headers("SEN"))
    assert response.status_code == 200, response.text
    return len(response.json()["items"])


def test_a_refused_upload_names_every_problem_by_row_and_column_and_stores_nothing(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    page = sign_in(
        client,
        _person(client, auth_api, register_settings),
        start="/console/manifests/upload?lang=fr",
    )
    refused = _upload(client, page, WITH_ONE_BAD_ROW)
    assert refused.status_code == 422  # type: ignore[attr-defined]
    text = refused.text  # type: ignore[attr-defined]
    assert "Rien n’a été enregistré" in text
    row = re.search(
        r'<tr><td class="num">4</td><td>F \(Numéro de série\)</td><td>([^<]+)</td>', text
    )
    assert row is not None, text
    assert row.group(1) == "Obligatoire pour un élément de nature arme."
    assert 'value="SENBATT 7"' in text  # the form keeps what was typed
    assert _stored_count(client, auth_api) == 0


def test_the_fixed_file_is_stored_and_its_detail_shows_the_items(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    page = sign_in(
        client, _person(client, auth_api, register_settings), start="/console/manifests/upload"
    )
    refused = _upload(client, page, WITH_ONE_BAD_ROW)
    stored = _upload(client, refused.text, FIXED)  # type: ignore[attr-defined]
    assert stored.status_code == 200, stored.text  # type: ignore[attr-defined]
    assert "The manifest was stored." in stored.text  # type: ignore[attr-defined]
    assert "KC-0001236" in stored.text  # type: ignore[attr-defined]
    assert re.search(r"/console/manifests/[\w-]+\?stored=1$", str(stored.url))  # type: ignore[attr-defined]
    assert _stored_count(client, auth_api) == 1


def test_sending_the_same_form_twice_stores_one_manifest(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    page = sign_in(
        client, _person(client, auth_api, register_settings), start="/console/manifests/upload"
    )
    first = _upload(client, page, FIXED)
    second = _upload(client, page, FIXED)
    assert str(first.url) == str(second.url)  # type: ignore[attr-defined]
    assert _stored_count(client, auth_api) == 1


def test_an_upload_without_the_form_token_is_refused(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    sign_in(client, _person(client, auth_api, register_settings))
    response = client.post(
        "/console/manifests/upload",
        data={**FORM, "csrf_token": "forged-token-value-xxxxxxxx"},
        files={"file": ("m.csv", FIXED, "text/csv")},
    )
    assert response.status_code == 403
    assert _stored_count(client, auth_api) == 0


def test_an_upload_without_a_file_says_so(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    page = sign_in(
        client, _person(client, auth_api, register_settings), start="/console/manifests/upload"
    )
    response = client.post("/console/manifests/upload", data={**FORM, "csrf_token": _csrf(page)})
    assert response.status_code == 422
    assert '<a href="#file">' in response.text


def test_the_list_filters_and_pages_by_keyset(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    page = sign_in(
        client, _person(client, auth_api, register_settings), start="/console/manifests/upload"
    )
    for number in range(27):
        serial_rows = FIXED.replace(b"KC-00012", f"K{number:02d}-".encode())
        r = _upload(client, page, serial_rows, upload_key=f"console-test-{number}")
        assert r.status_code == 200, re.findall(r"<li><a[^>]*>([^<]+)", r.text)  # type: ignore[attr-defined]
    out = _upload(
        client,
        page,
        FIXED.replace(b"KC-00012", b"K00-"),
        direction="out",
        crossing_date="2026-09-01",
        upload_key="console-test-out",
    )
    assert out.status_code == 200, out.text  # type: ignore[attr-defined]
    first = client.get("/console/manifests", params={"direction": "in"})
    assert first.status_code == 200
    assert first.text.count('<a href="/console/manifests/') == 25
    next_link = re.search(r'<a class="pager__next" href="([^"]+)"', first.text)
    assert next_link is not None
    second = client.get(next_link.group(1).replace("&amp;", "&"))
    assert second.text.count('<a href="/console/manifests/') == 2
    assert "pager__next" not in second.text
    outs = client.get("/console/manifests", params={"direction": "out"})
    assert outs.text.count('<a href="/console/manifests/') == 1


def test_a_bad_date_filter_is_named_not_a_server_error(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    sign_in(client, _person(client, auth_api, register_settings))
    response = client.get("/console/manifests", params={"crossed_from": "2026-13-45"})
    assert response.status_code == 200
    assert "error-summary" in response.text
    assert "crossed_from" in response.text


def test_another_states_reader_cannot_open_the_manifest(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    page = sign_in(
        client, _person(client, auth_api, register_settings), start="/console/manifests/upload"
    )
    stored = _upload(client, page, FIXED)
    detail = str(stored.url).split("?")[0].removeprefix("http://127.0.0.1")  # type: ignore[attr-defined]
    client.cookies.clear()
    sign_in(client, _person(client, auth_api, register_settings, org="GHA", role="reader"))
    response = client.get(detail)
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert "KC-0001236" not in response.text


def test_the_template_downloads_as_csv(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    sign_in(client, _person(client, auth_api, register_settings))
    response = client.get("/console/manifests/template.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.text.startswith("kind,category,manufacturer")


def test_the_unit_filter_and_the_item_search_narrow_what_is_shown(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    page = sign_in(
        client, _person(client, auth_api, register_settings), start="/console/manifests/upload"
    )
    stored = _upload(client, page, FIXED)
    _upload(client, page, FIXED.replace(b"KC-", b"KE-"), unit="SENBATT 8", upload_key="k-8")
    eighth = client.get("/console/manifests", params={"unit": "senbatt 8"})
    assert eighth.text.count('<a href="/console/manifests/') == 1
    assert "SENBATT 8" in eighth.text
    assert "SENBATT 7</td>" not in eighth.text
    detail = str(stored.url).split("?")[0]  # type: ignore[attr-defined]
    found = client.get(detail, params={"q": "0001235"})
    assert "KC-0001235" in found.text
    assert "KC-0001234" not in found.text
    assert "KC-0001236" not in found.text


def test_an_upload_declared_over_the_limit_is_refused_before_it_is_read(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    sign_in(client, _person(client, auth_api, register_settings))
    response = client.post(
        "/console/manifests/upload",
        content=b"x" * 16,
        headers={
            "Content-Type": "multipart/form-data; boundary=b",
            "Content-Length": str(200 * 1024 * 1024),
        },
    )
    assert response.status_code == 413
    assert "The file is too large." in response.text


def test_an_xlsx_workbook_uploads_like_a_csv(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for line in FIXED.decode().splitlines():
        sheet.append(line.split(";"))
    buffer = io.BytesIO()
    workbook.save(buffer)
    page = sign_in(
        client, _person(client, auth_api, register_settings), start="/console/manifests/upload"
    )
    response = client.post(
        "/console/manifests/upload",
        data={**FORM, "csrf_token": _csrf(page)},
        files={"file": ("manifeste.xlsx", buffer.getvalue(), "application/octet-stream")},
    )
    assert response.status_code == 200, response.text
    assert "The manifest was stored." in response.text
    assert "KC-0001236" in response.text
