"""Token verification and tenancy, used by every service.

Tokens are ES256 JWTs from the auth service. The verifier accepts only ES256
(so ``alg=none`` and HS256-with-the-public-key tricks fail before any key is
touched), finds the key by ``kid`` in the JWKS it fetched over HTTP, refetches
on an unknown ``kid`` no more often than a floor allows, and checks ``iss``,
``aud``, ``exp``, ``iat`` and ``nbf``.

Tenancy: a member state reads its own country's records; a secretariat reads
the records of states that were members of its community at the record's date
(memberships come from ``GET /auth/v1/communities``, cached); the operator
reads nothing unless it holds ``register:read``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from jose import JWTError, jwt
from sqlalchemy import ColumnElement, and_, false, or_, true

from services.common.errors import Forbidden, ServiceUnavailable, Unauthorized

ALLOWED_ALGORITHMS = ("ES256",)
# ``index:write``: the declarations service's relay feeding the registry's weapon index.
SCOPES = ("manifests:write", "declarations:write", "register:read", "admin", "index:write")
OrgType = Literal["member_state", "secretariat", "operator"]
JsonFetcher = Callable[[str, str | None], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class Principal:
    """Who is calling, as the verified token says."""

    client_id: str
    org: str
    org_type: OrgType
    country: str | None
    community: str | None
    scopes: frozenset[str]
    token_id: str
    token: str = field(repr=False, default="")

    def has_scope(self, scope: str) -> bool:
        """True when the token carries ``scope``."""
        return scope in self.scopes


class TokenVerifier:
    """Verifies bearer tokens against the auth service's JWKS."""

    def __init__(
        self,
        *,
        fetch_json: JsonFetcher,
        issuer: str,
        audience: str,
        min_refetch_seconds: float = 10.0,
        leeway_seconds: int = 30,
    ) -> None:
        self._fetch_json = fetch_json
        self.issuer = issuer
        self.audience = audience
        self.min_refetch_seconds = min_refetch_seconds
        self.leeway_seconds = leeway_seconds
        self._keys: dict[str, dict[str, Any]] = {}
        self._fetched_at = float("-inf")
        self._lock = asyncio.Lock()

    async def _refresh(self) -> None:
        async with self._lock:
            if time.monotonic() - self._fetched_at < self.min_refetch_seconds:
                return
            try:
                document = await self._fetch_json("/auth/v1/jwks.json", None)
            except Exception as exc:  # any transport failure: fail closed, retry later
                if self._keys:
                    return
                raise ServiceUnavailable(
                    "Token keys could not be fetched from the auth service",
                    code="auth_unavailable",
                ) from exc
            self._keys = {
                str(k["kid"]): k
                for k in document.get("keys", [])
                if isinstance(k, dict) and "kid" in k
            }
            self._fetched_at = time.monotonic()

    async def _key_for(self, kid: str) -> dict[str, Any]:
        if kid not in self._keys:
            await self._refresh()
        key = self._keys.get(kid)
        if key is None:
            raise Unauthorized("The token was signed by a key the auth service does not publish")
        if key.get("kty") != "EC" or key.get("alg", "ES256") not in ALLOWED_ALGORITHMS:
            raise Unauthorized("The token's key is not an ES256 key")
        return key

    async def verify(self, token: str) -> Principal:
        """Verify ``token`` and return its principal; 401 on any defect."""
        try:
            header = jwt.get_unverified_header(token)
        except JWTError as exc:
            raise Unauthorized("The bearer token is not a well-formed JWT") from exc
        if header.get("alg") not in ALLOWED_ALGORITHMS:
            raise Unauthorized(f"Token algorithm {header.get('alg')!r} is not accepted")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise Unauthorized("The token has no key id (kid)")
        key = await self._key_for(kid)
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=list(ALLOWED_ALGORITHMS),
                audience=self.audience,
                issuer=self.issuer,
                options={
                    "require_exp": True,
                    "require_iat": True,
                    "require_iss": True,
                    "require_aud": True,
                    "require_sub": True,
                    "require_jti": True,
                    "leeway": self.leeway_seconds,
                },
            )
        except JWTError as exc:
            raise Unauthorized(f"The token was refused: {exc}") from exc
        return _principal_from_claims(claims, token)


def _principal_from_claims(claims: dict[str, Any], token: str) -> Principal:
    org_type = claims.get("org_type")
    if org_type not in ("member_state", "secretariat", "operator"):
        raise Unauthorized("The token has no valid org_type claim")
    scope = claims.get("scope", "")
    if not isinstance(scope, str):
        raise Unauthorized("The token's scope claim is not a string")
    country = claims.get("country")
    community = claims.get("community")
    if org_type == "member_state" and not isinstance(country, str):
        raise Unauthorized("A member-state token must carry its country")
    if org_type == "secretariat" and not isinstance(community, str):
        raise Unauthorized("A secretariat token must carry its community")
    return Principal(
        client_id=str(claims["sub"]),
        org=str(claims.get("org", "")),
        org_type=org_type,
        country=country if org_type == "member_state" else None,
        community=community if org_type == "secretariat" else None,
        scopes=frozenset(scope.split()),
        token_id=str(claims["jti"]),
        token=token,
    )


