"""Hand-made JWTs for refusal tests: signed with the service's real key, another key, or none."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from pathlib import Path
from typing import Any

from jose import jwt

from services.auth.keys import keystore
from services.auth.settings import AuthSettings
from services.common.security import canonical_es256


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def claims(**overrides: Any) -> dict[str, Any]:
    """Valid member-state claims for SEN, changed by ``overrides`` (None removes a claim)."""
    now = int(time.time())
    base: dict[str, Any] = {
        "iss": "salw-register-auth",
        "aud": "salw-register",
        "sub": "sen-forged",
        "org": "SEN",
        "org_type": "member_state",
        "country": "SEN",
        "scope": "register:read",
        "iat": now,
        "nbf": now,
        "exp": now + 600,
        "jti": uuid.uuid4().hex,
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def service_key(settings: AuthSettings, kid: str) -> bytes:
    """The private PEM the service signs with under ``kid``."""
    return (settings.resolved_keys_dir() / f"{kid}.pem").read_bytes()


def sign_es256(pem: bytes, kid: str, payload: dict[str, Any]) -> str:
    """An ES256 JWS in the one form verifiers accept (low S), as the auth service signs."""
    token = jwt.encode(payload, pem.decode(), algorithm="ES256", headers={"kid": kid})
    return canonical_es256(token)


def unsigned(kid: str, payload: dict[str, Any], alg: str = "none") -> str:
    header = b64url(json.dumps({"alg": alg, "kid": kid, "typ": "JWT"}).encode())
    body = b64url(json.dumps(payload).encode())
    return f"{header}.{body}."


def hs256_with(secret: bytes, kid: str, payload: dict[str, Any]) -> str:
    """HS256 keyed with ``secret`` (the algorithm-confusion attack uses the public key)."""
    header = b64url(json.dumps({"alg": "HS256", "kid": kid, "typ": "JWT"}).encode())
    body = b64url(json.dumps(payload).encode())
    signing_input = f"{header}.{body}".encode()
    signature = hmac.new(secret, signing_input, hashlib.sha256).digest()
    return f"{header}.{body}.{b64url(signature)}"


def with_payload(token: str, payload: dict[str, Any]) -> str:
    """``token`` with its payload swapped and the original signature kept."""
    header, _, signature = token.split(".")
    return f"{header}.{b64url(json.dumps(payload).encode())}.{signature}"


def other_key() -> bytes:
    return keystore.generate_private_pem()


def key_files(settings: AuthSettings) -> list[Path]:
    return sorted(settings.resolved_keys_dir().glob("*.pem"))
