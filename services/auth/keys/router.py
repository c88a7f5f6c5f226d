"""``GET /auth/v1/jwks.json`` (public: verifiers fetch it without a token)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from services.auth.deps import SettingsDep
from services.auth.keys import service
from services.common.database import SessionDep
from services.common.tables import utcnow

router = APIRouter(prefix="/auth/v1", tags=["keys"])

JWKS_EXAMPLE: dict[str, Any] = {
    "keys": [{"kty": "EC", "crv": "P-256", "x": "...", "y": "...", "kid": "...", "alg": "ES256"}]
}


@router.get(
    "/jwks.json",
    summary="Public token-signing keys (JWKS)",
    responses={200: {"content": {"application/json": {"example": JWKS_EXAMPLE}}}},
)
def jwks(session: SessionDep, settings: SettingsDep) -> JSONResponse:
    """The ES256 keys that sign tokens now or signed tokens that may still be valid.

    Verifiers cache this and refetch when a token names a ``kid`` they do not know.
    """
    document = service.jwks(session=session, settings=settings, now=utcnow())
    return JSONResponse(document, headers={"Cache-Control": "public, max-age=60"})
