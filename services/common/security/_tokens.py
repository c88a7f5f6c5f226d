"""Bearer token verification against the auth service's JWKS.

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

Tokens of subjects the auth service has disabled since they were issued are
refused once the verifier's revocation list (``_revocations``, refreshed every
30 s) names them, remembered tokens included. Only the canonical, low-S form of
an ES256 signature is accepted (``_signatures``).

The JWKS is cached for a TTL, so a key the auth service stops publishing stops
being accepted once the TTL has passed. It is refetched on an unknown ``kid``
or an expired cache, but no more often than a floor allows, failed fetches
included: forged kids and an auth outage cost one fetch per floor, not one per
request. When a refetch fails the last keys fetched keep serving (an auth
outage must not refuse every valid token); an unknown ``kid`` is then a 503.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from jose import JWTError, jwt

from services.common.errors import ServiceUnavailable, Unauthorized
from services.common.security._revocations import RevocationList, subject_digest
from services.common.security._signatures import has_canonical_es256_signature

ALLOWED_ALGORITHMS = ("ES256",)
OrgType = Literal["member_state", "secretariat", "operator"]
SubjectType = Literal["person", "client"]
JsonFetcher = Callable[[str, str | None], Awaitable[dict[str, Any]]]
Clock = Callable[[], float]
# The auth service issues tokens for at most this long (ARCHITECTURE: expires_in <= 900 s).
MAX_TOKEN_LIFETIME_SECONDS = 900
# Verified tokens remembered per process (least recently used dropped first).
VERIFIED_TOKENS_CACHED = 4096
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
    # ``sub_type``: a person signed in, or an API client (tokens without the claim).
    subject_type: SubjectType = "client"
    # A person's role in their organisation (``editor``, ``analyst`` ...); None for clients.
    role: str | None = None

    def has_scope(self, scope: str) -> bool:
        """True when the token carries ``scope``."""
        return scope in self.scopes

    def submitted_by(self) -> dict[str, str]:
        """Who acts, as records name it: ``{"type", "id", "organisation"}``."""
        return {"type": self.subject_type, "id": self.client_id, "organisation": self.org}


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
        revocations_refresh_seconds: float = 30.0,
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
        # token -> (principal, exp, kid of the signing key, iat, digest of the subject)
        self._verified: OrderedDict[str, tuple[Principal, float, str, float, str]] = OrderedDict()
        self.revocations = RevocationList(
            fetch_json=fetch_json, refresh_seconds=revocations_refresh_seconds, clock=clock
        )
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
        await self.revocations.refresh_if_due()
        remembered = self._remembered(token)
        if remembered is not None:
            return remembered
        try:
            header = jwt.get_unverified_header(token)
        except JWTError as exc:
            raise Unauthorized("The bearer token is not a well-formed JWT") from exc
        if header.get("alg") not in ALLOWED_ALGORITHMS:
            raise Unauthorized(f"Token algorithm {header.get('alg')!r} is not accepted")
        if not has_canonical_es256_signature(token):
            raise Unauthorized(
                "The token's signature is not a canonical (64-byte, low-S) ES256 one"
            )
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
        issued_at, digest = float(claims["iat"]), subject_digest(principal.client_id)
        if self.revocations.revokes(subject_digest=digest, issued_at=issued_at):
            raise Unauthorized("The token was revoked: its client or person has been disabled")
        self._verified[token] = (principal, float(claims["exp"]), kid, issued_at, digest)
        if len(self._verified) > VERIFIED_TOKENS_CACHED:
            self._verified.popitem(last=False)
        return principal

    def _remembered(self, token: str) -> Principal | None:
        """The principal of a token verified before, while it has not expired and its
        key is still among the fresh keys; otherwise None (and it is forgotten).
        A remembered token whose subject was revoked since is refused (401)."""
        entry = self._verified.get(token)
        if entry is None:
            return None
        principal, expires_at, kid, issued_at, digest = entry
        if self.revocations.revokes(subject_digest=digest, issued_at=issued_at):
            del self._verified[token]
            raise Unauthorized("The token was revoked: its client or person has been disabled")
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
    subject_type = claims.get("sub_type", "client")
    if subject_type not in ("person", "client"):
        raise Unauthorized("The token's sub_type claim must be person or client")
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
        subject_type=subject_type,
        role=str(claims["role"]) if subject_type == "person" and claims.get("role") else None,
    )
