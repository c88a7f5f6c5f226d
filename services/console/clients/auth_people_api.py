"""The console's calls to auth's administration: people, organisations, sessions."""

from __future__ import annotations

from typing import Any

from services.console.clients.base import ApiError, ServiceClient

PERSON_ACTIONS = ("disable", "enable", "reset-mfa", "sign-out")


class AuthAdminApi(ServiceClient):
    """``/auth/v1/people``, ``/auth/v1/organisations`` and ``/auth/v1/sessions`` with the
    person's token (auth decides who may administer whom)."""

    async def people(self, token: str, **page: Any) -> dict[str, Any]:
        """A page of people (the caller's organisation; the operator: all)."""
        return await self.get_json("/auth/v1/people", token, page)

    async def person(self, token: str, person_id: str) -> dict[str, Any]:
        """One person (a 404 problem for another organisation's)."""
        return await self.get_json(f"/auth/v1/people/{person_id}", token)

    async def triagers(self, token: str, code: str) -> dict[str, Any]:
        """The people of the caller's own organisation who triage alerts (id, name,
        email): whom an alert may be assigned to."""
        return await self.get_json(f"/auth/v1/organisations/{code}/triagers", token)

    async def invite(self, token: str, body: dict[str, str], key: str) -> dict[str, Any]:
        """The invited person with their one-time enrolment link."""
        response = await self.request(
            "POST", "/auth/v1/people", token, json=body, headers={"Idempotency-Key": key}
        )
        return _object(response.json())

    async def person_action(self, token: str, person_id: str, action: str) -> dict[str, Any]:
        """``disable``, ``enable``, ``reset-mfa`` (answers a new link) or ``sign-out``."""
        if action not in PERSON_ACTIONS:
            raise ValueError(action)
        response = await self.request("POST", f"/auth/v1/people/{person_id}/{action}", token)
        return _object(response.json())

    async def change_role(self, token: str, person_id: str, role: str) -> dict[str, Any]:
        """The person with their new role."""
        response = await self.request(
            "POST", f"/auth/v1/people/{person_id}/role", token, json={"role": role}
        )
        return _object(response.json())

    async def organisations(self, token: str, **page: Any) -> dict[str, Any]:
        """A page of organisations (the operator)."""
        return await self.get_json("/auth/v1/organisations", token, page)

    async def organisation(self, token: str, code: str) -> dict[str, Any]:
        """One organisation (the operator, or the caller's own)."""
        return await self.get_json(f"/auth/v1/organisations/{code}", token)

    async def create_organisation(self, token: str, body: dict[str, str]) -> dict[str, Any]:
        """The new organisation."""
        response = await self.request("POST", "/auth/v1/organisations", token, json=body)
        return _object(response.json())

    async def api_clients(self, token: str, **page: Any) -> dict[str, Any]:
        """A page of API clients (the operator)."""
        return await self.get_json("/auth/v1/clients", token, page)

    async def api_client(self, token: str, client_id: str) -> dict[str, Any]:
        """One API client (the operator)."""
        return await self.get_json(f"/auth/v1/clients/{client_id}", token)

    async def create_api_client(self, token: str, body: dict[str, Any], key: str) -> dict[str, Any]:
        """The new client with its secret (shown this once)."""
        response = await self.request(
            "POST", "/auth/v1/clients", token, json=body, headers={"Idempotency-Key": key}
        )
        return _object(response.json())

    async def client_action(self, token: str, client_id: str, action: str) -> dict[str, Any]:
        """``disable``, ``enable`` or ``secret`` (a new secret, shown this once)."""
        if action not in ("disable", "enable", "secret"):
            raise ValueError(action)
        response = await self.request("POST", f"/auth/v1/clients/{client_id}/{action}", token)
        return _object(response.json())

    async def organisation_sessions(self, token: str, code: str, **page: Any) -> dict[str, Any]:
        """A page of the open sessions of an organisation's people (its admin, or the
        operator; a 404 problem for another organisation)."""
        return await self.get_json(f"/auth/v1/organisations/{code}/sessions", token, page)

    async def organisation_session(self, token: str, code: str, session_id: str) -> dict[str, Any]:
        """One open session of one of the organisation's people, with the person."""
        return await self.get_json(f"/auth/v1/organisations/{code}/sessions/{session_id}", token)

    async def end_organisation_session(self, token: str, code: str, session_id: str) -> None:
        """End one session of one of the organisation's people."""
        await self.request("DELETE", f"/auth/v1/organisations/{code}/sessions/{session_id}", token)

    async def my_sessions(self, token: str) -> list[dict[str, Any]]:
        """The person's open sessions."""
        response = await self.request("GET", "/auth/v1/sessions", token)
        body = response.json()
        if not isinstance(body, list):
            raise ApiError("/auth/v1/sessions did not return a list")
        return [s for s in body if isinstance(s, dict)]

    async def end_session(self, token: str, session_id: str) -> None:
        """End one of the person's sessions."""
        await self.request("DELETE", f"/auth/v1/sessions/{session_id}", token)


def _object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise ApiError("auth did not return a JSON object")
    return body
