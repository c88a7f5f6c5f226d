"""The console's calls to the registry's loss reports (over the registry's client)."""

from __future__ import annotations

from typing import Any

from services.console.clients.base import ServiceClient

BASE = "/registry/v1/loss-reports"


class LossReportsApi(ServiceClient):
    """Loss reports as the person may see and make them; shares the registry's pool."""

    @classmethod
    def over(cls, registry: ServiceClient) -> LossReportsApi:
        """This API over the registry client's connection pool."""
        return cls(registry.http)

    async def reports(self, token: str, **filters: Any) -> dict[str, Any]:
        """A page of loss reports, newest first."""
        return await self.get_json(BASE, token, filters)

    async def report(self, token: str, report_id: str) -> dict[str, Any]:
        """One loss report with its items (a 404 problem outside the person's tenancy)."""
        return await self.get_json(f"{BASE}/{report_id}", token)

    async def create(
        self, token: str, report: dict[str, Any], idempotency_key: str
    ) -> dict[str, Any]:
        """The stored report, or an ApiProblem naming every problem (nothing stored)."""
        response = await self.request(
            "POST", BASE, token, json=report, headers={"Idempotency-Key": idempotency_key}
        )
        body: dict[str, Any] = response.json()
        return body
