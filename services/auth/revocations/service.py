"""Revocations: which subjects' already-issued tokens no longer count.

Access tokens are verified offline (JWKS) and live up to the token lifetime
(at most 900 s). Disabling a client (or a person) stops new tokens at once;
this list ends the ones already issued: verifiers fetch it every
``REFRESH_SECONDS`` and refuse a token whose subject is listed with
``issued_before`` at or after the token's ``iat``. Only events younger than the
token lifetime are listed, since older tokens have expired anyway, so the list
stays small. Subjects appear as SHA-256 hex digests: the list is public, like
the JWKS, and says nothing about who was disabled.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any, Final

from sqlmodel import Session

from services.auth.audit import repository as audit
from services.auth.settings import AuthSettings

# Audit events after which a subject's earlier tokens are void.
# A person's role change and a reset of their authenticator void their earlier tokens
# too: the scopes changed, or the second factor may have been compromised.
REVOKING_EVENTS: Final = frozenset(
    {
        "client.disabled",
        "person.disabled",
        "person.signed_out",
        "person.role_changed",
        "person.mfa_reset",
    }
)
# How often verifiers refresh the list; access ends within about this long.
REFRESH_SECONDS: Final = 30


def subject_digest(subject: str) -> str:
    """How a subject appears in the list (verifiers hash a token's ``sub`` alike)."""
    return hashlib.sha256(subject.encode()).hexdigest()


def revocation_list(*, session: Session, settings: AuthSettings, now: datetime) -> dict[str, Any]:
    """The document served at ``GET /auth/v1/revocations.json``."""
    since = now - timedelta(seconds=settings.token_lifetime_seconds)
    latest = audit.latest_since(session, events=REVOKING_EVENTS, since=since)
    return {
        "generated_at": now.isoformat().replace("+00:00", "Z"),
        "refresh_seconds": REFRESH_SECONDS,
        "revoked": [
            {"subject_sha256": subject_digest(subject), "issued_before": int(at.timestamp())}
            for subject, at in latest
        ],
    }
