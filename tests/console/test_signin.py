"""Signing in to the console through auth's code flow, the sealed cookie, signing out."""

from __future__ import annotations

import asyncio
import re

import httpx
from fastapi.testclient import TestClient

from services.embedded import EmbeddedSettings
from tests.auth.people_support import invite_and_enrol
from tests.console.support import register_console, sign_in
from tests.support.auth_fixtures import AuthApi


def _editor(client: TestClient, auth_api: AuthApi, settings: EmbeddedSettings):  # type: ignore[no-untyped-def]
    register_console(settings)
    return invite_and_enrol(
        client, auth_api, org="SEN", org_type="member_state", role="editor", email="awa@sn.test"
    )


def test_every_console_page_sends_a_stranger_to_sign_in(client: TestClient) -> None:
    for path in ("/console/", "/console/manifests", "/console/manifests/upload"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/console/signin?next=")


def test_the_root_of_the_embedded_register_leads_to_the_console(client: TestClient) -> None:
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 307
    assert response.headers["location"] == "/console/"


def test_a_person_signs_in_and_sees_what_their_role_can_do(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    person = _editor(client, auth_api, register_settings)
    set_cookies: list[str] = []
    page = sign_in(client, person, cookies_out=set_cookies)
    assert "<h1>What needs me</h1>" in page
    assert 'href="/console/manifests/upload"' in page  # an editor may upload
    # The cookie is sealed: neither token appears in it, and scripts cannot read it.
    cookie = _session(client)
    assert cookie
    assert "eyJ" not in cookie
    header = next(h for h in set_cookies if h.startswith("console="))
    assert "HttpOnly" in header
    assert "SameSite=lax" in header
    assert "Path=/" in header


def test_a_reader_has_no_upload_in_the_menu(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    register_console(register_settings)
    reader = invite_and_enrol(
        client, auth_api, org="GHA", org_type="member_state", role="reader", email="r@gh.test"
    )
    page = sign_in(client, reader)
    assert 'href="/console/manifests"' in page
    assert 'href="/console/manifests/upload"' not in page


def test_pages_carry_a_strict_content_security_policy(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    sign_in(client, _editor(client, auth_api, register_settings))
    response = client.get("/console/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "<script>" not in response.text
    assert "style=" not in response.text


def test_a_tampered_cookie_is_no_session(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    sign_in(client, _editor(client, auth_api, register_settings))
    sealed = _session(client)
    _set_session(client, sealed[:-4] + ("AAAA" if not sealed.endswith("AAAA") else "BBBB"))
    response = client.get("/console/", follow_redirects=False)
    assert response.status_code == 303


def test_signing_out_needs_the_form_token_and_ends_the_session_at_auth(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    page = sign_in(client, _editor(client, auth_api, register_settings))
    refused = client.post("/console/signout", data={"csrf_token": "forged"})
    assert refused.status_code == 403
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    sealed = _session(client)
    done = client.post("/console/signout", data={"csrf_token": token.group(1)})
    assert done.status_code == 200
    assert "You are signed out" in done.text
    assert client.get("/console/", follow_redirects=False).status_code == 303
    # The old cookie, replayed, cannot refresh: auth revoked the refresh token.
    _set_session(client, sealed)
    app = client.app.console  # type: ignore[attr-defined]
    session = app.state.sealer.open(sealed)
    session["expires_at"] = 0
    _set_session(client, app.state.sealer.seal(session))
    assert client.get("/console/", follow_redirects=False).status_code == 303


def test_an_expired_access_token_is_refreshed_silently(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    sign_in(client, _editor(client, auth_api, register_settings))
    app = client.app.console  # type: ignore[attr-defined]
    session = app.state.sealer.open(_session(client))
    session["expires_at"] = 0
    _set_session(client, app.state.sealer.seal(session))
    response = client.get("/console/", follow_redirects=False)
    assert response.status_code == 200, response.text
    renewed = app.state.sealer.open(_session(client))
    assert renewed["access_token"] != session["access_token"]
    assert renewed["refresh_token"] != session["refresh_token"]
    assert renewed["csrf"] == session["csrf"]


def _session(client: TestClient) -> str:
    value = client.cookies.get("console", domain="127.0.0.1")
    assert value is not None
    return value


def _set_session(client: TestClient, value: str) -> None:
    """Replace the browser's session cookie (as a tampering or replaying browser would)."""
    client.cookies.set("console", value, domain="127.0.0.1", path="/")


def test_two_pages_opened_at_once_with_an_expired_token_keep_the_person_signed_in(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    # Auth ends a session whose refresh token is used twice: the console must refresh once.
    sign_in(client, _editor(client, auth_api, register_settings))
    register = client.app
    app = register.console  # type: ignore[attr-defined]
    session = app.state.sealer.open(_session(client))
    session["expires_at"] = 0
    sealed = app.state.sealer.seal(session)

    async def open_two_pages() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=register)  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
            headers = {"Cookie": f"console={sealed}"}
            return list(
                await asyncio.gather(
                    http.get("/console/", headers=headers),
                    http.get("/console/manifests", headers=headers),
                )
            )

    first, second = asyncio.run(open_two_pages())
    assert (first.status_code, second.status_code) == (200, 200)
    renewed = first.cookies.get("console")
    assert renewed
    assert renewed != sealed
    # The session lives on at auth: the renewed cookie refreshes again later.
    later = app.state.sealer.open(renewed)
    later["expires_at"] = 0
    _set_session(client, app.state.sealer.seal(later))
    assert client.get("/console/", follow_redirects=False).status_code == 200
