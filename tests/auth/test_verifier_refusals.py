"""Every service refuses forged, altered, expired or misaddressed tokens (401).

Each case is sent to an auth route (its verifier reads the JWKS locally) and to
a registry route (its verifier fetches the JWKS from the auth service over HTTP).
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from jose import jwt

from services.common.security import canonical_es256
from services.embedded import EmbeddedSettings
from tests.auth import forge
from tests.support.auth_fixtures import AuthApi

ROUTES = ("/auth/v1/communities", "/registry/v1/missions")
Forger = Callable[[str, str, bytes, dict[str, str]], str]


def _public_pem_bytes(client: TestClient, kid: str) -> bytes:
    from jose import jwk

    document = client.get("/auth/v1/jwks.json").json()
    key = next(k for k in document["keys"] if k["kid"] == kid)
    return jwk.construct(key, "ES256").to_pem()


@pytest.fixture
def real_token(auth_api: AuthApi) -> str:
    return auth_api.token(*auth_api.create_member_state("SEN"))


def _kid(token: str) -> str:
    return str(jwt.get_unverified_header(token)["kid"])


@pytest.mark.parametrize("route", ROUTES)
def test_a_real_token_is_accepted(client: TestClient, real_token: str, route: str) -> None:
    response = client.get(route, headers=AuthApi.headers(real_token))
    assert response.status_code == 200, response.text


CASES: dict[str, Callable[[TestClient, EmbeddedSettings, str], str]] = {
    "alg_none": lambda c, s, t: forge.unsigned(_kid(t), forge.claims()),
    "hs256_keyed_with_public_key": lambda c, s, t: forge.hs256_with(
        _public_pem_bytes(c, _kid(t)), _kid(t), forge.claims()
    ),
    "tampered_payload": lambda c, s, t: forge.with_payload(
        t, {**jwt.get_unverified_claims(t), "country": "CIV", "org": "CIV"}
    ),
    "bad_signature": lambda c, s, t: t[:-6] + ("AAAAAA" if not t.endswith("AAAAAA") else "BBBBBB"),
    "signed_by_another_key_under_a_known_kid": lambda c, s, t: forge.sign_es256(
        forge.other_key(), _kid(t), forge.claims()
    ),
    "expired": lambda c, s, t: forge.sign_es256(
        forge.service_key(s.auth, _kid(t)),
        _kid(t),
        forge.claims(
            iat=int(time.time()) - 2000, nbf=int(time.time()) - 2000, exp=int(time.time()) - 1000
        ),
    ),
    "not_yet_valid": lambda c, s, t: forge.sign_es256(
        forge.service_key(s.auth, _kid(t)),
        _kid(t),
        forge.claims(nbf=int(time.time()) + 600, exp=int(time.time()) + 900),
    ),
    "wrong_audience": lambda c, s, t: forge.sign_es256(
        forge.service_key(s.auth, _kid(t)), _kid(t), forge.claims(aud="another-register")
    ),
    "wrong_issuer": lambda c, s, t: forge.sign_es256(
        forge.service_key(s.auth, _kid(t)), _kid(t), forge.claims(iss="https://evil.example")
    ),
    "unknown_kid": lambda c, s, t: forge.sign_es256(
        forge.other_key(), "not-a-published-kid", forge.claims()
    ),
    "no_kid": lambda c, s, t: canonical_es256(
        jwt.encode(forge.claims(), forge.service_key(s.auth, _kid(t)).decode(), algorithm="ES256")
    ),
    "missing_jti": lambda c, s, t: forge.sign_es256(
        forge.service_key(s.auth, _kid(t)), _kid(t), forge.claims(jti=None)
    ),
    "garbage": lambda c, s, t: "not.a.jwt",
}


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("case", sorted(CASES))
def test_forged_or_invalid_token_is_refused(
    client: TestClient,
    register_settings: EmbeddedSettings,
    real_token: str,
    case: str,
    route: str,
) -> None:
    token = CASES[case](client, register_settings, real_token)
    response = client.get(route, headers=AuthApi.headers(token))
    assert response.status_code == 401, (case, response.text)
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "invalid_token"


@pytest.mark.parametrize("route", ROUTES)
def test_no_token_is_refused(client: TestClient, auth_api: AuthApi, route: str) -> None:
    response = client.get(route)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
