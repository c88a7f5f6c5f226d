"""An ``out`` manifest started from a unit's holdings: the weapons it holds, those
ticked leave. The weapons are read again from the registry when the form is sent, so
the manifest carries the register's values, not the browser's."""

from __future__ import annotations

import json
from typing import Any, Final

from services.console.clients.registry_api import RegistryApi

MAX_HELD: Final = 5000
ITEM_FIELDS: Final = ("category", "manufacturer", "model", "calibre", "serial_number")
OUT_FIELDS: Final = ("mission", "unit", "crossing_date", "crossing_point", "reference")


def key_of(holding: dict[str, Any]) -> str:
    """What a checkbox carries for one weapon: its match key."""
    return json.dumps(holding.get("match_key", []), separators=(",", ":"))


async def weapons_held(
    registry: RegistryApi, token: str, *, mission: str, unit: str
) -> list[dict[str, Any]]:
    """Every weapon the unit holds in the mission area now (up to :data:`MAX_HELD`)."""
    held: list[dict[str, Any]] = []
    cursor: str | None = None
    while len(held) < MAX_HELD:
        page = await registry.get_json(
            "/registry/v1/holdings",
            token,
            {"mission": mission, "unit": unit, "kind": "weapon", "limit": 1000, "cursor": cursor},
        )
        held.extend(page["items"])
        cursor = page.get("next_cursor")
        if not isinstance(cursor, str):
            break
    return held[:MAX_HELD]


def manifest_body(
    values: dict[str, str], country: str, picked: list[dict[str, Any]]
) -> dict[str, Any]:
    """The ``out`` manifest of the ticked weapons (empty fields left out for the API to name)."""
    body: dict[str, Any] = {k: v for k, v in values.items() if k in OUT_FIELDS and v}
    body["direction"] = "out"
    body["contributing_country"] = country
    if values.get("closes_rotation"):
        body["closes_rotation"] = True
    body["items"] = [
        {"kind": "weapon", **{f: w[f] for f in ITEM_FIELDS if w.get(f)}} for w in picked
    ]
    return body


async def send(
    registry: RegistryApi, token: str, *, body: dict[str, Any], as_draft: bool, key: str
) -> tuple[str, str]:
    """Store the manifest (or save it as a draft): ``("manifest"|"draft", id)``."""
    if as_draft:
        title = f"{body.get('unit', '')} out {body.get('crossing_date', '')}".strip()
        response = await registry.request(
            "POST",
            "/registry/v1/manifest-drafts",
            token,
            json={"body": body, "title": title[:200] or None},
            headers={"Idempotency-Key": key},
        )
        return "draft", str(response.json()["id"])
    response = await registry.request(
        "POST", "/registry/v1/manifests", token, json=body, headers={"Idempotency-Key": key}
    )
    return "manifest", str(response.json()["id"])
