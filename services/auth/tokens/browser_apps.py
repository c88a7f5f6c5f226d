"""``grant_type=authorization_code`` and ``refresh_token`` at ``POST /auth/v1/token``.

Like client credentials: a confidential app's secret is checked (argon2id) at the
gate, outside any database lock; the grant itself is one short write.
"""

from __future__ import annotations

from functools import partial

import anyio.to_thread
from fastapi import Request
from fastapi.responses import JSONResponse
from sqlalchemy import Engine

from services.auth.actors import Actor
from services.auth.apps import repository as apps
from services.auth.clients import secrets
from services.auth.clock import request_now
from services.auth.models import BrowserApp
from services.auth.responses import NO_STORE
from services.auth.settings import AuthSettings
from services.auth.tokens import person_grants as grants
from services.auth.tokens import service as client_tokens
from services.auth.tokens.check_gate import CheckGate, GateFull
from services.auth.tokens.oauth import (
    OAuthError,
    PersonGrantRequest,
    error_response,
    invalid_client,
)
from services.auth.tokens.ratelimit import FailureLimiter
from services.common.database import run_read_session, run_write_session


def _check_app(settings: AuthSettings, app: BrowserApp | None, grant: PersonGrantRequest) -> None:
    """A public app sends no secret; a confidential one its right secret (argon2id)."""
    if app is not None and app.public:
        if grant.client_secret is not None:
            raise invalid_client("A public app has no secret", grant.client_id)
        if not app.enabled:
            raise invalid_client("This app is disabled", grant.client_id)
        return
    if grant.client_secret is None:
        raise invalid_client("Client authentication is required", grant.client_id)
    stored = app.secret_hash if app is not None else None
    if not secrets.verify_secret(settings, stored, grant.client_secret) or app is None:
        raise invalid_client("Unknown client or wrong secret", grant.client_id)
    if not app.enabled:
        raise invalid_client("This app is disabled", grant.client_id)


async def authenticate_app(
    request: Request, grant: PersonGrantRequest, *, settings: AuthSettings, actor: Actor
) -> BrowserApp:
    """The app a request names, authenticated; raises ``invalid_client`` or ``rate_limited``."""
    engine: Engine = request.app.state.engine
    app = await run_read_session(
        engine,
        partial(apps.get, client_id=grant.client_id),
        limiter=anyio.to_thread.current_default_thread_limiter(),
    )
    gate: CheckGate = request.app.state.secret_check_gate
    try:
        await gate.run(actor.address, partial(_check_app, settings, app, grant))
    except GateFull:
        raise client_tokens.busy(grant.client_id) from None
    assert app is not None
    return app


async def person_grant(
    request: Request, grant: PersonGrantRequest, *, settings: AuthSettings, actor: Actor
) -> JSONResponse:
    """Answer an authorization-code or refresh-token request (OAuth2 errors on refusal)."""
    limiter: FailureLimiter = request.app.state.token_limiter
    now = request_now(request)
    exchange = grants.exchange_code if grant.grant_type == "authorization_code" else grants.refresh
    try:
        client_tokens.check_rate_limit(limiter=limiter, client_id=grant.client_id, actor=actor)
        app = await authenticate_app(request, grant, settings=settings, actor=actor)
        outcome = await run_write_session(
            request,
            lambda session: exchange(
                session=session,
                settings=settings,
                app_id=app.client_id,
                fields=grant.fields,
                actor=actor,
                now=now,
            ),
        )
        if isinstance(outcome, OAuthError):
            raise outcome
    except OAuthError as error:
        refusal = error
        await run_write_session(
            request,
            lambda session: client_tokens.refuse(
                session=session, limiter=limiter, error=refusal, actor=actor, now=now
            ),
        )
        return error_response(refusal)
    body = {
        "access_token": outcome.access_token,
        "token_type": "Bearer",
        "expires_in": outcome.expires_in,
        "scope": outcome.scope,
        "refresh_token": outcome.refresh_token,
    }
    return JSONResponse(body, headers=NO_STORE)
