"""Token verification and tenancy, used by every service.

Tokens are ES256 JWTs from the auth service. The verifier accepts only ES256
(so ``alg=none`` and HS256-with-the-public-key tricks fail before any key is
touched), finds the key by ``kid`` in the JWKS it fetched over HTTP, and checks
``iss``, ``aud``, ``exp``, ``iat`` and ``nbf``. It also refuses tokens issued in
the future or living longer than the auth service ever issues (900 s): a
leaked signing key must not mint long-lived tokens.

A verified token is remembered (up to VERIFIED_TOKENS_CACHED of them) until its
``exp``, as long as the key that signed it is still among the fresh keys: a caller
sending the same token a thousand times a second pays for one ES256 verification,
and a token whose key was withdrawn stops working when the key cache expires, as an
unremembered one would.

The JWKS is cached for a TTL, so a key the auth service stops publishing stops
being accepted once the TTL has passed. It is refetched on an unknown ``kid``
or an expired cache, but no more often than a floor allows, failed fetches
included: forged kids and an auth outage cost one fetch per floor, not one per
request. When a refetch fails the last keys fetched keep serving (an auth
outage must not refuse every valid token); an unknown ``kid`` is then a 503.

Tenancy: a member state reads its own country's records; a secretariat reads
the records of states that were members of its community at the record's date
(memberships come from ``GET /auth/v1/communities``, cached); the operator
reads nothing unless it holds ``register:read``.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from jose import JWTError, jwt
from sqlalchemy import ColumnElement, and_, false, or_, true

from services.common.errors import Forbidden, ServiceUnavailable, Unauthorized
from services.common.scopes import Scope

ALLOWED_ALGORITHMS = ("ES256",)
OrgType = Literal["member_state", "secretariat", "operator"]
JsonFetcher = Callable[[str, str | None], Awaitable[dict[str, Any]]]
Clock = Callable[[], float]
# The auth service issues tokens for at most this long (ARCHITECTURE: expires_in <= 900 s).
MAX_TOKEN_LIFETIME_SECONDS = 900
# Verified tokens remembered per process (least recently used dropped first).
VERIFIED_TOKENS_CACHED = 4096
# Page size when reading every community (the route's maximum).
COMMUNITIES_PAGE_LIMIT = 1000
logger = logging.getLogger("salw.security")


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
    """Verifies bearer tokens against the auth service's JWKS (cached for ``keys_ttl_seconds``)."""

    def __init__(
        self,
        *,
        fetch_json: JsonFetcher,
        issuer: str,
        audience: str,
        min_refetch_seconds: float = 10.0,
        keys_ttl_seconds: float = 300.0,
        leeway_seconds: int = 30,
        max_lifetime_seconds: int = MAX_TOKEN_LIFETIME_SECONDS,
        clock: Clock = time.monotonic,
        wall_clock: Clock = time.time,
    ) -> None:
        self._fetch_json = fetch_json
        self.issuer = issuer
        self.audience = audience
        self.min_refetch_seconds = min_refetch_seconds
        self.keys_ttl_seconds = keys_ttl_seconds
        self.leeway_seconds = leeway_seconds
        self.max_lifetime_seconds = max_lifetime_seconds
        self._clock = clock
        self._wall_clock = wall_clock
        # token -> (principal, exp, kid of the signing key)
        self._verified: OrderedDict[str, tuple[Principal, float, str]] = OrderedDict()
        self._keys: dict[str, dict[str, Any]] = {}
        self._fetched_at = float("-inf")  # last successful fetch: starts the TTL
        self._attempted_at = float("-inf")  # last fetch, failed or not: starts the floor
        self._last_fetch_failed = False
        self._lock = asyncio.Lock()

    def _fresh(self, now: float) -> bool:
        return now - self._fetched_at < self.keys_ttl_seconds

    async def _refresh(self, kid: str) -> None:
        async with self._lock:
            now = self._clock()
            if kid in self._keys and self._fresh(now):
                return  # refreshed by another request while this one waited
            if now - self._attempted_at < self.min_refetch_seconds:
                return
            self._attempted_at = now
            try:
                document = await self._fetch_json("/auth/v1/jwks.json", None)
                keys = {
                    str(k["kid"]): k
                    for k in document.get("keys", [])
                    if isinstance(k, dict) and "kid" in k
                }
            except Exception as exc:  # any transport or format failure: keep the last keys
                logger.warning("JWKS fetch from the auth service failed: %r", exc)
                self._last_fetch_failed = True
                return
            self._keys = keys
            self._fetched_at = now
            self._last_fetch_failed = False

    async def _key_for(self, kid: str) -> dict[str, Any]:
        if kid not in self._keys or not self._fresh(self._clock()):
            await self._refresh(kid)
        key = self._keys.get(kid)
        if key is None:
            if self._last_fetch_failed:
                # Fail closed, but say why: the key may be new and the auth service down.
                raise ServiceUnavailable(
                    "Token keys could not be fetched from the auth service",
                    code="auth_unavailable",
                )
            raise Unauthorized("The token was signed by a key the auth service does not publish")
        if key.get("kty") != "EC" or key.get("alg", "ES256") not in ALLOWED_ALGORITHMS:
            raise Unauthorized("The token's key is not an ES256 key")
        return key

    def _check_lifetime(self, claims: dict[str, Any]) -> None:
        # python-jose checks that iat is a number, not when it is: a correctly signed token
        # must still look like one the auth service issued (now, for at most 900 s).
        issued_at, expires_at = claims.get("iat"), claims.get("exp")
        if not isinstance(issued_at, int | float) or not isinstance(expires_at, int | float):
            raise Unauthorized("The token's iat and exp claims must be numbers")
        now = self._wall_clock()
        if expires_at + self.leeway_seconds <= now:  # python-jose checked it too, by time.time
            raise Unauthorized("The token has expired (exp)")
        if issued_at > now + self.leeway_seconds:
            raise Unauthorized("The token was issued in the future (iat)")
        if expires_at - issued_at > self.max_lifetime_seconds + self.leeway_seconds:
            raise Unauthorized(
                f"The token lives longer than {self.max_lifetime_seconds} s (exp - iat)"
            )

    async def verify(self, token: str) -> Principal:
        """Verify ``token`` and return its principal; 401 on any defect."""
        remembered = self._remembered(token)
        if remembered is not None:
            return remembered
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
        self._check_lifetime(claims)
        principal = _principal_from_claims(claims, token)
        self._verified[token] = (principal, float(claims["exp"]), kid)
        if len(self._verified) > VERIFIED_TOKENS_CACHED:
            self._verified.popitem(last=False)
        return principal

    def _remembered(self, token: str) -> Principal | None:
        """The principal of a token verified before, while it has not expired and its
        key is still among the fresh keys; otherwise None (and it is forgotten)."""
        entry = self._verified.get(token)
        if entry is None:
            return None
        principal, expires_at, kid = entry
        if self._wall_clock() < expires_at and kid in self._keys and self._fresh(self._clock()):
            self._verified.move_to_end(token)
            return principal
        del self._verified[token]
        return None


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

    async def _fetch_all(self, token: str) -> list[dict[str, Any]]:
        """Every community, following ``next_cursor`` page after page."""
        items: list[dict[str, Any]] = []
        cursor: str | None = None
        seen: set[str] = set()
        while True:
            query = {"limit": COMMUNITIES_PAGE_LIMIT, **({"cursor": cursor} if cursor else {})}
            document = await self._fetch_json(f"/auth/v1/communities?{urlencode(query)}", token)
            items.extend(document.get("items", []))
            cursor = document.get("next_cursor")
            if not cursor:
                return items
            if cursor in seen:  # a server bug must not loop forever
                raise ValueError("GET /auth/v1/communities repeated a cursor")
            seen.add(cursor)

    async def _load(self, token: str) -> None:
        try:
            communities = await self._fetch_all(token)
        except Exception as exc:
            if self._periods:
                return  # keep serving the last known memberships
            raise ServiceUnavailable(
                "Community memberships could not be fetched from the auth service",
                code="auth_unavailable",
            ) from exc
        periods: dict[str, list[MembershipPeriod]] = {}
        for community in communities:
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
        return _periods_clause(tuple(self.periods), country, on)


