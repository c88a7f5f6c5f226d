"""Which key signs, key rotation, and the published JWKS.

The newest unretired key signs. Rotation adds a key and retires the others:
they stop signing at once but stay in the JWKS for a token lifetime plus a
grace period, so every token they signed keeps verifying until it expires.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from services.auth.actors import Actor
from services.auth.audit import service as audit
from services.auth.keys import keystore, repository
from services.auth.models import SigningKey
from services.auth.settings import AuthSettings
from services.common.errors import Conflict, ServiceUnavailable

# Beyond the token lifetime: covers verifier clock leeway (30 s) with margin.
PUBLISH_GRACE = timedelta(seconds=120)


@dataclass(frozen=True)
class ActiveKey:
    """The signing key: its id and private PEM."""

    kid: str
    private_pem: bytes


def _publish_window(settings: AuthSettings) -> timedelta:
    return timedelta(seconds=settings.token_lifetime_seconds) + PUBLISH_GRACE


def _unavailable(detail: str) -> ServiceUnavailable:
    return ServiceUnavailable(detail, code="signing_key_unavailable")


def _new_generated_key(*, session: Session, settings: AuthSettings, now: datetime) -> SigningKey:
    pem = keystore.generate_private_pem()
    jwk = keystore.public_jwk(pem)
    keystore.write_private_pem(settings.resolved_keys_dir(), jwk["kid"], pem)
    key = SigningKey(kid=jwk["kid"], public_jwk=jwk, source="generated", created_at=now)
    session.add(key)
    session.flush()
    return key


def _configured_key(*, session: Session, settings: AuthSettings, now: datetime) -> ActiveKey:
    assert settings.signing_key_file is not None
    pem = keystore.read_private_pem(settings.signing_key_file)
    if pem is None:
        raise _unavailable(
            f"The configured signing key file {settings.signing_key_file} is missing"
        )
    try:
        jwk = keystore.public_jwk(pem)
    except ValueError as exc:
        raise _unavailable(f"The configured signing key file is unusable: {exc}") from exc
    row = repository.get(session, jwk["kid"])
    if row is None:
        session.add(SigningKey(kid=jwk["kid"], public_jwk=jwk, source="file", created_at=now))
        session.flush()
    elif row.retired_at is not None:
        row.retired_at = None
    repository.retire_others(session, keep=jwk["kid"], now=now)
    return ActiveKey(kid=jwk["kid"], private_pem=pem)


def current_signing_key(*, session: Session, settings: AuthSettings, now: datetime) -> ActiveKey:
    """The key that signs now; the first one is generated on first use."""
    if settings.signing_key_file is not None:
        return _configured_key(session=session, settings=settings, now=now)
    row = repository.newest_unretired(session)
    if row is None:
        row = _new_generated_key(session=session, settings=settings, now=now)
    pem = keystore.read_private_pem(keystore.key_path(settings.resolved_keys_dir(), row.kid))
    if pem is None:
        raise _unavailable(
            f"The private key {row.kid} is missing from {settings.resolved_keys_dir()};"
            " run `regctl keys rotate` to start signing with a new key"
        )
    return ActiveKey(kid=row.kid, private_pem=pem)


def rotate_signing_key(
    *, session: Session, settings: AuthSettings, now: datetime, actor: Actor
) -> SigningKey:
    """Make a new key the signing key; older ones stay published until their tokens expired.

    Also deletes the private files of keys whose tokens can no longer be valid.
    """
    if settings.signing_key_file is not None:
        raise Conflict(
            "The signing key comes from AUTH_SIGNING_KEY_FILE: replace that file to rotate",
            code="signing_key_configured",
        )
    key = _new_generated_key(session=session, settings=settings, now=now)
    repository.retire_others(session, keep=key.kid, now=now)
    for old in repository.retired_before(session, now - _publish_window(settings)):
        keystore.remove_private_pem(settings.resolved_keys_dir(), old.kid)
    audit.record(session=session, actor=actor, event="key.rotated", subject=key.kid, now=now)
    return key


def jwks(*, session: Session, settings: AuthSettings, now: datetime) -> dict[str, Any]:
    """The JWKS document: the signing key and the retired keys whose tokens may still be valid."""
    keys = repository.published(session, retired_after=now - _publish_window(settings))
    return {"keys": [dict(k.public_jwk) for k in keys]}


def list_keys(*, session: Session) -> list[SigningKey]:
    """Every key the service has known, newest first."""
    return list(repository.all_keys(session))
