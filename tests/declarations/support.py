"""Test support: the declarations service on its own, with stand-ins for auth and registry.

Tokens are real ES256 JWTs signed by a test key whose JWKS a mock auth
service publishes (with community memberships); a mock registry knows a few
missions. So these tests exercise the service's real token verification and
HTTP calls without depending on the other services' progress.
"""

from __future__ import annotations

import base64
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from jose import jwt

_KEY = ec.generate_private_key(ec.SECP256R1())
_KID = "test-key-1"
_PEM = _KEY.private_bytes(
    serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
).decode()
KNOWN_MISSIONS = {"MINUSMA", "MINUSCA", "MONUSCO", "ECOMIB"}
COMMUNITIES = {
    "items": [
        {
            "code": "ECOWAS",
            "memberships": [
                {"country": "SEN", "joined": "1975-05-28", "left": None},
                {"country": "CIV", "joined": "1975-05-28", "left": None},
                {"country": "MLI", "joined": "1975-05-28", "left": "2025-01-29"},
            ],
        },
        {
            "code": "ECCAS",
            "memberships": [
                {"country": "COD", "joined": "1983-10-18", "left": None},
                {"country": "CAF", "joined": "1983-10-18", "left": None},
            ],
        },
    ]
}


def _b64url(number: int) -> str:
    return base64.urlsafe_b64encode(number.to_bytes(32, "big")).rstrip(b"=").decode()


def jwks() -> dict[str, Any]:
    """The JWKS of the test signing key."""
    numbers = _KEY.public_key().public_numbers()
    return {
        "keys": [
            {
                "kty": "EC",
                "crv": "P-256",
                "kid": _KID,
                "alg": "ES256",
                "use": "sig",
                "x": _b64url(numbers.x),
                "y": _b64url(numbers.y),
            }
        ]
    }


def token(
    org_type: str,
    *,
    country: str | None = None,
    community: str | None = None,
    scopes: str = "declarations:write register:read",
    org: str | None = None,
) -> str:
    """A signed access token as the auth service would issue it."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": "salw-register-auth",
        "aud": "salw-register",
        "sub": f"client-{uuid.uuid4().hex[:8]}",
        "org": org or country or community or "OPERATOR",
        "org_type": org_type,
        "scope": scopes,
        "iat": now,
        "exp": now + 900,
        "jti": uuid.uuid4().hex,
    }
    if country:
        claims["country"] = country
    if community:
        claims["community"] = community
    return str(jwt.encode(claims, _PEM, algorithm="ES256", headers={"kid": _KID}))


def bearer(value: str) -> dict[str, str]:
    """Authorization header for a token."""
    return {"Authorization": f"Bearer {value}"}


def state(country: str, scopes: str = "declarations:write register:read") -> dict[str, str]:
    """Headers of a member state's ministry."""
    return bearer(token("member_state", country=country, scopes=scopes))


def secretariat(community: str = "ECOWAS", scopes: str = "register:read") -> dict[str, str]:
    """Headers of a regional secretariat."""
    return bearer(token("secretariat", community=community, scopes=scopes))


def operator(scopes: str = "admin") -> dict[str, str]:
    """Headers of the operator."""
    return bearer(token("operator", scopes=scopes))


def _auth(request: httpx.Request) -> httpx.Response:
    if request.url.path == "/auth/v1/jwks.json":
        return httpx.Response(200, json=jwks())
    if request.url.path == "/auth/v1/communities":
        return httpx.Response(200, json=COMMUNITIES)
    return httpx.Response(404, json={"code": "not_found"})


def _registry(request: httpx.Request) -> httpx.Response:
    prefix = "/registry/v1/missions/"
    if not request.headers.get("authorization", "").startswith("Bearer "):
        return httpx.Response(401)
    code = request.url.path.removeprefix(prefix)
    if request.url.path.startswith(prefix) and code in KNOWN_MISSIONS:
        return httpx.Response(200, json={"code": code, "name": code})
    return httpx.Response(404, json={"code": "not_found"})


def auth_transport() -> httpx.MockTransport:
    """The stand-in auth service (JWKS and communities)."""
    return httpx.MockTransport(_auth)


def registry_transport() -> httpx.MockTransport:
    """The stand-in registry (missions)."""
    return httpx.MockTransport(_registry)


class MovableClock:
    """A clock tests can move forward (retention periods last decades)."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, *, years: int = 0, days: int = 0) -> None:
        self.offset += timedelta(days=365 * years + years // 4 + 1 + days)


Factory = Callable[..., dict[str, Any]]


def weapon(serial: str = "AK-123456", **overrides: Any) -> dict[str, Any]:
    """A weapon item."""
    item = {
        "kind": "weapon",
        "category": "assault_rifle",
        "manufacturer": "Izhmash",
        "model": "AKM",
        "calibre": "7.62x39",
        "serial_number": serial,
    }
    return {**item, **overrides}


def ammunition(lot: str = "LOT-77", quantity: int = 500) -> dict[str, Any]:
    """An ammunition item."""
    return {
        "kind": "ammunition",
        "calibre": "7,62 × 39 mm",
        "lot_number": lot,
        "quantity": quantity,
    }


def declaration(country: str = "SEN", **overrides: Any) -> dict[str, Any]:
    """A valid seizure declaration body."""
    body: dict[str, Any] = {
        "type": "seizure",
        "declaring_country": country,
        "mission": "MINUSMA",
        "event_date": (date.today() - timedelta(days=10)).isoformat(),
        "location": {"country": "MLI", "place": "Gao", "lat": 16.27, "lon": -0.04},
        "circumstances": "cache found during patrol",
        "presumed_user": "armed group",
        "items": [weapon(), ammunition()],
    }
    return {**body, **overrides}


def destruction(
    references: list[str], items: list[dict[str, Any]], country: str = "SEN", **overrides: Any
) -> dict[str, Any]:
    """A destruction declaration body."""
    return declaration(
        country,
        type="destruction",
        references=references,
        items=items,
        destruction={"method": "cutting", "place": "Bamako", "witnesses": ["UNMAS officer"]},
        circumstances=None,
        presumed_user=None,
        **overrides,
    )
