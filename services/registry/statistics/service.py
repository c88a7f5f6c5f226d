"""Statistics over decades of records: counts per group, DDR people figures, and a map of
declarations and losses."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from sqlalchemy.engine import Row
from sqlmodel import Session

from services.common.errors import ValidationFailed
from services.common.identifiers import is_known_calibre, is_known_manufacturer
from services.common.security import ReadScope
from services.registry.cases import service as cases
from services.registry.models import IndexedDeclaration, LossReport
from services.registry.models.index import DDR_PEOPLE_CELLS
from services.registry.statistics import attributes_repository, repository
from services.registry.statistics.schemas import (
    ATTRIBUTE_GROUPINGS,
    DDR_GROUPINGS,
    DdrPeopleRow,
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
    ordnance or explosive type, serial_status of weapons, year, type, circumstance: of a
    loss; calibre, manufacturer, year_of_manufacture, presumed_user: of a declaration) of
    manifests (crossing date), declarations (event date) and loss reports (loss date) the
    caller may read; and, grouped by country, mission, year or type, the people who
    handed in materiel in DDR collections."""
    _check_range(date_from, date_to)
    if group_by in ATTRIBUTE_GROUPINGS:
        rows = _attribute_rows(session, scope, group_by, date_from, date_to)
    else:
        rows = _grouped_rows(session, scope, group_by, date_from, date_to)
    people: list[DdrPeopleRow] = []
    if group_by in DDR_GROUPINGS:
        people = [
            _people(r)
            for r in repository.ddr_people_counts(
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
        ddr_people=people,
        traced_weapons=traced,
        trace_outcomes=cases.trace_outcomes(
            session=session, scope=scope, date_from=date_from, date_to=date_to
        ),
    )


def _attribute_rows(
    session: Session,
    scope: ReadScope,
    attribute: str,
    date_from: date | None,
    date_to: date | None,
) -> list[StatisticsRow]:
    queries: list[tuple[str, Callable[..., list[Row[Any]]]]] = [
        ("manifests", attributes_repository.manifest_attribute_counts),
        ("declarations", attributes_repository.declared_attribute_counts),
        ("loss_reports", attributes_repository.loss_attribute_counts),
    ]
    if attribute == "presumed_user":
        # Only a declaration names a presumed user: manifests and losses are a
        # contingent's own materiel.
        queries = queries[1:2]
    found = [
        (
            source,
            query(session, attribute=attribute, scope=scope, date_from=date_from, date_to=date_to),
        )
        for source, query in queries
    ]
    names: dict[str, str] = {}
    if attribute == "presumed_user":
        codes = sorted({str(r.key) for _, counted in found for r in counted if r.key})
        names = attributes_repository.armed_group_names(session, codes)
    rows: list[StatisticsRow] = []
    for source, counted in found:
        rows += _labelled(source, attribute, counted, names)
    return rows


def _labelled(
    source: str, attribute: str, found: Sequence[Row[Any]], names: dict[str, str]
) -> list[StatisticsRow]:
    # One row per value and spelling: summed per value, the label picked among them.
    sums: dict[str | None, list[int]] = {}
    spellings: dict[str | None, Counter[str]] = {}
    for r in found:
        key = _text(r.key)
        counted = sums.setdefault(key, [0, 0, 0])
        counted[0] += int(r.records)
        counted[1] += int(r.quantity or 0)
        counted[2] += int(getattr(r, "mass_grams", 0) or 0)
        if r.label:
            spellings.setdefault(key, Counter())[str(r.label)] += int(r.records)
    return [
        StatisticsRow(
            source=source,
            key=key,
            label=_label(attribute, key, spellings.get(key), names),
            records=records,
            quantity=quantity,
            mass_kg=mass_grams / 1000,
        )
        for key, (records, quantity, mass_grams) in sorted(
            sums.items(), key=lambda found: (found[0] is None, found[0] or "")
        )
    ]


def _label(
    attribute: str, key: str | None, spellings: Counter[str] | None, names: dict[str, str]
) -> str | None:
    """A listed calibre's or maker's canonical name (its key), else the spelling most of
    the group's items were recorded under (ties: the first in text order); a listed
    armed group's name; none for a year, a presumed user's kind or a value not recorded."""
    if key is None or attribute == "year_of_manufacture":
        return None
    if attribute == "presumed_user":
        return names.get(key)
    known = is_known_calibre if attribute == "calibre" else is_known_manufacturer
    if known(key) or not spellings:
        return key
    return min(spellings.items(), key=lambda spelling: (-spelling[1], spelling[0]))[0]


def _grouped_rows(
    session: Session,
    scope: ReadScope,
    group_by: str,
    date_from: date | None,
    date_to: date | None,
) -> list[StatisticsRow]:
    queries: list[tuple[str, Callable[..., list[Row[Any]]]]] = [
        ("manifests", repository.manifest_counts),
        ("declarations", repository.declared_counts),
        ("loss_reports", repository.loss_counts),
    ]
    if group_by == "circumstance":
        # Only a loss has a circumstance: manifests and declarations have no group then.
        queries = queries[2:]
    rows: list[StatisticsRow] = []
    for source, query in queries:
        rows += _rows(
            source,
            query(session, group_by=group_by, scope=scope, date_from=date_from, date_to=date_to),
        )
    return rows


def _rows(source: str, found: Sequence[Row[Any]]) -> list[StatisticsRow]:
    return [
        StatisticsRow(
            source=source,
            key=_text(r.key),
            records=int(r.records),
            quantity=int(r.quantity or 0),
            mass_kg=int(getattr(r, "mass_grams", 0) or 0) / 1000,
        )
        for r in found
    ]


def _people(row: Row[Any]) -> DdrPeopleRow:
    cells = {cell: int(getattr(row, cell) or 0) for cell in DDR_PEOPLE_CELLS}
    female = cells["female_under_18"] + cells["female_18_and_over"]
    male = cells["male_under_18"] + cells["male_18_and_over"]
    return DdrPeopleRow(
        key=_text(row.key),
        collections=int(row.collections),
        **cells,
        female=female,
        male=male,
        under_18=cells["female_under_18"] + cells["male_under_18"],
        total=female + male + cells["sex_or_age_unknown"],
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
    year: int | None = None,
) -> FeatureCollection:
    """GeoJSON points of the located declarations and losses the caller may read, oldest
    first (at most ``limit``). ``declaration_type`` keeps one type of declaration, or
    ``loss`` the losses only; ``year`` keeps that year's points, ``years`` listing every
    year of the range with a point."""
    _check_range(date_from, date_to)
    # Every year of the range, not only the returned points' (the oldest ones when cut).
    years = repository.point_years(
        session,
        scope=scope,
        date_from=date_from,
        date_to=date_to,
        declaration_type=declaration_type,
    )
    if year is not None:
        date_from = max(date_from or date.min, date(year, 1, 1))
        date_to = min(date_to or date.max, date(year, 12, 31))
        if date_from > date_to:  # the year is outside the range
            return FeatureCollection(features=[], years=years)
    dated: list[tuple[date, str, Feature]] = []
    if declaration_type != "loss":
        found = repository.declaration_points(
            session,
            scope=scope,
            date_from=date_from,
            date_to=date_to,
            declaration_type=declaration_type,
            limit=limit + 1,
        )
        dated += [(d.event_date, d.declaration_id, _declaration_feature(d)) for d in found]
    if declaration_type in (None, "loss"):
        losses = repository.loss_points(
            session, scope=scope, date_from=date_from, date_to=date_to, limit=limit + 1
        )
        dated += [(r.loss_date, r.id, _loss_feature(r)) for r in losses]
    dated.sort(key=lambda point: (point[0], point[1]))
    return FeatureCollection(
        features=[feature for _, _, feature in dated[:limit]],
        truncated=len(dated) > limit,
        years=years,
    )


def _declaration_feature(d: IndexedDeclaration) -> Feature:
    return Feature(
        geometry={"type": "Point", "coordinates": [d.lon, d.lat]},
        properties={
            "record": "declaration",
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


def _loss_feature(report: LossReport) -> Feature:
    return Feature(
        geometry={"type": "Point", "coordinates": [report.lon, report.lat]},
        properties={
            "record": "loss",
            "loss_report_id": report.id,
            "type": "loss",
            "loss_type": report.loss_type,
            "circumstance": report.circumstance,
            "contributing_country": report.contributing_country,
            "mission": report.mission_code,
            "event_date": report.loss_date.isoformat(),
            "place": report.place,
            "item_count": report.item_count,
        },
    )
