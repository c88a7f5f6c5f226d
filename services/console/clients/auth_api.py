"""The console's calls to auth: the OAuth token endpoint and revocation."""

from __future__ import annotations

from typing import Any

from services.console.clients.auth_people_api import AuthAdminApi
from services.console.clients.base import ApiError


class AuthApi(AuthAdminApi):
    """``/auth/v1/token`` and ``/auth/v1/revoke`` as the console's confidential app."""

    async def token(self, form: dict[str, str], client_id: str, secret: str) -> dict[str, Any]:
        """A token response (authorization code or refresh grant)."""
        response = await self.request(
            "POST", "/auth/v1/token", None, data=form, auth=(client_id, secret)
        )
        body = response.json()
        if not isinstance(body, dict) or "access_token" not in body:
            raise ApiError("the token endpoint answered without a token")
        return body

    async def revoke(self, refresh_token: str, client_id: str, secret: str) -> None:
        """End the person's session at auth (RFC 7009)."""
        form = {"token": refresh_token, "token_type_hint": "refresh_token"}
        await self.request("POST", "/auth/v1/revoke", None, data=form, auth=(client_id, secret))
