"""Key rotation: new tokens use the new key; old tokens keep working until they expire."""

from __future__ import annotations

import stat
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from jose import jwt
from sqlmodel import Session

from services.auth.actors import COMMAND_LINE
from services.auth.app import create_app
from services.auth.keys import keystore
from services.auth.keys import service as keys
from services.auth.settings import AuthSettings
from services.cli.main import main as regctl
from services.common.database import make_engine
from services.common.tables import utcnow
from services.embedded import EmbeddedRegister, EmbeddedSettings
from tests.support.auth_fixtures import AuthApi
from tests.support.responses import assert_status


@pytest.fixture
def regctl_env(monkeypatch: pytest.MonkeyPatch, register_settings: EmbeddedSettings) -> None:
    monkeypatch.setenv("AUTH_DATABASE_URL", register_settings.auth.resolved_database_url())
    monkeypatch.setenv("AUTH_VAR_DIR", str(register_settings.auth.var_dir))


def _kid(token: str) -> str:
    return str(jwt.get_unverified_header(token)["kid"])


def test_rotation_keeps_old_tokens_valid_and_signs_new_ones_with_the_new_key(
    client: TestClient,
    register: EmbeddedRegister,
    auth_api: AuthApi,
    regctl_env: None,
) -> None:
    credentials = auth_api.create_member_state("SEN")
    old_token = auth_api.token(*credentials)
    assert (
        client.get("/registry/v1/missions", headers=auth_api.headers(old_token)).status_code == 200
    )

    assert regctl(["keys", "rotate"]) == 0
    # A verifier refetches on an unknown kid; its floor would delay that in this fast test.
    register.registry.state.verifier.min_refetch_seconds = 0

    new_token = auth_api.token(*credentials)
    assert _kid(new_token) != _kid(old_token)
    published = {k["kid"] for k in client.get("/auth/v1/jwks.json").json()["keys"]}
    assert {_kid(old_token), _kid(new_token)} <= published
    for token in (old_token, new_token):
        for route in ("/registry/v1/missions", "/auth/v1/communities"):
            assert client.get(route, headers=auth_api.headers(token)).status_code == 200
    audit = client.get("/auth/v1/audit?event=key.rotated", headers=auth_api.admin_headers())
    assert [(e["actor"], e["subject"]) for e in audit.json()["items"]] == [
        ("regctl", _kid(new_token))
    ]


def test_retired_key_leaves_the_jwks_once_its_tokens_expired(
    register_settings: EmbeddedSettings, auth_api: AuthApi
) -> None:
    settings = register_settings.auth
    engine = make_engine(settings.resolved_database_url())
    now = utcnow()
    with Session(engine) as session:
        old = keys.current_signing_key(session=session, settings=settings, now=now)
        new = keys.rotate_signing_key(
            session=session, settings=settings, now=now, actor=COMMAND_LINE
        )
        soon = {
            k["kid"]
            for k in keys.jwks(
                session=session, settings=settings, now=now + timedelta(seconds=899)
            )["keys"]
        }
        later = {
            k["kid"]
            for k in keys.jwks(session=session, settings=settings, now=now + timedelta(hours=1))[
                "keys"
            ]
        }
        session.rollback()
    engine.dispose()
    assert soon == {old.kid, new.kid}
    assert later == {new.kid}


def test_private_keys_are_files_only_the_owner_reads(
    register_settings: EmbeddedSettings, auth_api: AuthApi
) -> None:
    auth_api.admin_token()
    folder = register_settings.auth.resolved_keys_dir()
    files = list(folder.glob("*.pem"))
    assert files
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_configured_key_file_signs_and_cannot_be_rotated_by_command(
    register_settings: EmbeddedSettings, tmp_path: object
) -> None:
    from pathlib import Path

    pem = keystore.generate_private_pem()
    key_file = Path(str(tmp_path)) / "signing.pem"
    key_file.write_bytes(pem)
    settings = AuthSettings(
        database_url=register_settings.auth.resolved_database_url(),
        var_dir=register_settings.auth.var_dir,
        signing_key_file=key_file,
    )
    from services.auth.bootstrap import bootstrap

    engine = make_engine(settings.resolved_database_url())
    credentials = bootstrap(settings=settings, engine=engine)
    engine.dispose()
    assert credentials is not None
    with TestClient(create_app(settings)) as auth:
        form = {
            "grant_type": "client_credentials",
            "client_id": credentials.client_id,
            "client_secret": credentials.client_secret,
        }
        token = assert_status(auth.post("/auth/v1/token", data=form), 200)["access_token"]
        assert _kid(token) == keystore.public_jwk(pem)["kid"]
        assert (
            auth.get(
                "/auth/v1/communities", headers={"Authorization": f"Bearer {token}"}
            ).status_code
            == 200
        )
    assert not any(settings.resolved_keys_dir().glob("*.pem"))