@functools.lru_cache(maxsize=512)
def _periods_clause(
    periods: tuple[MembershipPeriod, ...], country: ColumnElement[Any], on: ColumnElement[Any]
) -> ColumnElement[bool]:
    """``country IN (...) AND on >= joined [AND on < left]`` per distinct membership period.

    A community's states mostly share their dates (ECOWAS: 16 states, 4 periods), so
    grouping keeps the filter small; it is built once per caller community and column
    pair (expressions are immutable), not on every request of every list.
    """
    by_period: dict[tuple[date, date | None], list[str]] = {}
    for period in periods:
        by_period.setdefault((period.joined, period.left), []).append(period.country)
    conditions = []
    for (joined, left), countries in by_period.items():
        states = sorted(set(countries))
        member = country == states[0] if len(states) == 1 else country.in_(states)
        condition = and_(member, on >= joined)
        if left is not None:
            condition = and_(condition, on < left)
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


def require_scope(scope: Scope) -> Callable[..., Awaitable[Principal]]:
    """Dependency factory: the caller's token must carry ``scope`` (403 otherwise)."""

    async def dependency(principal: PrincipalDep) -> Principal:
        if not principal.has_scope(scope):
            raise Forbidden(f"This needs the '{scope}' scope", code="insufficient_scope")
        return principal

    dependency.__name__ = f"require_{scope.replace(':', '_')}"
    return dependency


async def read_scope(request: Request, principal: PrincipalDep) -> ReadScope:
    """What register data the caller may read (needs ``register:read``)."""
    if not principal.has_scope(Scope.REGISTER_READ):
        raise Forbidden(
            f"Reading the register needs the '{Scope.REGISTER_READ}' scope",
            code="insufficient_scope",
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
