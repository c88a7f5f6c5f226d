"""Trace: one weapon's story across manifests, loss reports and declarations."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from services.common.errors import ValidationFailed
from services.common.hot_reads import HotReads
from services.common.identifiers import (
    SerialQuery,
    has_serial_wildcards,
    manufacturer_key,
    model_key,
    normalize_serial,
    serial_fuzzy_key,
    serial_like_pattern,
    serial_probe_keys,
)
from services.common.security import ReadScope
from services.registry.trace import repository
from services.registry.trace.candidates import fuzzy_key_candidates, match_key_candidates
from services.registry.trace.schemas import TraceResult

_RANK = {"exact": 0, "normalized": 1, "possible": 2}


@dataclass(frozen=True)
class TracePlan:
    """A trace query understood: its statement, and what shapes its result."""

    serial_number: str
    key: str
    pattern: str | None
    maker: str | None
    model: str | None
    limit: int
    lookup: repository.Lookup
    # Probing, when the index has a backlog (built then: ~600 keys per source).
    fallback: Callable[[], repository.Lookup] | None


def plan(
    *,
    dialect: str,
    scope: ReadScope,
    serial_number: str,
    manufacturer: str | None,
    model: str | None,
    limit: int,
) -> TracePlan:
    """Check the query and build its statement (422 for a query without a usable key).

    Candidates come from indexed keys only: the match keys the serial neighbourhood
    index lists for the query's probe keys (``serial_index``), or, while that index
    has a backlog, the query's whole one-edit neighbourhood (``trace.candidates``), or
    a wildcard pattern on the match key. Tenancy is the repository's SQL filter on each
    source (country and date of the record).
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
    lookup = functools.partial(
        repository.candidates,
        dialect=dialect,
        scope=scope,
        manufacturer_key=maker or None,
        serial_key=key,
        limit=2 * limit + 1,
    )
    fallback = None
    if pattern is not None:
        # A long literal prefix or suffix: its range; a legible middle: PostgreSQL's
        # trigram indexes; SQLite: the prefix's range (repository.pattern_match).
        how = repository.pattern_match(dialect, pattern)
        first = lookup(
            how=how, parameters=repository.key_parameters(dialect, like=pattern, how=how)
        )
    else:
        probes = serial_probe_keys(serial_number)
        first = lookup(
            how="neighbours", parameters=repository.key_parameters(dialect, probes=probes)
        )

        def fallback() -> repository.Lookup:
            return lookup(
                how="probe",
                parameters=repository.key_parameters(
                    dialect,
                    keys=match_key_candidates(serial_number),
                    fuzzy_keys=fuzzy_key_candidates(serial_number),
                ),
            )

    return TracePlan(serial_number, key, pattern, maker or None, model, limit, first, fallback)


def result(plan: TracePlan, rows: Sequence[Any]) -> TraceResult:
    """Classify the candidate rows and keep at most ``limit`` records in date order; when
    more matched, exact and normalized ones are kept first (each source returned its
    closest rows first, then the oldest)."""
    matcher = SerialQuery(plan.serial_number)
    records = [record for row in rows if (record := _record(matcher, row)) is not None]
    if plan.model:
        wanted = model_key(plan.model)
        records = [r for r in records if not r["model"] or model_key(r["model"]) == wanted]
    records.sort(key=lambda r: (_RANK[r["match"]], r["date"]))
    truncated = len(records) > plan.limit
    kept = sorted(
        records[: plan.limit], key=lambda r: (r["date"], r["record"], r["record_id"], r["line"])
    )
    query = {
        "serial_number": plan.serial_number,
        "match_key": plan.key,
        "fuzzy_key": serial_fuzzy_key(plan.serial_number),
        "pattern": plan.pattern,
        "manufacturer": plan.maker,
        "model": plan.model,
    }
    # Validated once, as a whole (pydantic-core walks the records in one call).
    return TraceResult.model_validate({"query": query, "items": kept, "truncated": truncated})


async def trace(
    *,
    reads: HotReads,
    scope: ReadScope,
    serial_number: str,
    manufacturer: str | None,
    model: str | None,
    limit: int,
) -> TraceResult:
    """Every record of a weapon the caller may read, in date order, each with its match
    quality: ``exact``, ``normalized`` or ``possible`` (one edit or transposition,
    look-alike characters, a ``*``/``?`` wildcard for obliterated characters, or a declared
    weapon whose ``partial`` serial's legible part the query's serial contains). Weapons
    declared with an ``obliterated`` serial or ``none`` are never matched by serial."""
    traced = plan(
        dialect=reads.engine.dialect.name,
        scope=scope,
        serial_number=serial_number,
        manufacturer=manufacturer,
        model=model,
        limit=limit,
    )
    first = traced.lookup
    rows = await reads.fetch(first.statement, first.parameters, plan_each_time=first.plan_each_time)
    if traced.fallback is not None and repository.queued(rows):
        # Some record is not in the neighbourhood index yet: probe the whole neighbourhood.
        probing = traced.fallback()
        rows = await reads.fetch(probing.statement, probing.parameters)
    return result(traced, rows)


def _record(matcher: SerialQuery, row: Any) -> dict[str, Any] | None:
    if row.matched_on == "lot":
        # Ordnance or an explosive whose lot's match key is the query's (the statement
        # compared the keys).
        same = (row.lot_number or "").strip() == matcher.stripped
        quality: str | None = "exact" if same else "normalized"
    elif row.serial_status == "partial":
        # The statement matched the query against the legible part's pattern.
        quality = "possible"
    else:
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
        serial_status=row.serial_status,
        matched_on=row.matched_on,
        lot_number=row.lot_number if row.matched_on == "lot" else None,
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
