"""Trace: one weapon's story across manifests, loss reports and declarations."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from services.common.errors import ValidationFailed
from services.common.identifiers import (
    has_serial_wildcards,
    normalize_serial,
    serial_fuzzy_key,
    serial_like_pattern,
    serial_match_quality,
)
from services.common.security import ReadScope
from services.registry.identifier_keys import manufacturer_key
from services.registry.index.service import model_key
from services.registry.ledger import declared_items, loss_items, manifest_items
from services.registry.trace import repository
from services.registry.trace.candidates import fuzzy_key_candidates, match_key_candidates
from services.registry.trace.schemas import TraceLocation, TraceQuery, TraceRecord, TraceResult

_RANK = {"exact": 0, "normalized": 1, "possible": 2}


def trace(
    *,
    session: Session,
    scope: ReadScope,
    serial_number: str,
    manufacturer: str | None,
    model: str | None,
    limit: int,
) -> TraceResult:
    """Every record of a weapon the caller may read, in date order, each with its match
    quality: ``exact``, ``normalized`` or ``possible`` (one edit or transposition,
    look-alike characters, or a ``*``/``?`` wildcard for obliterated characters).

    Candidates come from indexed keys only (see ``trace.candidates``); tenancy is a
    SQL filter on each source (country and date of the record). At most ``limit``
    records; when more matched, exact and normalized ones are kept first (each source
    returns its closest rows first, then the oldest).
    """
    key = normalize_serial(serial_number)
    if not key:
        raise _invalid("has no letter or digit to match on")
    pattern = None
    if has_serial_wildcards(serial_number):
        pattern = serial_like_pattern(serial_number)
        if pattern is None:
            raise _invalid("a wildcard query needs at least 3 literal characters (at most 64)")
    maker = manufacturer_key(manufacturer) if manufacturer else None
    fetch = 2 * limit + 1
    common: dict[str, Any] = {
        "manufacturer_key": maker or None,
        "serial_key": None if pattern is not None else key,
        "limit": fetch,
    }
    mi, li, di = manifest_items, loss_items, declared_items
    if pattern is not None:
        in_manifests = repository.key_matches(session, mi.c.serial_key, like=pattern)
        in_losses = repository.key_matches(session, li.c.serial_key, like=pattern)
        in_declared = repository.key_matches(session, di.c.serial_key, like=pattern)
    else:
        keys = match_key_candidates(serial_number)
        in_manifests = repository.key_matches(session, mi.c.serial_key, keys=keys)
        in_losses = repository.key_matches(session, li.c.serial_key, keys=keys)
        in_declared = repository.key_matches(
            session, di.c.fuzzy_key, keys=fuzzy_key_candidates(serial_number)
        )
    records: list[TraceRecord] = []
    for row in repository.manifest_candidates(
        session,
        match=in_manifests,
        visible=scope.clause(mi.c.contributing_country, mi.c.crossing_date),
        **common,
    ):
        records += _record(
            serial_number, row, "manifest_in" if row.direction == "in" else "manifest_out"
        )
    for row in repository.loss_candidates(
        session,
        match=in_losses,
        visible=scope.clause(li.c.contributing_country, li.c.loss_date),
        **common,
    ):
        records += _record(
            serial_number,
            row,
            "loss_report",
            loss_type=row.loss_type,
            place=row.place,
            unit=row.unit,
        )
    for row in repository.declared_candidates(
        session,
        match=in_declared,
        visible=scope.clause(di.c.declaring_country, di.c.event_date),
        **common,
    ):
        location = TraceLocation(
            country=row.location_country, place=row.place, lat=row.lat, lon=row.lon
        )
        records += _record(
            serial_number,
            row,
            row.declaration_type,
            location=location,
            declaration_version=row.declaration_version,
        )
    if model:
        wanted = model_key(model)
        records = [r for r in records if not r.model or model_key(r.model) == wanted]
    records.sort(key=lambda r: (_RANK[r.match], r.date))
    truncated = len(records) > limit
    kept = sorted(records[:limit], key=lambda r: (r.date, r.record, r.record_id, r.line))
    query = TraceQuery(
        serial_number=serial_number,
        match_key=key,
        fuzzy_key=serial_fuzzy_key(serial_number),
        pattern=pattern,
        manufacturer=maker,
        model=model,
    )
    return TraceResult(query=query, items=kept, truncated=truncated)


def _record(query: str, row: Any, record: str, **extra: Any) -> list[TraceRecord]:
    quality = serial_match_quality(query, row.serial_number or "")
    if quality is None:
        return []
    return [
        TraceRecord(
            record=record,
            record_id=row.record_id,
            line=row.line,
            date=row.record_date,
            country=row.country,
            mission=row.mission_code,
            match=quality,
            kind=row.kind,
            serial_number=row.serial_number,
            manufacturer=row.manufacturer,
            model=row.model,
            calibre=row.calibre,
            category=getattr(row, "category", None),
            year_of_manufacture=getattr(row, "year_of_manufacture", None),
            unit=extra.pop("unit", getattr(row, "unit", None)),
            **extra,
        )
    ]


def _invalid(msg: str) -> ValidationFailed:
    return ValidationFailed([{"loc": "query.serial_number", "msg": msg}])
