"""Holdings and reconciliation of a mission: discrepancies first, each line with the
records that prove it, and the registry's CSV export."""

from __future__ import annotations

from typing import Any, Final

from services.console.clients.registry_api import RegistryApi
from services.console.i18n import N_

PAGE_SIZE: Final = 50
KINDS: Final = ("weapon", "ammunition")
STATUS_NAMES: Final = {
    "balanced": N_("Balanced"),
    "held": N_("Held in the mission area"),
    "not_taken_out": N_("Not taken out after the rotation"),
    "declared_in_twice": N_("Declared in twice"),
    "more_out_than_in": N_("More out than in"),
}
MOVEMENT_NAMES: Final = {
    "in": N_("in"),
    "out": N_("out"),
    "lost": N_("lost"),
    "destroyed": N_("destroyed"),
}
RECORD_NAMES: Final = {
    "manifest": N_("manifest"),
    "loss_report": N_("loss report"),
    "declaration": N_("declaration"),
}


def clean_filters(mission: str, country: str, kind: str, discrepancies_only: str) -> dict[str, str]:
    """The filters as the API takes them (unknown values dropped)."""
    return {
        "mission": mission.strip(),
        "country": country.strip().upper(),
        "kind": kind if kind in KINDS else "",
        "discrepancies_only": "true" if discrepancies_only in ("true", "1", "on") else "",
    }


async def missions(registry: RegistryApi, token: str) -> list[dict[str, Any]]:
    """The missions to choose from."""
    page = await registry.missions(token, limit=1000)
    return list(page["items"])


async def lines_page(
    registry: RegistryApi, token: str, filters: dict[str, str], cursor: str | None
) -> dict[str, Any]:
    """A page of reconciliation lines, discrepancies first."""
    return await registry.reconciliation(token, limit=PAGE_SIZE, cursor=cursor, **filters)


async def export_csv(registry: RegistryApi, token: str, filters: dict[str, str]) -> bytes:
    """The API's CSV export of the whole reconciliation for ``filters``."""
    params = {k: v for k, v in filters.items() if v}
    response = await registry.request(
        "GET", "/registry/v1/reconciliation/export.csv", token, params=params
    )
    return response.content
