"""Rotations ending soon with weapons still held."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from services.common.errors import problem_responses
from services.common.replica import ReadSessionDep
from services.common.security import ReadScopeDep
from services.registry.deps import NowDep, SettingsDep
from services.registry.rotations import service
from services.registry.rotations.schemas import RotationsEnding

router = APIRouter(prefix="/rotations", tags=["rotations"])


@router.get("/ending", response_model=RotationsEnding, responses=problem_responses(403, 422))
def rotations_ending(
    session: ReadSessionDep,
    scope: ReadScopeDep,
    settings: SettingsDep,
    now: NowDep,
    within_days: Annotated[
        int | None,
        Query(ge=1, le=366, description="Default: the setting REGISTRY_ROTATION_ENDING_DAYS"),
    ] = None,
    mission: Annotated[str | None, Query(max_length=32, description="Mission code")] = None,
    country: Annotated[str | None, Query(min_length=3, max_length=3)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> RotationsEnding:
    """The units of the caller's records whose rotation ends within ``within_days`` (from
    today) while they still hold weapons (in − out), soonest first: what ``rotation.ending``
    tells. A unit's rotation ends on the ``rotation_end_date`` of its latest ``in``
    manifest, else on its mission's end date. A planned end is not proof of exit:
    reconciliation flags weapons not taken out only once the mission has ended or an
    ``out`` manifest closed the rotation."""
    return service.rotations_ending(
        session=session,
        scope=scope,
        today=now.date(),
        within_days=within_days or settings.rotation_ending_days,
        mission=mission,
        country=country,
        limit=limit,
    )
