"""The console's calls to the registry API, with the person's token."""

from __future__ import annotations

from typing import Any

from services.console.clients.base import ServiceClient


class RegistryApi(ServiceClient):
    """Manifests, alerts, missions and reconciliation as the person may see them."""

    async def manifests(self, token: str, **filters: Any) -> dict[str, Any]:
        """A page of manifests, newest first."""
        return await self.get_json("/registry/v1/manifests", token, filters)

    async def manifest(self, token: str, manifest_id: str) -> dict[str, Any]:
        """One manifest (a 404 problem outside the person's tenancy)."""
        return await self.get_json(f"/registry/v1/manifests/{manifest_id}", token)

    async def manifest_items(self, token: str, manifest_id: str, **page: Any) -> dict[str, Any]:
        """A page of a manifest's items."""
        return await self.get_json(f"/registry/v1/manifests/{manifest_id}/items", token, page)

    async def import_manifest(
        self,
        token: str,
        *,
        fields: dict[str, str],
        filename: str,
        content: bytes,
        idempotency_key: str,
    ) -> dict[str, Any]:
        """``POST /manifests/import``: the stored manifest, or an ApiProblem naming every
        problem by row and column (nothing stored)."""
        response = await self.request(
            "POST",
            "/registry/v1/manifests/import",
            token,
            data=fields,
            files={"file": (filename, content, "application/octet-stream")},
            headers={"Idempotency-Key": idempotency_key},
        )
        body: dict[str, Any] = response.json()
        return body

    async def manifest_template(self, token: str) -> bytes:
        """The example CSV with every column."""
        response = await self.request("GET", "/registry/v1/manifests/template.csv", token)
        return response.content

    async def rotations_ending(self, token: str, **filters: Any) -> dict[str, Any]:
        """Units whose rotation ends soon while they still hold weapons, soonest first."""
        return await self.get_json("/registry/v1/rotations/ending", token, filters)

    async def alerts(self, token: str, **filters: Any) -> dict[str, Any]:
        """A page of alerts the person may see."""
        return await self.get_json("/registry/v1/alerts", token, filters)

    async def missions(self, token: str, **filters: Any) -> dict[str, Any]:
        """A page of missions."""
        return await self.get_json("/registry/v1/missions", token, filters)

    async def reconciliation(self, token: str, **filters: Any) -> dict[str, Any]:
        """A page of reconciliation lines (discrepancies first)."""
        return await self.get_json("/registry/v1/reconciliation", token, filters)
