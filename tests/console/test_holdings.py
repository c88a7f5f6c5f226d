"""Holdings and reconciliation in the console (issue 15, item 6): discrepancies first and
named in words, each line linked to the manifest that proves it, the API's CSV export,
and bad filters shown as problems, never a 5xx."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient

from services.embedded import EmbeddedSettings
from tests.auth.people_support import invite_and_enrol
from tests.console.support import register_console, sign_in
from tests.registry.factories import MANIFESTS, manifest, weapon
from tests.support.auth_fixtures import AuthApi
from tests.support.responses import assert_status


def test_reconciliation_shows_discrepancies_first_with_evidence_and_exports_csv(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    sen = auth_api.member_state_headers("SEN")
    came_in = assert_status(
        client.post(MANIFESTS, json=manifest([weapon("A-1"), weapon("Z-9")]), headers=sen)
    )
    out = manifest(
        [weapon("A-1")], direction="out", crossing_date="2024-06-01", closes_rotation=True
    )
    assert_status(client.post(MANIFESTS, json=out, headers=sen))
    register_console(register_settings)
    reader = invite_and_enrol(
        client, auth_api, org="SEN", org_type="member_state", role="reader", email="r@sen.test"
    )
    sign_in(client, reader)

    page = client.get("/console/holdings", params={"mission": "MINUSCA", "lang": "fr"})
    assert page.status_code == 200, page.text
    rows = re.findall(r"<tr( class=\"discrepancy\")?>\s*<td>(.*?)</td>", page.text, re.S)
    assert len(rows) == 2
    assert rows[0][0]
    assert "Écart" in rows[0][1]
    assert "Non sorti après la rotation" in rows[0][1]
    assert not rows[1][0]
    assert "Équilibré" in rows[1][1]
    assert page.text.index("Z-9") < page.text.index("A-1")
    assert f'href="/console/manifests/{came_in["id"]}"' in page.text

    only = client.get(
        "/console/holdings", params={"mission": "MINUSCA", "discrepancies_only": "true"}
    )
    assert "Z-9" in only.text
    assert "A-1" not in only.text

    csv = client.get("/console/holdings/export.csv", params={"mission": "MINUSCA"})
    assert csv.status_code == 200
    assert csv.headers["content-type"].startswith("text/csv")
    assert "reconciliation-MINUSCA.csv" in csv.headers["content-disposition"]
    assert csv.text.splitlines()[0].lstrip("\ufeff").startswith("kind,mission,")
    assert len(csv.text.splitlines()) == 3

    unknown = client.get("/console/holdings", params={"mission": "NOPE", "lang": "en"})
    assert unknown.status_code == 200
    assert "There is a problem" in unknown.text
    missing = client.get("/console/holdings/export.csv")
    assert missing.status_code == 200
    assert "Choose a mission to see its holdings." in missing.text


def test_an_out_manifest_from_the_units_holdings(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    sen = auth_api.member_state_headers("SEN")
    body = manifest([weapon("A-1"), weapon("A-2"), weapon("A-3")], unit="SENBATT 7")
    assert_status(client.post(MANIFESTS, json=body, headers=sen))
    register_console(register_settings)
    editor = invite_and_enrol(
        client, auth_api, org="SEN", org_type="member_state", role="editor", email="e@sen.test"
    )
    sign_in(client, editor)
    page = client.get("/console/holdings/out", params={"mission": "MINUSCA", "unit": "SENBATT 7"})
    assert page.status_code == 200, page.text
    boxes = re.findall(r'name="weapon" value="([^"]+)"', page.text)
    assert len(boxes) == 3
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf is not None
    form = {
        "csrf_token": csrf.group(1),
        "mission": "MINUSCA",
        "unit": "SENBATT 7",
        "crossing_point": "Garoua-Boulaï",
        "save": "manifest",
    }
    nothing = client.post("/console/holdings/out", data=form)
    assert nothing.status_code == 422
    assert "Tick the weapons that leave." in nothing.text
    picked = [html.unescape(b) for b in boxes if "A1" in b or "A2" in b]
    assert len(picked) == 2, boxes
    no_date = client.post("/console/holdings/out", data={**form, "weapon": picked})
    assert no_date.status_code == 422
    assert 'id="crossing_date-error"' in no_date.text
    assert no_date.text.count("checked") == 2  # the ticks are kept
    sent = client.post(
        "/console/holdings/out", data={**form, "weapon": picked, "crossing_date": "2024-06-01"}
    )
    assert sent.status_code == 200, sent.text
    assert "/console/manifests/" in str(sent.url)
    left = client.get("/registry/v1/holdings", params={"mission": "MINUSCA"}, headers=sen)
    assert [h["serial_number"] for h in assert_status(left, 200)["items"]] == ["A-3"]
