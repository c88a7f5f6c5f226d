"""The profile page: every person sets their email preferences and signs sessions out."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from services.embedded import EmbeddedSettings
from tests.auth.people_support import invite_and_enrol
from tests.console.support import register_console, sign_in
from tests.support.auth_fixtures import AuthApi


def _signed_in_reader(
    client: TestClient, auth_api: AuthApi, settings: EmbeddedSettings
) -> tuple[str, str]:
    register_console(settings)
    reader = invite_and_enrol(
        client, auth_api, org="SEN", org_type="member_state", role="reader", email="r@sn.test"
    )
    page = sign_in(client, reader, start="/console/profile")
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None
    return page, found.group(1)


def test_a_person_chooses_a_daily_digest_and_a_language_and_the_registry_keeps_it(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    page, csrf = _signed_in_reader(client, auth_api, register_settings)
    assert 'name="event:manifest.accepted"' in page
    saved = client.post(
        "/console/profile/preferences",
        data={"csrf_token": csrf, "event:manifest.accepted": "daily", "language": "fr"},
    )
    assert saved.status_code == 200, saved.text
    assert "Your email preferences are saved." in saved.text
    assert re.search(
        r'id="event-manifest.accepted-daily" name="event:manifest.accepted" value="daily" checked',
        saved.text,
    )
    assert '<option value="fr" lang="fr" selected>' in saved.text


def test_an_unknown_event_or_mode_is_named_and_nothing_is_kept(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    _page, csrf = _signed_in_reader(client, auth_api, register_settings)
    refused = client.post(
        "/console/profile/preferences",
        data={"csrf_token": csrf, "event:manifest.accepted": "hourly", "language": "de"},
    )
    assert refused.status_code == 422, refused.text
    summary = refused.text.split('class="error-summary__list"')[1].split("</ul>")[0]
    assert 'href="#event-manifest.accepted"' in summary
    assert 'href="#language"' in summary


def test_a_person_signs_one_of_their_sessions_out_and_not_another_persons(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    page, csrf = _signed_in_reader(client, auth_api, register_settings)
    ended = re.search(r'action="/console/profile/sessions/(ses_[0-9a-f]{32})/end"', page)
    assert ended is not None
    other = "ses_" + "0" * 32
    refused = client.post(f"/console/profile/sessions/{other}/end", data={"csrf_token": csrf})
    assert refused.status_code == 404
    out = client.post(f"/console/profile/sessions/{ended.group(1)}/end", data={"csrf_token": csrf})
    # Its refresh token stops at once; its access token lives a few minutes more.
    assert out.status_code == 200
    assert "The session is signed out." in out.text
    assert ended.group(1) not in out.text
