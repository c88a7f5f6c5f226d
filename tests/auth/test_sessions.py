"""Sessions: refresh tokens rotate, reuse ends the family, idle and absolute expiry,
revocation (RFC 7009), metadata (RFC 8414), signing out."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from services.auth.actors import Actor
from services.auth.tokens import person_grants as grants
from services.auth.tokens.oauth import OAuthError
from services.common.database import make_engine
from services.embedded import EmbeddedRegister, EmbeddedSettings
from tests.auth.people_support import (
    Enrolled,
    HandClock,
    create_app,
    exchange,
    invite_and_enrol,
    org_admin_headers,
    refresh,
    sign_in_code,
)
from tests.auth.test_concurrent_creates import _wait_until_a_session_waits_on_a_lock
from tests.support.auth_fixtures import AuthApi


@pytest.fixture
def clock(register: EmbeddedRegister) -> HandClock:
    hand = HandClock(datetime.now(UTC) - timedelta(seconds=90))
    register.auth.state.clock = hand
    return hand


@pytest.fixture
def editor(client: TestClient, auth_api: AuthApi, clock: HandClock) -> Enrolled:
    person = invite_and_enrol(
        client,
        auth_api,
        org="SEN",
        org_type="member_state",
        role="editor",
        email="ed@x.sn",
        at=clock.now,
    )
    clock.advance(seconds=30)
    return person


@pytest.fixture
def app_id(client: TestClient, auth_api: AuthApi) -> str:
    return str(create_app(client, auth_api)["client_id"])


def _signed_in(client: TestClient, app_id: str, person: Enrolled, clock: HandClock) -> Any:
    code = sign_in_code(client, app_id, person, clock.now)
    clock.advance(seconds=30)  # the next sign-in needs a fresh code step
    response = exchange(client, app_id, code)
    assert response.status_code == 200, response.text
    return response.json()


def test_refresh_tokens_rotate_and_a_reused_one_ends_the_family(
    client: TestClient, app_id: str, editor: Enrolled, clock: HandClock
) -> None:
    first = _signed_in(client, app_id, editor, clock)["refresh_token"]
    rotated = refresh(client, app_id, first)
    assert rotated.status_code == 200, rotated.text
    second = rotated.json()["refresh_token"]
    assert second != first
    reused = refresh(client, app_id, first)
    assert reused.status_code == 400
    assert reused.json()["error"] == "invalid_grant"
    assert refresh(client, app_id, second).status_code == 400  # the whole family is revoked


def test_a_session_ends_after_30_minutes_idle(
    client: TestClient, app_id: str, editor: Enrolled, clock: HandClock
) -> None:
    token = _signed_in(client, app_id, editor, clock)["refresh_token"]
    clock.advance(minutes=29)
    response = refresh(client, app_id, token)
    assert response.status_code == 200
    clock.advance(minutes=30, seconds=1)
    assert refresh(client, app_id, response.json()["refresh_token"]).status_code == 400


def test_a_session_ends_12_hours_after_sign_in_however_busy(
    client: TestClient, app_id: str, editor: Enrolled, clock: HandClock
) -> None:
    signed_in_at = clock.now
    token = _signed_in(client, app_id, editor, clock)["refresh_token"]
    while clock.now + timedelta(minutes=25) < signed_in_at + timedelta(hours=12):
        clock.advance(minutes=25)
        response = refresh(client, app_id, token)
        assert response.status_code == 200, clock.now - signed_in_at
        token = response.json()["refresh_token"]
    clock.now = signed_in_at + timedelta(hours=12)
    refused = refresh(client, app_id, token)
    assert refused.status_code == 400
    assert "expired" in refused.json()["error_description"]


def test_a_disabled_persons_refresh_token_is_refused(
    client: TestClient, auth_api: AuthApi, app_id: str, editor: Enrolled, clock: HandClock
) -> None:
    token = _signed_in(client, app_id, editor, clock)["refresh_token"]
    disabled = client.post(
        f"/auth/v1/people/{editor.person_id}/disable", headers=auth_api.admin_headers()
    )
    assert disabled.status_code == 200
    assert refresh(client, app_id, token).status_code == 400


def test_a_code_exchanged_twice_ends_the_session_it_started(
    client: TestClient, app_id: str, editor: Enrolled, clock: HandClock
) -> None:
    code = sign_in_code(client, app_id, editor, clock.now)
    tokens = exchange(client, app_id, code).json()
    assert exchange(client, app_id, code).status_code == 400
    assert refresh(client, app_id, tokens["refresh_token"]).status_code == 400


def test_revocation_ends_the_session(
    client: TestClient, app_id: str, editor: Enrolled, clock: HandClock
) -> None:
    token = _signed_in(client, app_id, editor, clock)["refresh_token"]
    form = {"token": token, "token_type_hint": "refresh_token", "client_id": app_id}
    assert client.post("/auth/v1/revoke", data=form).status_code == 200
    assert refresh(client, app_id, token).status_code == 400
    unknown = {"token": "never-issued", "client_id": app_id}
    assert client.post("/auth/v1/revoke", data=unknown).status_code == 200


def test_the_metadata_document_describes_the_code_flow(client: TestClient) -> None:
    document = client.get("/auth/.well-known/oauth-authorization-server").json()
    assert document["code_challenge_methods_supported"] == ["S256"]
    assert document["response_types_supported"] == ["code"]
    assert document["authorization_endpoint"].endswith("/auth/authorize")
    assert document["revocation_endpoint"].endswith("/auth/v1/revoke")
    assert "password" not in document["grant_types_supported"]


def test_a_person_sees_and_ends_their_own_sessions(
    client: TestClient, auth_api: AuthApi, app_id: str, editor: Enrolled, clock: HandClock
) -> None:
    first = _signed_in(client, app_id, editor, clock)
    second = _signed_in(client, app_id, editor, clock)
    headers = auth_api.headers(second["access_token"])
    listed = client.get("/auth/v1/sessions", headers=headers).json()
    assert len(listed) == 2
    ended = listed[-1]["id"]
    assert client.delete(f"/auth/v1/sessions/{ended}", headers=headers).status_code == 204
    assert refresh(client, app_id, first["refresh_token"]).status_code == 400
    assert refresh(client, app_id, second["refresh_token"]).status_code == 200
    assert client.get("/auth/v1/sessions", headers=auth_api.admin_headers()).status_code == 403


def test_an_admin_signs_their_own_people_out_everywhere_only(
    client: TestClient,
    auth_api: AuthApi,
    register_settings: EmbeddedSettings,
    app_id: str,
    editor: Enrolled,
    clock: HandClock,
) -> None:
    token = _signed_in(client, app_id, editor, clock)["refresh_token"]
    nigeria = org_admin_headers(client, auth_api, register_settings, "member_state", "NGA")
    path = f"/auth/v1/people/{editor.person_id}/sign-out"
    assert client.post(path, headers=nigeria).status_code == 404
    assert refresh(client, app_id, token).status_code == 200  # untouched by Nigeria
    senegal = org_admin_headers(client, auth_api, register_settings, "member_state", "SEN")
    signed_out = client.post(path, headers=senegal)
    assert signed_out.status_code == 200
    assert signed_out.json()["sessions_ended"] == 1


def test_two_refreshes_racing_with_one_token_do_not_both_rotate(
    client: TestClient,
    app_id: str,
    editor: Enrolled,
    clock: HandClock,
    register_settings: EmbeddedSettings,
) -> None:
    engine = make_engine(register_settings.auth.resolved_database_url())
    if engine.dialect.name != "postgresql":
        engine.dispose()
        pytest.skip("SQLite takes one writer at a time: the race needs PostgreSQL")
    token = _signed_in(client, app_id, editor, clock)["refresh_token"]
    actor = Actor(actor="test")

    def attempt(session: Session) -> object:
        return grants.refresh(
            session=session,
            settings=register_settings.auth,
            app_id=app_id,
            fields={"refresh_token": token},
            actor=actor,
            now=clock.now,
        )

    outcomes: list[object] = []
    try:
        with Session(engine, expire_on_commit=False) as first:
            outcomes.append(attempt(first))  # holds the token's row lock until commit

            def second() -> None:
                with Session(engine, expire_on_commit=False) as other:
                    outcomes.append(attempt(other))
                    other.commit()

            racer = threading.Thread(target=second)
            racer.start()
            _wait_until_a_session_waits_on_a_lock(engine)
            first.commit()
            racer.join(timeout=30)
    finally:
        engine.dispose()
    winner, loser = outcomes
    assert isinstance(winner, grants.PersonTokens)
    assert isinstance(loser, OAuthError)
    assert loser.error == "invalid_grant"
    assert refresh(client, app_id, winner.refresh_token).status_code == 400  # family ended