@dataclass(frozen=True)
class MembershipPeriod:
    """A state's membership of a community: from ``joined`` until before ``left`` (None: open)."""

    country: str
    joined: date
    left: date | None

    def covers(self, on: date) -> bool:
        """True when the state was a member on ``on``."""
        return self.joined <= on and (self.left is None or on < self.left)


class CommunityDirectory:
    """Community memberships from the auth service, cached for a while."""

    def __init__(self, *, fetch_json: JsonFetcher, ttl_seconds: float = 300.0) -> None:
        self._fetch_json = fetch_json
        self.ttl_seconds = ttl_seconds
        self._periods: dict[str, list[MembershipPeriod]] = {}
        self._fetched_at = float("-inf")
        self._lock = asyncio.Lock()

    def invalidate(self) -> None:
        """Forget the cache (after an edit, or in tests)."""
        self._fetched_at = float("-inf")

    async def periods(self, community: str, token: str) -> list[MembershipPeriod]:
        """Membership periods of ``community``; fetched with the caller's own token."""
        if time.monotonic() - self._fetched_at >= self.ttl_seconds:
            async with self._lock:
                if time.monotonic() - self._fetched_at >= self.ttl_seconds:
                    await self._load(token)
        return self._periods.get(community, [])

    async def _load(self, token: str) -> None:
        try:
            document = await self._fetch_json("/auth/v1/communities", token)
        except Exception as exc:
            if self._periods:
                return  # keep serving the last known memberships
            raise ServiceUnavailable(
                "Community memberships could not be fetched from the auth service",
                code="auth_unavailable",
            ) from exc
        periods: dict[str, list[MembershipPeriod]] = {}
        for community in document.get("items", []):
            periods[community["code"]] = [
                MembershipPeriod(
                    country=m["country"],
                    joined=date.fromisoformat(m["joined"]),
                    left=date.fromisoformat(m["left"]) if m.get("left") else None,
                )
                for m in community.get("memberships", [])
            ]
        self._periods = periods
        self._fetched_at = time.monotonic()


@dataclass(frozen=True)
class ReadScope:
    """Which records a caller may read: everything, nothing, or countries over periods."""

    everything: bool
    periods: Sequence[MembershipPeriod]

    def allows(self, country: str, on: date) -> bool:
        """May the caller read a record of ``country`` dated ``on``?"""
        if self.everything:
            return True
        return any(p.country == country and p.covers(on) for p in self.periods)

    def countries(self) -> set[str]:
        """Countries the caller may read at some date."""
        return {p.country for p in self.periods}

    def clause(self, country: ColumnElement[Any], on: ColumnElement[Any]) -> ColumnElement[bool]:
        """SQL filter for rows whose ``country`` and date ``on`` the caller may read."""
        if self.everything:
            return true()
        if not self.periods:
            return false()
        conditions = []
        for period in self.periods:
            condition = and_(country == period.country, on >= period.joined)
            if period.left is not None:
                condition = and_(condition, on < period.left)
            conditions.append(condition)
        return or_(*conditions)


FOREVER = date(1900, 1, 1)

_bearer = HTTPBearer(auto_error=False, description="ES256 JWT from POST /auth/v1/token")


async def authenticated(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """Router-level dependency: a valid bearer token is required (401 otherwise)."""
    cached = getattr(request.state, "principal", None)
    if isinstance(cached, Principal):
        return cached
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("Send a bearer token: Authorization: Bearer <token>")
    verifier: TokenVerifier = request.app.state.verifier
    principal = await verifier.verify(credentials.credentials)
    request.state.principal = principal
    return principal


PrincipalDep = Annotated[Principal, Depends(authenticated)]


def require_scope(scope: str) -> Callable[..., Awaitable[Principal]]:
    """Dependency factory: the caller's token must carry ``scope`` (403 otherwise)."""

    async def dependency(principal: PrincipalDep) -> Principal:
        if not principal.has_scope(scope):
            raise Forbidden(f"This needs the {scope!r} scope", code="insufficient_scope")
        return principal

    dependency.__name__ = f"require_{scope.replace(':', '_')}"
    return dependency


async def read_scope(request: Request, principal: PrincipalDep) -> ReadScope:
    """What register data the caller may read (needs ``register:read``)."""
    if not principal.has_scope("register:read"):
        raise Forbidden(
            "Reading the register needs the 'register:read' scope", code="insufficient_scope"
        )
    if principal.org_type == "operator":
        return ReadScope(everything=True, periods=())
    if principal.org_type == "member_state":
        assert principal.country is not None
        return ReadScope(
            everything=False,
            periods=(MembershipPeriod(country=principal.country, joined=FOREVER, left=None),),
        )
    assert principal.community is not None
    directory: CommunityDirectory = request.app.state.communities
    periods = await directory.periods(principal.community, principal.token)
    return ReadScope(everything=False, periods=tuple(periods))


ReadScopeDep = Annotated[ReadScope, Depends(read_scope)]


def require_own_country(principal: Principal, country: str) -> None:
    """Writes: a member state writes only for its own country (403 otherwise)."""
    if principal.org_type != "member_state" or principal.country != country:
        raise Forbidden(
            f"Only {country}'s own ministry may submit records for {country}",
            code="outside_tenancy",
        )
