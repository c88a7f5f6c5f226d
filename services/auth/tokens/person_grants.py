"""The token endpoint's person grants, inside one write transaction each.

Each returns the tokens, or the refusal as an :class:`OAuthError` *returned* (not
raised) so that what the refusal changed commits: a replayed code or refresh token
ends its session even though the answer is an error.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from services.auth.actors import Actor
from services.auth.people import repository as people
from services.auth.people.secrets import digest
from services.auth.sessions import repository as codes
from services.auth.sessions import repository as sessions_repository
from services.auth.sessions import service as sessions
from services.auth.settings import AuthSettings
from services.auth.tokens.oauth import OAuthError
from services.auth.tokens.person_tokens import sign_person_token

VERIFIER = re.compile(r"^[A-Za-z0-9\-._~]{43,128}$")  # RFC 7636 section 4.1


@dataclass(frozen=True)
class PersonTokens:
    """What the token endpoint answers a browser app."""

    access_token: str
    expires_in: int
    scope: str
    refresh_token: str


def invalid_grant(description: str, client_id: str) -> OAuthError:
    """400 ``invalid_grant`` (RFC 6749 section 5.2)."""
    return OAuthError("invalid_grant", description, client_id=client_id)


def s256(verifier: str) -> str:
    """The PKCE S256 challenge of a verifier."""
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")


def exchange_code(
    *,
    session: Session,
    settings: AuthSettings,
    app_id: str,
    fields: dict[str, str],
    actor: Actor,
    now: datetime,
) -> PersonTokens | OAuthError:
    """Exchange an authorization code (once; checked against its app, redirect URI and
    PKCE verifier) for an access token and the first refresh token of a new session."""
    code = fields.get("code", "")
    row = codes.authorization_code(session, digest(code)) if 0 < len(code) <= 128 else None
    if row is None or row.app_id != app_id:
        return invalid_grant("The code is not valid", app_id)
    if row.used_at is not None:
        # A code presented twice was intercepted: the session it started ends too.
        first = sessions_repository.get(session, row.session_id) if row.session_id else None
        if first is not None:
            sessions.end(
                session=session, person_session=first, reason="code_reused", actor=actor, now=now
            )
        return invalid_grant("The code was already used", app_id)
    # One attempt per code, right or wrong; conditional, so two racing exchanges of one
    # code cannot both pass.
    used = codes.use_authorization_code(session, code_hash=row.code_hash, now=now)
    if not used:
        return invalid_grant("The code was already used", app_id)
    if row.expires_at <= now:
        return invalid_grant("The code has expired", app_id)
    if fields.get("redirect_uri") != row.redirect_uri:
        return invalid_grant("redirect_uri differs from the authorization request's", app_id)
    verifier = fields.get("code_verifier", "")
    if not VERIFIER.match(verifier) or not hmac.compare_digest(s256(verifier), row.code_challenge):
        return invalid_grant("code_verifier does not match the code_challenge", app_id)
    person = people.get(session, row.person_id)
    if person is None or not person.enabled or person.password_hash is None:
        return invalid_grant("This person may not sign in", app_id)
    started = sessions.start(
        session=session,
        person=person,
        app_id=app_id,
        signed_in_at=row.signed_in_at,
        actor=actor,
        now=now,
    )
    row.session_id = started.session.id
    token = sign_person_token(
        session=session, settings=settings, person=person, now=now, session_id=started.session.id
    )
    return PersonTokens(token.access_token, token.expires_in, token.scope, started.refresh_token)


def refresh(
    *,
    session: Session,
    settings: AuthSettings,
    app_id: str,
    fields: dict[str, str],
    actor: Actor,
    now: datetime,
) -> PersonTokens | OAuthError:
    """A new access token and the next refresh token; the one presented is used up.

    A refresh token presented again ends its whole session (family); so do idle and
    absolute expiry and a disabled person.
    """
    presented = fields.get("refresh_token", "")
    row = (
        sessions_repository.refresh_token(session, digest(presented))
        if 0 < len(presented) <= 128
        else None
    )
    person_session = sessions_repository.get(session, row.session_id) if row else None
    if row is None or person_session is None or person_session.app_id != app_id:
        return invalid_grant("The refresh token is not valid", app_id)
    if row.used_at is not None:
        sessions.end(
            session=session,
            person_session=person_session,
            reason="refresh_reused",
            actor=actor,
            now=now,
        )
        return invalid_grant("The refresh token was already used: the session is ended", app_id)
    if person_session.ended_at is not None:
        return invalid_grant("The session has ended", app_id)
    expired = sessions.expiry_reason(person_session, settings=settings, now=now)
    person = people.get(session, person_session.person_id)
    if person is None or not person.enabled or person.password_hash is None:
        expired = "disabled"
    if expired is not None:
        sessions.end(
            session=session, person_session=person_session, reason=expired, actor=actor, now=now
        )
        return invalid_grant(f"The session has ended ({expired})", app_id)
    assert person is not None
    rotation = sessions.rotate(session=session, person_session=person_session, used=row, now=now)
    if rotation is None:
        sessions.end(
            session=session,
            person_session=person_session,
            reason="refresh_reused",
            actor=actor,
            now=now,
        )
        return invalid_grant("The refresh token was already used: the session is ended", app_id)
    token = sign_person_token(
        session=session, settings=settings, person=person, now=now, session_id=person_session.id
    )
    return PersonTokens(token.access_token, token.expires_in, token.scope, rotation.refresh_token)
