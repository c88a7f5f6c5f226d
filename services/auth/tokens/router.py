"""``POST /auth/v1/token`` (no bearer token: this is where tokens come from)."""

from __future__ import annotations

from functools import partial

import anyio.to_thread
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import Engine

from services.auth.deps import ActorDep, SettingsDep
from services.auth.responses import NO_STORE
from services.auth.tokens import service
from services.auth.tokens.browser_apps import person_grant
from services.auth.tokens.check_gate import CheckGate, GateFull
from services.auth.tokens.oauth import (
    OAuthError,
    PersonGrantRequest,
    TokenRequestDep,
    error_response,
)
from services.auth.tokens.ratelimit import FailureLimiter
from services.auth.tokens.schemas import TOKEN_ERRORS, TOKEN_REQUEST_BODY, TokenResponse
from services.common.database import run_read_session, run_write_session
from services.common.tables import utcnow

router = APIRouter(prefix="/auth/v1", tags=["tokens"])


@router.post(
    "/token",
    summary="Get an access token (client credentials; authorization code with PKCE; refresh)",
    response_model=TokenResponse,
    responses=TOKEN_ERRORS,
    openapi_extra=TOKEN_REQUEST_BODY,
)
async def token(
    request: Request,
    token_request: TokenRequestDep,
    settings: SettingsDep,
    actor: ActorDep,
) -> JSONResponse:
    """Form body ``grant_type=client_credentials&client_id=..&client_secret=..[&scope=..]``
    or HTTP Basic; for browser apps ``grant_type=authorization_code`` (``code``,
    ``redirect_uri``, ``client_id``, ``code_verifier``, and the secret of a confidential
    app) and ``grant_type=refresh_token`` (``refresh_token``, ``client_id``; the refresh
    token rotates on every use). Errors in the OAuth2 format ``{"error",
    "error_description"}``."""
    # Three steps, so the slow one holds no lock: read the client; check its secret
    # (argon2id) in a worker thread, taking turns by address at the check gate; then
    # one short write transaction signs the token and records it.
    limiter: FailureLimiter = request.app.state.token_limiter
    gate: CheckGate = request.app.state.secret_check_gate
    engine: Engine = request.app.state.engine
    now = utcnow()
    if isinstance(token_request, PersonGrantRequest):
        return await person_grant(request, token_request, settings=settings, actor=actor)
    try:
        if isinstance(token_request, OAuthError):
            raise token_request
        service.check_rate_limit(limiter=limiter, client_id=token_request.client_id, actor=actor)
        client = await run_read_session(
            engine,
            partial(service.find_client, client_id=token_request.client_id),
            limiter=anyio.to_thread.current_default_thread_limiter(),
        )
        try:
            checked = await gate.run(
                actor.address,
                partial(
                    service.check_secret, settings=settings, client=client, request=token_request
                ),
            )
        except GateFull:
            raise service.busy(token_request.client_id) from None
        issued = await run_write_session(
            request,
            lambda session: service.issue_token(
                session=session,
                settings=settings,
                checked=checked,
                requested_scope=token_request.scope,
                actor=actor,
                now=now,
            ),
        )
    except OAuthError as error:
        # Answered, not raised: the refusal's audit entry must commit.
        refusal = error
        await run_write_session(
            request,
            lambda session: service.refuse(
                session=session, limiter=limiter, error=refusal, actor=actor, now=now
            ),
        )
        return error_response(refusal)
    body = TokenResponse(
        access_token=issued.access_token, expires_in=issued.expires_in, scope=issued.scope
    )
    return JSONResponse(body.model_dump(exclude_none=True), headers=NO_STORE)
