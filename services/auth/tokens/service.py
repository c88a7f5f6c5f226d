"""Issuing access tokens (OAuth2 client credentials, ES256 JWTs)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from jose import jwt
from sqlmodel import Session

from services.auth.actors import Actor
from services.auth.audit import service as audit
from services.auth.clients import repository as clients
from services.auth.clients import secrets
from services.auth.keys import service as keys
from services.auth.models import ApiClient, Organisation
from services.auth.organisations import repository as organisations
from services.auth.settings import AuthSettings
from services.auth.tokens.oauth import OAuthError, TokenRequest, invalid_client
from services.auth.tokens.ratelimit import FailureLimiter
from services.common.scopes import SCOPES
from services.common.security import canonical_es256


@dataclass(frozen=True)
class IssuedToken:
    """A signed access token and what it grants."""

    access_token: str
    expires_in: int
    scope: str


def check_rate_limit(*, limiter: FailureLimiter, client_id: str | None, actor: Actor) -> None:
    """Refuse (429) a client id from an address, or an address, that failed too often lately.

    Runs before the secret is checked, so guessing stops behind the limit; failures of a
    client id from other addresses never count here (client ids are not secret).
    """
    wait = limiter.retry_after(client_id=client_id, address=actor.address)
    if wait is not None:
        raise OAuthError(
            "rate_limited",
            f"Too many failed token requests; retry in {wait} s",
            status=429,
            headers={"Retry-After": str(wait)},
            client_id=client_id,
        )


@dataclass(frozen=True)
class CheckedSecret:
    """A client whose secret was right, and its new hash when the stored one is outdated."""

    client_id: str
    new_hash: str | None


def find_client(session: Session, client_id: str) -> ApiClient | None:
    """The client a token request names (read before its secret is checked)."""
    return clients.get(session, client_id)


def check_secret(
    *, settings: AuthSettings, client: ApiClient | None, request: TokenRequest
) -> CheckedSecret:
    """Verify the secret (argon2id: slow on purpose, so run outside any database lock).

    Unknown clients cost the same verification as known ones. Raises ``invalid_client``.
    """
    stored = client.secret_hash if client is not None else None
    if not secrets.verify_secret(settings, stored, request.client_secret) or client is None:
        raise invalid_client("Unknown client or wrong secret", request.client_id)
    new_hash = None
    if secrets.needs_rehash(settings, client.secret_hash):
        new_hash = secrets.hash_secret(settings, request.client_secret)
    return CheckedSecret(client_id=client.client_id, new_hash=new_hash)


def busy(client_id: str | None) -> OAuthError:
    """The refusal for an address with too many secret checks already waiting."""
    return OAuthError(
        "rate_limited",
        "Too many token requests from this address are waiting; retry in a second",
        status=429,
        headers={"Retry-After": "1"},
        client_id=client_id,
    )


def _granted_scopes(client: ApiClient, requested: str | None) -> list[str]:
    allowed = client.scope_set
    wanted = set(requested.split()) if requested else set(allowed)
    unknown = sorted(wanted - set(SCOPES))
    if unknown:
        raise OAuthError(
            "invalid_scope", f"Unknown scope: {' '.join(unknown)}", client_id=client.client_id
        )
    beyond = sorted(wanted - allowed)
    if beyond:
        raise OAuthError(
            "invalid_scope",
            f"This client may not request: {' '.join(beyond)}",
            client_id=client.client_id,
        )
    return [s for s in SCOPES if s in wanted]


def _claims(
    *,
    settings: AuthSettings,
    client: ApiClient,
    org: Organisation,
    scopes: list[str],
    now: datetime,
) -> dict[str, object]:
    issued = int(now.timestamp())
    claims: dict[str, object] = {
        "iss": settings.token_issuer,
        "aud": settings.token_audience,
        "sub": client.client_id,
        "org": org.code,
        "org_type": org.type,
        "scope": " ".join(scopes),
        "iat": issued,
        "nbf": issued,
        "exp": issued + settings.token_lifetime_seconds,
        "jti": uuid.uuid4().hex,
    }
    if org.type == "member_state":
        claims["country"] = org.code
    elif org.type == "secretariat":
        claims["community"] = org.code
    return claims


def issue_token(
    *,
    session: Session,
    settings: AuthSettings,
    checked: CheckedSecret,
    requested_scope: str | None,
    actor: Actor,
    now: datetime,
) -> IssuedToken:
    """Check the client is still enabled and the scope allowed, sign a token, record it.

    ``checked`` comes from :func:`check_secret`; the client is read again in this
    (write) transaction, so one disabled meanwhile gets no token. Raises
    :class:`OAuthError` for any refusal (the caller records it with :func:`refuse`).
    """
    client = clients.get(session, checked.client_id)
    if client is None or not client.enabled:
        raise invalid_client("This client is disabled", checked.client_id)
    if checked.new_hash is not None:
        client.secret_hash = checked.new_hash
    scopes = _granted_scopes(client, requested_scope)
    org = organisations.get(session, client.organisation)
    if org is None:
        raise invalid_client("This client's organisation is gone", checked.client_id)
    claims = _claims(settings=settings, client=client, org=org, scopes=scopes, now=now)
    key = keys.current_signing_key(session=session, settings=settings, now=now)
    # Verifiers accept only the low-S form of an ES256 signature (one string per token).
    token = canonical_es256(
        jwt.encode(claims, key.private_pem.decode(), algorithm="ES256", headers={"kid": key.kid})
    )
    audit.record(
        session=session,
        actor=Actor(client.client_id, org.code, actor.address, actor.request_id),
        event="token.issued",
        subject=client.client_id,
        details={"scope": claims["scope"], "jti": claims["jti"], "kid": key.kid},
        now=now,
    )
    return IssuedToken(
        access_token=token, expires_in=settings.token_lifetime_seconds, scope=" ".join(scopes)
    )


def refuse(
    *,
    session: Session,
    limiter: FailureLimiter,
    error: OAuthError,
    actor: Actor,
    now: datetime,
) -> None:
    """Record a refused token request in the audit trail and count it against the limits."""
    if error.status != 429:
        limiter.record_failure(client_id=error.client_id, address=actor.address)
    audit.record(
        session=session,
        actor=Actor(error.client_id or "anonymous", None, actor.address, actor.request_id),
        event="token.refused",
        subject=error.client_id,
        details={"error": error.error, "reason": error.description},
        now=now,
    )
