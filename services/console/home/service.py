"""What needs the signed-in person: open alerts, latest submissions, rotations ending."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from services.console.clients.base import ApiProblem, ServiceClient
from services.console.clients.registry_api import RegistryApi
from services.console.drafts.service import KINDS
from services.console.session import Session

ENDING_WITHIN_DAYS = 90
SHOWN = 5


@dataclass
class RotationEnding:
    """A unit of the person's records whose rotation ends soon with weapons still held."""

    mission: str
    unit: str
    contributing_country: str
    ends_on: str
    planned: bool
    weapons_held: int


@dataclass
class WhatNeedsMe:
    """The home page's three lists (each empty when the person may not read it)."""

    alerts: list[dict[str, Any]] = field(default_factory=list)
    more_alerts: bool = False
    submissions: list[dict[str, Any]] = field(default_factory=list)
    rotations: list[RotationEnding] = field(default_factory=list)
    more_rotations: bool = False
    drafts_awaiting: list[dict[str, Any]] = field(default_factory=list)


async def what_needs_me(
    *, registry: RegistryApi, session: Session, declarations: ServiceClient | None = None
) -> WhatNeedsMe:
    """The person's home: the API decides what their organisation may see."""
    result = WhatNeedsMe()
    for kind, client in (("manifest", registry), ("declaration", declarations)):
        chosen = KINDS[kind]
        if client is None or session.role != "admin" or not session.can(chosen.write_scope):
            continue
        awaiting = await client.get_json(
            chosen.path, session.access_token, {"status": "awaiting_approval", "limit": SHOWN}
        )
        result.drafts_awaiting += [{**d, "draft_kind": kind} for d in awaiting["items"]]
    if not session.can("register:read"):
        return result
    token = session.access_token
    alerts, submissions, rotations = await asyncio.gather(
        registry.alerts(token, status="open", limit=SHOWN),
        registry.manifests(token, limit=SHOWN),
        _rotations_ending(registry=registry, session=session),
    )
    result.alerts = list(alerts["items"])
    result.more_alerts = alerts.get("next_cursor") is not None
    result.submissions = list(submissions["items"])
    result.rotations, result.more_rotations = rotations
    return result


async def _rotations_ending(
    *, registry: RegistryApi, session: Session
) -> tuple[list[RotationEnding], bool]:
    """Units whose rotation ends within ``ENDING_WITHIN_DAYS`` still holding weapons, as the
    registry sees them (its planned end from the unit's latest ``in`` manifest, else the
    mission's end), and whether there are more than shown."""
    filters: dict[str, Any] = {"within_days": ENDING_WITHIN_DAYS, "limit": SHOWN}
    if session.country:
        filters["country"] = session.country
    try:
        ending = await registry.rotations_ending(session.access_token, **filters)
    except ApiProblem:
        return [], False
    rotations = [
        RotationEnding(
            mission=r["mission"],
            unit=r["unit"],
            contributing_country=r["contributing_country"],
            ends_on=r["rotation_ends_on"],
            planned=r["ends_by"] == "planned_rotation_end",
            weapons_held=int(r["weapons_held"]),
        )
        for r in ending["items"]
    ]
    return rotations, bool(ending.get("more"))
