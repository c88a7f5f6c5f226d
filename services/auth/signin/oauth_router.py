"""Revocation (RFC 7009) and authorization server metadata (RFC 8414); no bearer token."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from services.auth.clock import request_now
from services.auth.deps import ActorDep, SettingsDep
from services.auth.responses import NO_STORE
from services.auth.settings import AuthSettings
from services.auth.signin.revocation import revoke_refresh_token
from services.auth.tokens.browser_apps import authenticate_app
from services.auth.tokens.oauth import OAuthError, app_credentials, error_response, form_fields
from services.auth.tokens.schemas import OAuthErrorBody
from services.common.database import run_write_session

router = APIRouter(tags=["tokens"])

REVOKE_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "required": ["token", "client_id"],
                    "properties": {
                        "token": {"type": "string"},
                        "token_type_hint": {"type": "string", "enum": ["refresh_token"]},
                        "client_id": {"type": "string"},
                        "client_secret": {"type": "string", "description": "Confidential apps."},
                    },
                }
            }
        },
    }
}


def issuer(settings: AuthSettings) -> str:
    """The authorization server's issuer identifier (RFC 8414 section 2)."""
    return f"{settings.resolved_public_url()}/auth"


@router.post(
    "/auth/v1/revoke",
    summary="Revoke a refresh token (RFC 7009): its whole session ends",
    responses={
        400: {"model": OAuthErrorBody},
        401: {"model": OAuthErrorBody},
        429: {"model": OAuthErrorBody},
    },
    openapi_extra=REVOKE_BODY,
)
async def revoke(request: Request, settings: SettingsDep, actor: ActorDep) -> Response:
    """200 whatever the token (RFC 7009 section 2.2: an unknown token is no error).
    Access tokens are not revocable: they live at most 900 s."""
    try:
        fields = await form_fields(request)
        grant = app_credentials(
            "revoke",
            fields.get("client_id"),
            fields.get("client_secret"),
            request.headers.get("authorization"),
            fields,
        )
        app = await authenticate_app(request, grant, settings=settings, actor=actor)
    except OAuthError as error:
        return error_response(error)
    now = request_now(request)
    token = fields.get("token", "")
    await run_write_session(
        request,
        lambda session: revoke_refresh_token(
            session=session, app_id=app.client_id, token=token, actor=actor, now=now
        ),
    )
    return Response(status_code=200, headers=NO_STORE)


@router.get(
    "/auth/.well-known/oauth-authorization-server",
    summary="Authorization server metadata (RFC 8414)",
)
def metadata(settings: SettingsDep) -> JSONResponse:
    """Endpoints and what they support: code flow with S256 PKCE only."""
    base = settings.resolved_public_url()
    document = {
        "issuer": issuer(settings),
        "authorization_endpoint": f"{base}/auth/authorize",
        "token_endpoint": f"{base}/auth/v1/token",
        "revocation_endpoint": f"{base}/auth/v1/revoke",
        "jwks_uri": f"{base}/auth/v1/jwks.json",
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": [
            "client_secret_basic",
            "client_secret_post",
            "none",
        ],
        "revocation_endpoint_auth_methods_supported": [
            "client_secret_basic",
            "client_secret_post",
            "none",
        ],
        "scopes_supported": ["manifests:write", "declarations:write", "register:read", "admin"],
        "authorization_response_iss_parameter_supported": True,
        "ui_locales_supported": ["en", "fr"],
    }
    return JSONResponse(document, headers={"Cache-Control": "public, max-age=3600"})
