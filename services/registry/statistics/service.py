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
from services.registry.field_reference import repository as field_reference
from services.registry.models import IndexedDeclaration, LossReport
from services.registry.models.index import DDR_PEOPLE_CELLS
from services.registry.statistics import attributes_repository, repository
from services.registry.statistics.schemas import (
    ATTRIBUTE_GROUPINGS,
    DDR_GROUPINGS,
    PRESUMED_USER_KINDS,
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
    mission: str | None = None,
    presumed_user: str | None = None,
) -> FeatureCollection:
    """GeoJSON points of the located declarations and losses the caller may read, oldest
    first (at most ``limit`` features). ``declaration_type`` keeps one type of declaration,
    or ``loss`` the losses only; ``mission`` one mission's records; ``presumed_user`` the
    declarations whose armed group (else kind of presumed user) it is, and no loss;
    ``year`` keeps that year's points, ``years`` listing every year of the range with a
    point. The declarations naming one incident are one feature (``record: incident``)
    listing them. 422 names every bad filter."""
    presumed_user, problems = _presumed_user(session, presumed_user)
    if date_from is not None and date_to is not None and date_to < date_from:
        problems.insert(0, {"loc": "query.to", "msg": "is before 'from'"})
    if problems:
        raise ValidationFailed(problems)
    mission = mission.upper() if mission else None
    # Every year of the range, not only the returned points' (the oldest ones when cut).
    years = repository.point_years(
        session,
        scope=scope,
        date_from=date_from,
        date_to=date_to,
        declaration_type=declaration_type,
        mission=mission,
        presumed_user=presumed_user,
    )
    if year is not None:
        date_from = max(date_from or date.min, date(year, 1, 1))
        date_to = min(date_to or date.max, date(year, 12, 31))
        if date_from > date_to:  # the year is outside the range
            return FeatureCollection(features=[], years=years)
    dated: list[tuple[date, str, Feature]] = []
    cut = False
    if declaration_type != "loss":
        found = repository.declaration_points(
            session,
            scope=scope,
            date_from=date_from,
            date_to=date_to,
            declaration_type=declaration_type,
            limit=limit + 1,
            mission=mission,
            presumed_user=presumed_user,
        )
        # More declarations than read: some features (or an incident's members) are cut.
        cut = len(found) > limit
        dated += _declaration_features(found[:limit])
    if declaration_type in (None, "loss") and presumed_user is None:
        losses = repository.loss_points(
            session,
            scope=scope,
            date_from=date_from,
            date_to=date_to,
            limit=limit + 1,
            mission=mission,
        )
        dated += [(r.loss_date, r.id, _loss_feature(r)) for r in losses]
    dated.sort(key=lambda point: (point[0], point[1]))
    return FeatureCollection(
        features=[feature for _, _, feature in dated[:limit]],
        truncated=cut or len(dated) > limit,
        years=years,
    )


def _presumed_user(session: Session, asked: str | None) -> tuple[str | None, list[Any]]:
    """A kind of presumed user lower-cased, or a listed armed group's code upper-cased, as
    stored; else the problem (a filter that could never match)."""
    if asked is None:
        return None, []
    if asked.lower() in PRESUMED_USER_KINDS:
        return asked.lower(), []
    if field_reference.get_group(session, asked.upper()) is not None:
        return asked.upper(), []
    kinds = ", ".join(PRESUMED_USER_KINDS)
    msg = f"is neither a listed armed group's code nor one of {kinds}"
    return None, [{"loc": "query.presumed_user", "msg": msg}]


def _declaration_features(found: list[IndexedDeclaration]) -> list[tuple[date, str, Feature]]:
    """A feature per declaration naming no incident, and one per incident (at its oldest
    declaration's place) listing the declarations naming it; ``found`` oldest first."""
    dated: list[tuple[date, str, Feature]] = []
    incidents: dict[str, list[IndexedDeclaration]] = {}
    for d in found:
        if d.incident_id is None:
            dated.append((d.event_date, d.declaration_id, _declaration_feature(d)))
        else:
            incidents.setdefault(d.incident_id, []).append(d)
    for incident_id, named in incidents.items():
        first = named[0]
        dated.append(
            (first.event_date, first.declaration_id, _incident_feature(incident_id, named))
        )
    return dated


def _incident_feature(incident_id: str, named: list[IndexedDeclaration]) -> Feature:
    feature = _declaration_feature(named[0])
    feature.properties |= {
        "record": "incident",
        "incident_id": incident_id,
        "item_count": sum(d.item_count for d in named),
        "declarations": [
            {
                "declaration_id": d.declaration_id,
                "version": d.version,
                "type": d.declaration_type,
                "declaring_country": d.declaring_country,
                "event_date": d.event_date.isoformat(),
                "place": d.place,
                "item_count": d.item_count,
            }
            for d in named
        ],
    }
    return feature


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
