"""``POST /auth/v1/token`` (no bearer token: this is where tokens come from)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from services.auth.deps import ActorDep, SettingsDep
from services.auth.responses import NO_STORE
from services.auth.tokens import service
from services.auth.tokens.oauth import OAuthError, TokenRequestDep, error_response
from services.auth.tokens.ratelimit import FailureLimiter
from services.auth.tokens.schemas import TOKEN_ERRORS, TOKEN_REQUEST_BODY, TokenResponse
from services.common.database import SessionDep
from services.common.tables import utcnow

router = APIRouter(prefix="/auth/v1", tags=["tokens"])


@router.post(
    "/token",
    summary="Get an access token (OAuth2 client credentials)",
    response_model=TokenResponse,
    responses=TOKEN_ERRORS,
    openapi_extra=TOKEN_REQUEST_BODY,
)
def token(
    request: Request,
    token_request: TokenRequestDep,
    session: SessionDep,
    settings: SettingsDep,
    actor: ActorDep,
) -> JSONResponse:
    """Form body ``grant_type=client_credentials&client_id=..&client_secret=..[&scope=..]``
    or HTTP Basic; errors in the OAuth2 format ``{"error", "error_description"}``."""
    # A plain ``def``: argon2 verification and the queries block, so they run in the
    # threadpool; on the event loop they would stall every request of every service.
    limiter: FailureLimiter = request.app.state.token_limiter
    now = utcnow()
    try:
        if isinstance(token_request, OAuthError):
            raise token_request
        service.check_rate_limit(limiter=limiter, client_id=token_request.client_id, actor=actor)
        issued = service.issue_token(
            session=session, settings=settings, request=token_request, actor=actor, now=now
        )
    except OAuthError as error:
        # Answered, not raised: the refusal's audit entry must commit.
        service.refuse(session=session, limiter=limiter, error=error, actor=actor, now=now)
        return error_response(error)
    body = TokenResponse(
        access_token=issued.access_token, expires_in=issued.expires_in, scope=issued.scope
    )
    return JSONResponse(body.model_dump(), headers=NO_STORE)
