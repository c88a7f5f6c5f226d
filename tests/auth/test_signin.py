"""Sign-in for browser apps: authorization code with PKCE, TOTP, lockout, enumeration."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from fastapi.testclient import TestClient
from jose import jwt

from services.embedded import EmbeddedRegister
from tests.auth.people_support import (
    REDIRECT,
    VERIFIER,
    Enrolled,
    HandClock,
    authorize_query,
    code_step,
    create_app,
    exchange,
    hidden_fields,
    invite_and_enrol,
    password_step,
    sign_in_code,
)
from tests.support.auth_fixtures import AuthApi


@pytest.fixture
def clock(register: EmbeddedRegister) -> HandClock:
    """Auth's clock, a minute behind the wall (tokens it signs must not look future-dated)."""
    hand = HandClock(datetime.now(UTC) - timedelta(seconds=90))
    register.auth.state.clock = hand
    return hand


@pytest.fixture
def editor(client: TestClient, auth_api: AuthApi, clock: HandClock) -> Enrolled:
    """An enrolled editor of Senegal (enrolled at the clock's time)."""
    person = invite_and_enrol(
        client,
        auth_api,
        org="SEN",
        org_type="member_state",
        role="editor",
        email="ed@x.sn",
        at=clock.now,
    )
    clock.advance(seconds=30)  # the enrolment's code step is spent
    return person


def _errors(page_html: str) -> list[str]:
    return re.findall(r'<li><a href="#([a-z_]+)">', page_html)


def test_a_person_signs_in_and_the_registry_accepts_the_token(
    client: TestClient, auth_api: AuthApi, editor: Enrolled, clock: HandClock
) -> None:
    app = create_app(client, auth_api)
    code = sign_in_code(client, app["client_id"], editor, clock.now)
    response = exchange(client, app["client_id"], code)
    assert response.status_code == 200, response.text
    tokens = response.json()
    assert tokens["refresh_token"]
    assert tokens["expires_in"] <= 900
    claims = jwt.get_unverified_claims(tokens["access_token"])
    assert claims["sub"] == editor.person_id
    assert claims["sub_type"] == "person"
    assert claims["org"] == claims["country"] == "SEN"
    assert claims["scope"] == "manifests:write declarations:write register:read"
    listed = client.get("/registry/v1/manifests", headers=auth_api.headers(tokens["access_token"]))
    assert listed.status_code == 200, listed.text


def test_an_unknown_email_and_a_wrong_password_answer_alike(
    client: TestClient, auth_api: AuthApi, editor: Enrolled
) -> None:
    app = create_app(client, auth_api)
    unknown = password_step(client, app["client_id"], "nobody@x.sn", editor.password)
    wrong = password_step(client, app["client_id"], editor.email, "not the password at all")
    assert unknown.status_code == wrong.status_code == 422
    assert unknown.text.replace("nobody@x.sn", "") == wrong.text.replace(editor.email, "")
    assert _errors(unknown.text) == ["email"]


def test_a_used_authenticator_code_is_not_accepted_again(
    client: TestClient, auth_api: AuthApi, editor: Enrolled, clock: HandClock
) -> None:
    app = create_app(client, auth_api)
    code_now = pyotp.TOTP(editor.totp_key).at(clock.now)
    first = password_step(client, app["client_id"], editor.email, editor.password)
    assert code_step(client, first.text, code=code_now).status_code == 303
    again = password_step(client, app["client_id"], editor.email, editor.password)
    replayed = code_step(client, again.text, code=code_now)
    assert replayed.status_code == 422
    assert _errors(replayed.text) == ["code"]


def test_a_recovery_code_signs_in_once(
    client: TestClient, auth_api: AuthApi, editor: Enrolled
) -> None:
    app = create_app(client, auth_api)
    recovery = editor.recovery_codes[0].upper().replace("-", " ")
    first = password_step(client, app["client_id"], editor.email, editor.password)
    assert code_step(client, first.text, recovery=recovery).status_code == 303
    again = password_step(client, app["client_id"], editor.email, editor.password)
    assert code_step(client, again.text, recovery=recovery).status_code == 422


def test_failed_sign_ins_lock_the_account_from_that_address_then_release(
    client: TestClient, auth_api: AuthApi, editor: Enrolled, clock: HandClock
) -> None:
    app = create_app(client, auth_api)
    for _ in range(5):
        assert (
            password_step(client, app["client_id"], editor.email, "wrong password x").status_code
            == 422
        )
    locked = password_step(client, app["client_id"], editor.email, editor.password)
    assert locked.status_code == 429
    assert "Retry-After" in locked.headers
    unknown = password_step(client, app["client_id"], "ghost@x.sn", "wrong password x")
    assert unknown.status_code == 422  # other accounts are not locked
    clock.advance(minutes=15)
    assert password_step(client, app["client_id"], editor.email, editor.password).status_code == 200
    events = client.get(
        "/auth/v1/audit", params={"event": "signin.locked"}, headers=auth_api.admin_headers()
    ).json()["items"]
    assert events
    assert events[0]["address"]


def test_a_wrong_verifier_is_refused(
    client: TestClient, auth_api: AuthApi, editor: Enrolled, clock: HandClock
) -> None:
    app = create_app(client, auth_api)
    code = sign_in_code(client, app["client_id"], editor, clock.now)
    response = exchange(client, app["client_id"], code, verifier="x" * 60)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"
    assert exchange(client, app["client_id"], code).status_code == 400  # one attempt per code


