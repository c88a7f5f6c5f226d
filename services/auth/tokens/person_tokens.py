"""Access tokens for people: the client-token claims, with ``sub`` the person's id,
``sub_type`` ``person`` and ``scope`` from the person's role."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from jose import jwt
from sqlmodel import Session

from services.auth.keys import service as keys
from services.auth.models import Person
from services.auth.people.service import scopes_for
from services.auth.settings import AuthSettings
from services.common.security import canonical_es256


@dataclass(frozen=True)
class PersonAccessToken:
    """A signed access token of a person and what it grants."""

    access_token: str
    expires_in: int
    scope: str
    jti: str


def person_claims(
    *, settings: AuthSettings, person: Person, now: datetime, session_id: str | None
) -> dict[str, object]:
    """The claims of a person's token (the registry and declarations read them as a client's)."""
    issued = int(now.timestamp())
    claims: dict[str, object] = {
        "iss": settings.token_issuer,
        "aud": settings.token_audience,
        "sub": person.id,
        "sub_type": "person",
        "org": person.organisation,
        "org_type": person.org_type,
        "role": person.role,
        "scope": " ".join(scopes_for(person)),
        "iat": issued,
        "nbf": issued,
        "exp": issued + settings.token_lifetime_seconds,
        "jti": uuid.uuid4().hex,
    }
    if session_id is not None:
        claims["sid"] = session_id
    if person.org_type == "member_state":
        claims["country"] = person.organisation
    elif person.org_type == "secretariat":
        claims["community"] = person.organisation
    return claims


def sign_person_token(
    *,
    session: Session,
    settings: AuthSettings,
    person: Person,
    now: datetime,
    session_id: str | None = None,
) -> PersonAccessToken:
    """Sign a person's access token with the current key (ES256, at most 900 s)."""
    claims = person_claims(settings=settings, person=person, now=now, session_id=session_id)
    key = keys.current_signing_key(session=session, settings=settings, now=now)
    # Verifiers accept only the low-S form of an ES256 signature (one string per token).
    token = canonical_es256(
        jwt.encode(claims, key.private_pem.decode(), algorithm="ES256", headers={"kid": key.kid})
    )
    return PersonAccessToken(
        access_token=token,
        expires_in=settings.token_lifetime_seconds,
        scope=str(claims["scope"]),
        jti=str(claims["jti"]),
    )
