"""Trace: one weapon's story across manifests, loss reports and declarations."""

from __future__ import annotations

import functools
from typing import Any

from sqlmodel import Session

from services.common.errors import ValidationFailed
from services.common.identifiers import (
    SerialQuery,
    has_serial_wildcards,
    normalize_serial,
    serial_fuzzy_key,
    serial_like_pattern,
    serial_probe_keys,
)
from services.common.security import ReadScope
from services.registry.identifier_keys import manufacturer_key
from services.registry.index.service import model_key
from services.registry.ledger import declared_items, loss_items, manifest_items
from services.registry.trace import repository
from services.registry.trace.candidates import fuzzy_key_candidates, match_key_candidates
from services.registry.trace.schemas import TraceResult

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

    Candidates come from indexed keys only: the query's neighbours in the serial
    neighbourhood index (``trace.neighbours``), or, while that index has a backlog, the
    query's whole one-edit neighbourhood (``trace.candidates``); tenancy is a
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
    matcher = SerialQuery(serial_number)
    maker = manufacturer_key(manufacturer) if manufacturer else None
    mi, li, di = manifest_items, loss_items, declared_items
    dialect = session.get_bind().dialect.name
    how: repository.KeyMatch = "neighbours"
    if pattern is not None:
        how, parameters = "like", repository.key_parameters(dialect, like=pattern)
    else:
        parameters = repository.key_parameters(dialect, probes=serial_probe_keys(serial_number))
    visible = (
        scope.clause(mi.c.contributing_country, mi.c.crossing_date),
        scope.clause(li.c.contributing_country, li.c.loss_date),
        scope.clause(di.c.declaring_country, di.c.event_date),
    )
    search = functools.partial(
        repository.candidates,
        session,
        visible=visible,
        manufacturer_key=maker or None,
        serial_key=key,
        limit=2 * limit + 1,
    )
    rows = search(how=how, parameters=parameters)
    if rows is None:
        # Some record is not in the neighbourhood index yet: probe the whole neighbourhood.
        rows = search(
            how="probe",
            parameters=repository.key_parameters(
                dialect,
                keys=match_key_candidates(serial_number),
                fuzzy_keys=fuzzy_key_candidates(serial_number),
            ),
        )
    assert rows is not None  # only the neighbours lookup reports a backlog
    records = [record for row in rows if (record := _record(matcher, row)) is not None]
    if model:
        wanted = model_key(model)
        records = [r for r in records if not r["model"] or model_key(r["model"]) == wanted]
    records.sort(key=lambda r: (_RANK[r["match"]], r["date"]))
    truncated = len(records) > limit
    kept = sorted(
        records[:limit], key=lambda r: (r["date"], r["record"], r["record_id"], r["line"])
    )
    query = {
        "serial_number": serial_number,
        "match_key": key,
        "fuzzy_key": serial_fuzzy_key(serial_number),
        "pattern": pattern,
        "manufacturer": maker,
        "model": model,
    }
    # Validated once, as a whole (pydantic-core walks the records in one call).
    return TraceResult.model_validate({"query": query, "items": kept, "truncated": truncated})


def _record(matcher: SerialQuery, row: Any) -> dict[str, Any] | None:
    quality = matcher.quality(row.serial_number or "", row.serial_key)
    if quality is None:
        return None
    if row.source == "manifest":
        kind: str = "manifest_in" if row.direction == "in" else "manifest_out"
    elif row.source == "loss_report":
        kind = "loss_report"
    else:
        kind = row.declaration_type
    location = None
    if row.source == "declaration":
        location = {
            "country": row.location_country,
            "place": row.place,
            "lat": row.lat,
            "lon": row.lon,
        }
    return dict(  # noqa: C408 - the TraceRecord fields, by name
        record=kind,
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
        category=row.category,
        year_of_manufacture=row.year_of_manufacture,
        unit=row.unit,
        loss_type=row.loss_type,
        place=row.place if row.source == "loss_report" else None,
        location=location,
        declaration_version=row.declaration_version,
    )


def _invalid(msg: str) -> ValidationFailed:
    return ValidationFailed([{"loc": "query.serial_number", "msg": msg}])