def test_the_plain_method_is_refused_back_to_the_app(client: TestClient, auth_api: AuthApi) -> None:
    app = create_app(client, auth_api)
    query = authorize_query(
        app["client_id"], code_challenge=VERIFIER, code_challenge_method="plain"
    )
    response = client.get("/auth/authorize", params=query, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith(REDIRECT + "?error=invalid_request")
    assert "state=st-123" in response.headers["location"]
    missing = authorize_query(app["client_id"], code_challenge=None, code_challenge_method=None)
    assert client.get("/auth/authorize", params=missing, follow_redirects=False).status_code == 303


def test_an_unregistered_redirect_uri_is_never_followed(
    client: TestClient, auth_api: AuthApi
) -> None:
    app = create_app(client, auth_api)
    for uri in ("https://evil.example/callback", REDIRECT + "/", REDIRECT + "?x=1"):
        query = authorize_query(app["client_id"], redirect_uri=uri)
        response = client.get("/auth/authorize", params=query, follow_redirects=False)
        assert response.status_code == 400
        assert "location" not in response.headers


def test_state_is_required(client: TestClient, auth_api: AuthApi) -> None:
    app = create_app(client, auth_api)
    query = authorize_query(app["client_id"], state=None)
    response = client.get("/auth/authorize", params=query, follow_redirects=False)
    assert response.status_code == 400
    assert "location" not in response.headers


def test_a_redirect_uri_other_than_the_requests_is_refused_at_the_token_endpoint(
    client: TestClient, auth_api: AuthApi, editor: Enrolled, clock: HandClock
) -> None:
    app = create_app(client, auth_api)
    code = sign_in_code(client, app["client_id"], editor, clock.now)
    response = exchange(
        client, app["client_id"], code, redirect_uri="https://console.example.org/other"
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_a_confidential_app_must_send_its_secret(
    client: TestClient, auth_api: AuthApi, editor: Enrolled, clock: HandClock
) -> None:
    app = create_app(client, auth_api, public=False)
    assert app["client_secret"]
    code = sign_in_code(client, app["client_id"], editor, clock.now)
    assert exchange(client, app["client_id"], code).status_code == 401
    clock.advance(seconds=30)
    code = sign_in_code(client, app["client_id"], editor, clock.now)
    accepted = exchange(client, app["client_id"], code, client_secret=app["client_secret"])
    assert accepted.status_code == 200, accepted.text


def test_a_sign_in_form_without_its_csrf_token_is_refused(
    client: TestClient, auth_api: AuthApi, editor: Enrolled
) -> None:
    app = create_app(client, auth_api)
    page = client.get("/auth/authorize", params=authorize_query(app["client_id"]))
    form = {**hidden_fields(html.unescape(page.text)), "email": editor.email}
    form["password"] = editor.password
    form["csrf_token"] = "forged-" + "a" * 30
    assert client.post("/auth/authorize", data=form).status_code == 403


def test_the_password_grant_and_implicit_flow_do_not_exist(
    client: TestClient, auth_api: AuthApi, editor: Enrolled
) -> None:
    app = create_app(client, auth_api)
    form = {"grant_type": "password", "username": editor.email, "password": editor.password}
    response = client.post("/auth/v1/token", data={**form, "client_id": app["client_id"]})
    assert response.json()["error"] == "unsupported_grant_type"
    query = authorize_query(app["client_id"], response_type="token")
    implicit = client.get("/auth/authorize", params=query, follow_redirects=False)
    assert "error=unsupported_response_type" in implicit.headers["location"]


def test_a_secretariat_analyst_signs_in_with_the_community_claim(
    client: TestClient, auth_api: AuthApi, clock: HandClock
) -> None:
    analyst = invite_and_enrol(
        client,
        auth_api,
        org="ECOWAS",
        org_type="secretariat",
        role="analyst",
        email="analyst@ecowas.test",
        at=clock.now,
    )
    clock.advance(seconds=30)
    app = create_app(client, auth_api)
    tokens = exchange(
        client, app["client_id"], sign_in_code(client, app["client_id"], analyst, clock.now)
    ).json()
    claims = jwt.get_unverified_claims(tokens["access_token"])
    assert (claims["org_type"], claims["community"], claims["scope"]) == (
        "secretariat",
        "ECOWAS",
        "register:read alerts:triage",  # an analyst triages alerts; a reader does not
    )
    assert "country" not in claims
    headers = auth_api.headers(tokens["access_token"])
    assert client.get("/registry/v1/alerts", headers=headers).status_code == 200
    assert client.get("/auth/v1/people", headers=headers).status_code == 403  # not an admin


def test_a_refused_password_keeps_the_email_typed(
    client: TestClient, auth_api: AuthApi, editor: Enrolled
) -> None:
    app = create_app(client, auth_api)
    wrong = password_step(client, app["client_id"], editor.email, "not the password at all")
    assert f'value="{editor.email}"' in wrong.text


@pytest.mark.parametrize(
    ("override", "french"),
    [
        ({"client_id": "no-such-app"}, "Application inconnue"),
        (
            {"redirect_uri": "https://elsewhere.example.org/cb"},
            "L&#39;URI de redirection ne fait pas partie",
        ),
        ({"state": None}, "Le paramètre state est obligatoire"),
    ],
)
def test_a_refused_request_is_explained_in_french(
    client: TestClient, auth_api: AuthApi, override: dict[str, str | None], french: str
) -> None:
    app = create_app(client, auth_api)
    query = {**authorize_query(app["client_id"], **override), "lang": "fr"}
    page = client.get("/auth/authorize", params=query)
    assert page.status_code == 400, page.text
    assert "La connexion ne peut pas continuer" in page.text
    assert french in page.text
