"""Statistics and the map of declarations."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from services.common.errors import problem_responses
from services.common.replica import ReadSessionDep
from services.common.security import ReadScopeDep
from services.registry.statistics import service
from services.registry.statistics.schemas import (
    MISSION_CODE,
    PRESUMED_USER,
    FeatureCollection,
    GroupBy,
    Statistics,
)

router = APIRouter(prefix="/statistics", tags=["statistics"])
From = Annotated[date | None, Query(alias="from", description="First record date (inclusive)")]
To = Annotated[date | None, Query(alias="to", description="Last record date (inclusive)")]


@router.get("", response_model=Statistics, responses=problem_responses(403, 422))
def statistics(
    session: ReadSessionDep,
    scope: ReadScopeDep,
    group_by: GroupBy,
    date_from: From = None,
    date_to: To = None,
) -> Statistics:
    """Counts of item rows and quantities per group over manifests (by crossing date),
    declarations (by event date) and loss reports (by loss date) the caller may read.
    ``type`` groups manifests as ``manifest_in``/``manifest_out``, declarations by seizure,
    collection, destruction, and losses by loss type; ``year`` is the year of the record's
    date; ``item_type`` the ordnance or explosive type; ``serial_status`` a weapon's
    (manifests hold whole serials); ``circumstance`` groups losses by how they happened
    (ambush, attack on a base, ...; null in older reports). ``calibre`` and
    ``manufacturer`` group by match key, aliases resolved ("Izhmash" counts with
    "Kalashnikov Concern"), each row's ``label`` the canonical name of a listed calibre or
    maker, else the spelling most of its items were recorded under; ``year_of_manufacture``
    by year (a loss records none: not recorded); ``presumed_user`` groups declarations by
    the listed armed group their presumed user resolves to (``label``: its name), else by
    the kind of user declared (government_forces, non_state_armed_group, unknown; manifests
    and losses, a contingent's own materiel, have none). Explosives recorded by weight
    count in ``mass_kg``, not in ``quantity``. ``ddr_people`` sums, per country, mission,
    year or type, the people who handed in materiel in DDR collections, by sex and age."""
    return service.statistics(
        session=session, scope=scope, group_by=group_by, date_from=date_from, date_to=date_to
    )


@router.get(
    "/locations.geojson",
    response_model=FeatureCollection,
    response_class=JSONResponse,
    responses={
        200: {"content": {"application/geo+json": {}}},
        **problem_responses(403, 422),
    },
)
def locations(
    session: ReadSessionDep,
    scope: ReadScopeDep,
    date_from: From = None,
    date_to: To = None,
    type: Literal["seizure", "collection", "destruction", "loss"] | None = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
    year: Annotated[
        int | None,
        Query(
            ge=1, le=9999, description="Only this year's locations (``years`` stays the range's)"
        ),
    ] = None,
    mission: Annotated[
        str | None,
        Query(pattern=MISSION_CODE, description="Only this mission's records (MINUSMA)"),
    ] = None,
    presumed_user: Annotated[
        str | None,
        Query(
            pattern=PRESUMED_USER,
            description="Only the declarations whose presumed user is this listed armed"
            " group's code (JNIM), or, when it resolved to none, this kind: government_forces,"
            " non_state_armed_group, unknown; losses have none and are left out",
        ),
    ] = None,
) -> JSONResponse:
    """A GeoJSON FeatureCollection (RFC 7946, ``[lon, lat]``) of the locations of the
    declarations and the losses the caller may read, oldest first; ``truncated`` when more
    than ``limit`` matched. Each feature's ``properties.record`` is ``declaration``,
    ``incident`` or ``loss``; a loss carries its ``loss_type`` and ``circumstance`` (null in
    reports made before it was asked). The declarations naming one incident are one
    feature, ``incident``, at its oldest declaration's place, listing them in
    ``declarations`` (``limit`` counts features). ``years`` lists the years of every
    matching location, returned or not (a time slider's range), with the same filters.
    ``type`` keeps one type of declaration, or ``loss`` the losses; ``mission`` one
    mission's records; ``presumed_user`` the declarations of a listed armed group or of a
    kind of presumed user (422 when it is neither), and no loss."""
    collection = service.locations(
        session=session,
        scope=scope,
        date_from=date_from,
        date_to=date_to,
        declaration_type=type,
        limit=limit,
        year=year,
        mission=mission,
        presumed_user=presumed_user,
    )
    return JSONResponse(collection.model_dump(), media_type="application/geo+json")
