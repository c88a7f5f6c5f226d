"""Alert triage in the console: the queue with filters and counts, an alert's evidence and
history with actors, assign/acknowledge/comment/close/reopen with If-Match (a stale form
reloads the alert and says so), bulk acknowledgement, every refusal named."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient

from services.embedded import EmbeddedSettings
from tests.console.analysis_support import analyst, csrf, diversion, etag, linkage_flood
from tests.support.auth_fixtures import AuthApi
from tests.support.responses import assert_status


def _step(client: TestClient, alert_id: str, step: str, page: str, **form: str) -> object:
    data = {"csrf_token": csrf(page), "etag": etag(page), **form}
    return client.post(f"/console/alerts/{alert_id}/{step}", data=data, follow_redirects=False)


def _summary(page: str) -> str:
    found = re.search(r'<div class="error-summary".*?</div>', page, flags=re.S)
    assert found is not None, page
    return html.unescape(found.group(0))


def test_an_analyst_triages_a_diversion_alert_from_the_console(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    manifest_id, alert_id = diversion(client, auth_api)
    person, _home = analyst(client, auth_api, register_settings)

    queue = client.get("/console/alerts", params={"kind": "diversion", "status": "open"})
    assert queue.status_code == 200, queue.text
    assert f'href="/console/alerts/{alert_id}"' in queue.text
    assert re.search(r'<th scope="row">Diversion</th><td class="num">1</td>', queue.text)

    page = client.get(f"/console/alerts/{alert_id}").text
    assert f'href="/console/manifests/{manifest_id}"' in page  # the evidence, linked
    assert f'href="/console/cases/new?alert={alert_id}"' in page
    assert "Raised" in page
    assert "the register" in page

    assert _step(client, alert_id, "assign", page, assignee="me").status_code == 303  # type: ignore[attr-defined]
    page = client.get(f"/console/alerts/{alert_id}?done=assign").text
    assert "Done." in page
    assert "Me (ECOWAS)" in page
    stale = page
    acked = _step(client, alert_id, "acknowledge", page, note="asked SEN")
    assert acked.headers["location"] == f"/console/alerts/{alert_id}?done=acknowledge"  # type: ignore[attr-defined]

    # A form read before the acknowledgement: the registry's 412, the alert reloaded.
    again = _step(client, alert_id, "close", stale, outcome="duplicate")
    assert again.headers["location"] == f"/console/alerts/{alert_id}?changed=1"  # type: ignore[attr-defined]
    reloaded = client.get(again.headers["location"]).text  # type: ignore[attr-defined]
    assert "Someone changed this alert" in html.unescape(reloaded)
    assert "<dd>Acknowledged</dd>" in reloaded

    # Closing without an outcome, or with "other" and no note: each problem named.
    refused = _step(client, alert_id, "close", reloaded)
    assert refused.status_code == 422  # type: ignore[attr-defined]
    assert 'href="#close-outcome"' in _summary(refused.text)  # type: ignore[attr-defined]
    other = _step(client, alert_id, "close", reloaded, outcome="other")
    assert other.status_code == 422  # type: ignore[attr-defined]
    assert 'href="#close-note"' in _summary(other.text)  # type: ignore[attr-defined]
    assert 'id="outcome-other" name="outcome" value="other" checked' in other.text  # type: ignore[attr-defined]

    assert (
        _step(client, alert_id, "comments", reloaded, text="lost at Boulkessi").status_code == 303
    )  # type: ignore[attr-defined]
    closed = _step(
        client, alert_id, "close", reloaded, outcome="confirmed_diversion", note="2019 attack"
    )
    assert closed.status_code == 303  # type: ignore[attr-defined]
    page = client.get(f"/console/alerts/{alert_id}").text
    assert "Closed (Confirmed diversion)" in page
    assert "2019 attack" in page
    history = page[page.index("<h2>History</h2>") :]
    for action in ("Raised", "Assigned", "Acknowledged", "Commented", "Closed"):
        assert action in history
    assert history.count("you (ECOWAS)") == 4
    assert "lost at Boulkessi" in history
    assert person.email  # the steps were this person's (you), not the register's

    assert _step(client, alert_id, "reopen", page).status_code == 422  # type: ignore[attr-defined]
    assert _step(client, alert_id, "reopen", page, reason="new evidence").status_code == 303  # type: ignore[attr-defined]
    assert "<dd>Open</dd>" in client.get(f"/console/alerts/{alert_id}").text

    french = client.get(f"/console/alerts/{alert_id}?lang=fr").text
    assert "Ouvrir un dossier à partir de cette alerte" in french


def test_bulk_acknowledgement_and_refusals_are_named(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    linked = linkage_flood(client, auth_api, 3)
    assert len(linked) == 3
    analyst(client, auth_api, register_settings)
    queue = client.get("/console/alerts", params={"kind": "linkage"})
    token = csrf(queue.text)

    none = client.post("/console/alerts/acknowledge", data={"csrf_token": token, "kind": "linkage"})
    assert none.status_code == 422
    assert "Tick at least one alert." in _summary(none.text)

    done = client.post(
        "/console/alerts/acknowledge",
        data={"csrf_token": token, "ids": linked[:2], "kind": "linkage", "note": "flood"},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    assert done.headers["location"] == "/console/alerts?kind=linkage&acknowledged=2"
    shown = client.get(done.headers["location"]).text
    assert "Alerts acknowledged: 2." in shown
    assert shown.count('name="ids"') == 1  # only the open one can still be ticked

    refused = client.post(
        "/console/alerts/acknowledge",
        data={"csrf_token": token, "ids": [linked[2], "no-such-alert"]},
    )
    assert refused.status_code == 422, refused.text
    ecowas = auth_api.secretariat_headers("ECOWAS")
    still = assert_status(client.get(f"/registry/v1/alerts/{linked[2]}", headers=ecowas), 200)
    assert still["status"] == "open"  # all or nothing

    forged = client.post("/console/alerts/acknowledge", data={"ids": linked[2]})
    assert forged.status_code == 403

    dates = client.get(
        "/console/alerts", params={"raised_from": "2026-02-01", "raised_to": "2026-01-01"}
    )
    assert dates.status_code == 422
    summary = _summary(dates.text)
    assert 'href="#raised_from"' in summary
    assert 'href="#raised_to"' in summary
    assert client.get("/console/alerts", params={"kind": "nonsense"}).status_code == 422


def test_an_alert_outside_the_persons_view_is_the_consoles_404(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    _manifest, alert_id = diversion(client, auth_api)
    analyst(client, auth_api, register_settings, org="GHA", org_type="member_state", role="editor")
    page = client.get(f"/console/alerts/{alert_id}")
    assert page.status_code == 404
    assert "Page not found" in page.text
    step = client.post(f"/console/alerts/{alert_id}/frobnicate", data={})
    assert step.status_code == 404
