"""Token endpoint documents."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field


class TokenResponse(BaseModel):
    """RFC 6749 section 5.1 access token response."""

    access_token: str
    token_type: Literal["Bearer"] = "Bearer"  # noqa: S105 (a token type, not a secret)
    expires_in: int = Field(description="Seconds until the token expires (at most 900).")
    scope: str = Field(description="Space-separated scopes the token carries.")
    refresh_token: str | None = Field(
        default=None,
        description="Browser apps' grants only: single use, the next one comes with the"
        " new access token.",
    )


class OAuthErrorBody(BaseModel):
    """RFC 6749 section 5.2 error response (this endpoint only; others use problem+json)."""

    error: str = Field(
        description="invalid_request, invalid_client, invalid_scope, unsupported_grant_type,"
        " or rate_limited (429, with Retry-After)."
    )
    error_description: str


TOKEN_REQUEST_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "required": ["grant_type"],
                    "properties": {
                        "grant_type": {
                            "type": "string",
                            "enum": ["client_credentials", "authorization_code", "refresh_token"],
                        },
                        "client_id": {"type": "string", "maxLength": 64},
                        "client_secret": {
                            "type": "string",
                            "maxLength": 256,
                            "description": "API clients and confidential browser apps"
                            " (public apps send none).",
                        },
                        "code": {"type": "string", "description": "authorization_code grant."},
                        "redirect_uri": {
                            "type": "string",
                            "description": "authorization_code grant: exactly the request's.",
                        },
                        "code_verifier": {
                            "type": "string",
                            "description": "authorization_code grant: the PKCE verifier (S256).",
                        },
                        "refresh_token": {
                            "type": "string",
                            "description": "refresh_token grant; rotates on every use.",
                        },
                        "scope": {
                            "type": "string",
                            "description": "Space-separated subset of the client's scopes"
                            " (default: all of them).",
                        },
                    },
                }
            }
        },
    }
}

TOKEN_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": OAuthErrorBody, "description": description}
    for status, description in (
        (400, "invalid_request, invalid_scope, invalid_grant or unsupported_grant_type"),
        (401, "invalid_client (unknown, wrong secret or disabled)"),
        (429, "too many failed requests from this address, for this client id or in all"),
    )
}
