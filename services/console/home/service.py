"""What needs the signed-in person: open alerts, latest submissions, rotations ending."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from services.console.clients.base import ApiProblem, ServiceClient
from services.console.clients.registry_api import RegistryApi
from services.console.drafts.service import KINDS
from services.console.session import Session

ENDING_WITHIN_DAYS = 90
SHOWN = 5


@dataclass
class RotationEnding:
    """A mission ending soon with weapons of the person's state still held in it."""

    mission: dict[str, Any]
    weapons_held: int
    more: bool


@dataclass
class WhatNeedsMe:
    """The home page's three lists (each empty when the person may not read it)."""

    alerts: list[dict[str, Any]] = field(default_factory=list)
    more_alerts: bool = False
    submissions: list[dict[str, Any]] = field(default_factory=list)
    rotations: list[RotationEnding] = field(default_factory=list)
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
    result.rotations = rotations
    return result


async def _rotations_ending(*, registry: RegistryApi, session: Session) -> list[RotationEnding]:
    """Missions ending within ``ENDING_WITHIN_DAYS`` whose reconciliation still shows
    weapons of the person's state held (the registry keeps no end date per rotation:
    the mission's end date stands for the last rotation's)."""
    today = datetime.now(UTC).date()
    horizon = today + timedelta(days=ENDING_WITHIN_DAYS)
    missions = await registry.missions(session.access_token, limit=1000)
    ending = [
        m
        for m in missions["items"]
        if m.get("end_date") and today <= date.fromisoformat(m["end_date"]) <= horizon
    ][:SHOWN]
    found: list[RotationEnding] = []
    for mission in ending:
        try:
            lines = await registry.reconciliation(
                session.access_token,
                mission=mission["code"],
                country=session.country,
                kind="weapon",
                limit=1000,
            )
        except ApiProblem:
            continue
        held = [line for line in lines["items"] if int(line.get("balance", 0)) > 0]
        if held:
            found.append(RotationEnding(mission, len(held), lines.get("next_cursor") is not None))
    return found
