"""Statistics over decades of records: counts per group and a map of declarations."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from services.common.errors import ValidationFailed
from services.common.security import ReadScope
from services.registry.cases import service as cases
from services.registry.statistics import repository
from services.registry.statistics.schemas import (
    Feature,
    FeatureCollection,
    Statistics,
    StatisticsRow,
)


def _check_range(date_from: date | None, date_to: date | None) -> None:
    if date_from is not None and date_to is not None and date_to < date_from:
        raise ValidationFailed([{"loc": "query.to", "msg": "is before 'from'"}])


def statistics(
    *,
    session: Session,
    scope: ReadScope,
    group_by: str,
    date_from: date | None,
    date_to: date | None,
) -> Statistics:
    """Item rows and quantities per group (country, mission, category, kind, item_type: the
    ordnance or explosive type, serial_status of weapons, year, type) of manifests (crossing
    date) and declarations (event date) the caller may read."""
    _check_range(date_from, date_to)
    rows = [
        StatisticsRow(
            source="manifests",
            key=_text(r.key),
            records=int(r.records),
            quantity=int(r.quantity or 0),
            mass_kg=int(r.mass_grams or 0) / 1000,
        )
        for r in repository.manifest_counts(
            session, group_by=group_by, scope=scope, date_from=date_from, date_to=date_to
        )
    ]
    rows += [
        StatisticsRow(
            source="declarations",
            key=_text(r.key),
            records=int(r.records),
            quantity=int(r.quantity or 0),
            mass_kg=int(r.mass_grams or 0) / 1000,
        )
        for r in repository.declared_counts(
            session, group_by=group_by, scope=scope, date_from=date_from, date_to=date_to
        )
    ]
    traced = cases.traced_weapons(
        session=session, scope=scope, date_from=date_from, date_to=date_to
    )
    return Statistics(
        group_by=group_by,
        date_from=date_from,
        date_to=date_to,
        items=rows,
        traced_weapons=traced,
    )


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def locations(
    *,
    session: Session,
    scope: ReadScope,
    date_from: date | None,
    date_to: date | None,
    declaration_type: str | None,
    limit: int,
) -> FeatureCollection:
    """GeoJSON points of the located declarations the caller may read (at most ``limit``)."""
    _check_range(date_from, date_to)
    found = repository.declaration_points(
        session,
        scope=scope,
        date_from=date_from,
        date_to=date_to,
        declaration_type=declaration_type,
        limit=limit + 1,
    )
    features = [
        Feature(
            geometry={"type": "Point", "coordinates": [d.lon, d.lat]},
            properties={
                "declaration_id": d.declaration_id,
                "version": d.version,
                "type": d.declaration_type,
                "declaring_country": d.declaring_country,
                "mission": d.mission_code,
                "event_date": d.event_date.isoformat(),
                "country": d.location_country,
                "place": d.place,
                "item_count": d.item_count,
            },
        )
        for d in found[:limit]
    ]
    return FeatureCollection(features=features, truncated=len(found) > limit)
