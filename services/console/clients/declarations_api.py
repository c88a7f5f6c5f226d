"""The console's calls to the declarations API, with the person's token."""

from __future__ import annotations

from typing import Any

from services.console.clients.base import ServiceClient

BASE = "/declarations/v1/declarations"


class DeclarationsApi(ServiceClient):
    """Declarations, their versions and legal holds as the person may see them."""

    async def declarations(self, token: str, **filters: Any) -> dict[str, Any]:
        """A page of declarations the person may read."""
        return await self.get_json(BASE, token, filters)

    async def declaration(self, token: str, declaration_id: str) -> tuple[dict[str, Any], str]:
        """One declaration and its ETag (a 404 problem outside the person's tenancy)."""
        response = await self.request("GET", f"{BASE}/{declaration_id}", token)
        body: dict[str, Any] = response.json()
        return body, response.headers.get("ETag", "")

    async def versions(self, token: str, declaration_id: str) -> dict[str, Any]:
        """Every version of a declaration, oldest first."""
        return await self.get_json(f"{BASE}/{declaration_id}/versions", token)

    async def holds(self, token: str, declaration_id: str) -> dict[str, Any]:
        """The legal holds of a declaration (a problem when the person may not see them)."""
        return await self.get_json(f"{BASE}/{declaration_id}/holds", token)

    async def declare(
        self, token: str, document: dict[str, Any], idempotency_key: str
    ) -> dict[str, Any]:
        """``POST /declarations``: the stored declaration, or an ApiProblem naming every
        problem (nothing stored)."""
        response = await self.request(
            "POST", BASE, token, json=document, headers={"Idempotency-Key": idempotency_key}
        )
        body: dict[str, Any] = response.json()
        return body

    async def amend(
        self,
        token: str,
        declaration_id: str,
        *,
        reason: str,
        changes: dict[str, Any],
        if_match: str,
        idempotency_key: str,
    ) -> dict[str, Any]:
        """A new version from a merge patch; 412 when the record changed since ``if_match``."""
        response = await self.request(
            "POST",
            f"{BASE}/{declaration_id}/amendments",
            token,
            json={"reason": reason, "changes": changes},
            headers={"If-Match": if_match, "Idempotency-Key": idempotency_key},
        )
        body: dict[str, Any] = response.json()
        return body

    async def place_hold(
        self, token: str, declaration_id: str, reason: str, idempotency_key: str
    ) -> dict[str, Any]:
        """Place a legal hold with its reason."""
        response = await self.request(
            "POST",
            f"{BASE}/{declaration_id}/holds",
            token,
            json={"reason": reason},
            headers={"Idempotency-Key": idempotency_key},
        )
        body: dict[str, Any] = response.json()
        return body

    async def lift_hold(
        self, token: str, declaration_id: str, hold_id: str, reason: str
    ) -> dict[str, Any]:
        """Lift one legal hold with its reason."""
        response = await self.request(
            "DELETE", f"{BASE}/{declaration_id}/holds/{hold_id}", token, json={"reason": reason}
        )
        body: dict[str, Any] = response.json()
        return body

    async def create_incident(
        self, token: str, incident: dict[str, Any], idempotency_key: str
    ) -> dict[str, Any]:
        """Record an incident; an ApiProblem names every problem."""
        response = await self.request(
            "POST",
            "/declarations/v1/incidents",
            token,
            json=incident,
            headers={"Idempotency-Key": idempotency_key},
        )
        body: dict[str, Any] = response.json()
        return body

    async def incidents(self, token: str, **filters: Any) -> dict[str, Any]:
        """A page of the incidents the person may read."""
        return await self.get_json("/declarations/v1/incidents", token, filters)

    async def log_entry(self, token: str, index: int) -> dict[str, Any]:
        """One log entry with its bytes (base64) where the person may read them."""
        page = await self.get_json(
            "/declarations/v1/log/entries", token, {"start": index, "end": index + 1}
        )
        entries = page.get("entries") or [{}]
        entry: dict[str, Any] = entries[0]
        return entry

    async def checkpoint(self) -> str:
        """The latest signed checkpoint (a C2SP signed note)."""
        return (await self.request("GET", "/declarations/v1/log/checkpoint", None)).text

    async def log_public_key(self) -> str:
        """The C2SP verifier key of the checkpoint signer."""
        return (await self.request("GET", "/declarations/v1/log/public-key", None)).text

    async def inclusion_proof(self, index: int, tree_size: int) -> dict[str, Any]:
        """The RFC 9162 audit path of entry ``index`` in the tree of ``tree_size``."""
        response = await self.request(
            "GET",
            "/declarations/v1/log/proof/inclusion",
            None,
            params={"index": index, "tree_size": tree_size},
        )
        body: dict[str, Any] = response.json()
        return body

    async def import_file(
        self, token: str, *, filename: str, content: bytes, idempotency_key: str
    ) -> dict[str, Any]:
        """``POST /declarations/import``: the stored declarations, or an ApiProblem naming
        every problem by row and column (nothing stored)."""
        response = await self.request(
            "POST",
            "/declarations/v1/declarations/import",
            token,
            files={"file": (filename, content, "application/octet-stream")},
            headers={"Idempotency-Key": idempotency_key},
        )
        body: dict[str, Any] = response.json()
        return body

    async def declaration_draft(self, token: str, draft_id: str) -> dict[str, Any]:
        """One declaration draft of the person's organisation (a 404 problem otherwise)."""
        return await self.get_json(f"/declarations/v1/declaration-drafts/{draft_id}", token)

    async def import_template(self, token: str, lang: str, file_format: str = "csv") -> bytes:
        """The import template (``csv`` or ``xlsx``) with headers in ``lang`` (en or fr)."""
        response = await self.request(
            "GET",
            "/declarations/v1/declarations/import/template",
            token,
            params={"format": file_format, "lang": lang},
        )
        return response.content
