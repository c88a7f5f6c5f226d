"""``diversion`` alerts, from whichever record arrives second.

A seized, collected or destroyed item matching (by serial and maker, or by calibre and
lot) materiel a contingent declared in is raised when the declaration is indexed after
the manifest, and when the manifest ``in`` is posted after the declaration was indexed.
Both directions give one alert per (declaration, item, mission, contributing country),
with the same dedupe key, evidence and audience, so whichever comes second raises it
and a later record matching the same item raises nothing twice. A destruction that the
contributing state declares of its own equipment is not a diversion.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from services.registry.alerts import detection_repository as queries
from services.registry.alerts import repository
from services.registry.alerts.evidence import DeclarationRef
from services.registry.models import IndexedDeclaration, Manifest

MAX_MANIFEST_EVIDENCE = 50


def _own_destruction(d: DeclarationRef, contributing_country: str) -> bool:
    return d.declaration_type == "destruction" and contributing_country == d.declaring_country


def raise_for_declaration(session: Session, d: IndexedDeclaration) -> int:
    """Diversions of a just-indexed declaration against every manifest ``in``."""
    ref = DeclarationRef.of(d)
    groups: dict[tuple[int, str, str], list[Any]] = {}
    for row in queries.diversion_matches(session, declaration_id=d.declaration_id):
        if not _own_destruction(ref, row.contributing_country):
            key = (row.item_index, row.mission_code, row.contributing_country)
            groups.setdefault(key, []).append(row)
    return sum(
        _raise(session, ref, item_index=item_index, mission=mission, country=country, rows=rows)
        for (item_index, mission, country), rows in groups.items()
    )


def raise_for_manifest(session: Session, manifest: Manifest) -> int:
    """Diversions of a just-stored manifest ``in`` against the declarations indexed so far
    (one set-based query over the manifest's items)."""
    if manifest.direction != "in":
        return 0
    refs: dict[str, DeclarationRef] = {}
    groups: dict[tuple[str, int], list[Any]] = {}
    for row in queries.manifest_diversion_matches(session, manifest_id=manifest.id):
        ref = refs.setdefault(row.declaration_id, DeclarationRef.from_item_row(row))
        if not _own_destruction(ref, manifest.contributing_country):
            groups.setdefault((row.declaration_id, row.item_index), []).append(row)
    return sum(
        _raise(
            session,
            refs[declaration_id],
            item_index=item_index,
            mission=manifest.mission_code,
            country=manifest.contributing_country,
            rows=rows,
        )
        for (declaration_id, item_index), rows in groups.items()
    )


def _raise(
    session: Session,
    d: DeclarationRef,
    *,
    item_index: int,
    mission: str,
    country: str,
    rows: list[Any],
) -> int:
    first = rows[0]
    declared = first.declared_serial if first.kind == "weapon" else first.declared_lot
    recorded = first.manifest_serial if first.kind == "weapon" else first.manifest_lot
    quality = "exact" if (declared or "").strip() == (recorded or "").strip() else "normalized"
    summary = (
        f"{d.declaration_type.capitalize()} by {d.declaring_country} on "
        f"{d.event_date.isoformat()}: {first.kind} {declared!r} matches ({quality}) "
        f"{recorded!r} declared in to {mission} by {country}"
    )
    evidence = {
        "declaration": d.evidence(),
        "item_index": item_index,
        "declared": declared,
        "match": quality,
        "manifests": [
            {
                "manifest_id": r.manifest_id,
                "line": r.line,
                "crossing_date": r.crossing_date.isoformat(),
                "unit": r.unit,
                "recorded": r.manifest_serial if r.kind == "weapon" else r.manifest_lot,
                "manufacturer": r.manufacturer,
                "model": r.model,
            }
            for r in rows[:MAX_MANIFEST_EVIDENCE]
        ],
    }
    new = repository.raise_alert(
        session,
        kind="diversion",
        dedupe_key=f"diversion:{d.declaration_id}:{item_index}:{mission}:{country}",
        summary=summary,
        country=country,
        mission=mission,
        declaration_id=d.declaration_id,
        record_date=d.event_date,
        evidence=evidence,
        audience=[(country, d.event_date, False), (d.declaring_country, d.event_date, True)],
        actor=repository.SYSTEM_ACTOR,
    )
    return int(new is not None)
