"""``GET /auth/v1/revocations.json`` (public, like the JWKS: verifiers fetch it without a token)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from services.auth.deps import SettingsDep
from services.auth.revocations import service
from services.common.database import SessionDep
from services.common.tables import utcnow

router = APIRouter(prefix="/auth/v1", tags=["keys"])

EXAMPLE: dict[str, Any] = {
    "generated_at": "2026-12-05T10:00:00Z",
    "refresh_seconds": 30,
    "revoked": [{"subject_sha256": "3f0a...", "issued_before": 1796464800}],
}


@router.get(
    "/revocations.json",
    summary="Subjects whose tokens issued before a time no longer count",
    responses={200: {"content": {"application/json": {"example": EXAMPLE}}}},
)
def revocations(session: SessionDep, settings: SettingsDep) -> JSONResponse:
    """Clients and people disabled within the token lifetime, by SHA-256 of their id.

    A verifier refuses a token whose ``sub`` hashes to a listed ``subject_sha256`` and
    whose ``iat`` is at or before ``issued_before``. Verifiers refresh it every
    ``refresh_seconds``, so a disabled subject's access ends within about a minute.
    """
    document = service.revocation_list(session=session, settings=settings, now=utcnow())
    return JSONResponse(document, headers={"Cache-Control": "public, max-age=15"})
