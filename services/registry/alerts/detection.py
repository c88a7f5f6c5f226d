"""When alerts are raised: rules run inside the transaction of the record that causes them.

- ``diversion``: a seized, collected or destroyed item whose serial (weapons) or lot
  (ammunition) matches, exactly or once normalized, materiel a contingent declared in.
  Not raised for a destruction the contributing state declares of its own COE (that is
  reconciliation's "destroyed"). Seen by the contributing state and by the secretariats
  of the contributing and the declaring states (per membership at the event date).
- ``linkage``: recoveries (seizure, collection) in different declarations sharing
  manufacturer, model and year (weapons) or calibre, manufacturer, year and lot
  (ammunition). Seen by both declaring states and their secretariats.
- ``embargo``: items made after the start of an embargo on the country where they were
  found (and not after its end). Seen by the declaring state and its secretariats.
- ``unreturned``: weapons still held when a contingent's rotation closed (an ``out``
  manifest with ``closes_rotation``) or when its mission ended (``regctl alerts scan``).

"Possible" (fuzzy) matches never raise alerts: matching here is on stored keys only.
Every alert has a dedupe key, so re-delivering or re-scanning raises nothing twice.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from sqlmodel import Session

from services.registry.alerts import detection_queries as queries
from services.registry.alerts import repository
from services.registry.models import IndexedDeclaration, Manifest

SYSTEM_ACTOR = "registry"


def raise_for_declaration(*, session: Session, declaration: IndexedDeclaration) -> int:
    """Raise the diversion, linkage and embargo alerts of a just-indexed declaration;
    returns how many new alerts were raised."""
    return (
        _raise_diversions(session, declaration)
        + _raise_linkages(session, declaration)
        + _raise_embargoes(session, declaration)
    )


def _raise_diversions(session: Session, d: IndexedDeclaration) -> int:
    groups: dict[tuple[int, str, str], list[Any]] = defaultdict(list)
    for row in queries.diversion_matches(session, declaration_id=d.declaration_id):
        own_destruction = (
            d.declaration_type == "destruction" and row.contributing_country == d.declaring_country
        )
        if not own_destruction:
            groups[(row.item_index, row.mission_code, row.contributing_country)].append(row)
    raised = 0
    for (item_index, mission, country), rows in groups.items():
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
            "declaration": _declaration_evidence(d),
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
                for r in rows[:50]
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
            actor=SYSTEM_ACTOR,
        )
        raised += new is not None
    return raised


def _raise_linkages(session: Session, d: IndexedDeclaration) -> int:
    if d.declaration_type not in queries.RECOVERIES:
        return 0
    raised = 0
    for row in queries.linked_declarations(session, declaration_id=d.declaration_id):
        signature = {
            k: row._mapping[k]
            for k in (
                "manufacturer_key",
                "model_key",
                "calibre_key",
                "lot_key",
                "year_of_manufacture",
            )
            if k in row._mapping
        }
        first, second = sorted((d.declaration_id, row.declaration_id))
        sig_text = "|".join(f"{k}={v}" for k, v in sorted(signature.items()))
        described = ", ".join(str(v) for v in signature.values())
        new = repository.raise_alert(
            session,
            kind="linkage",
            dedupe_key=f"linkage:{first}:{second}:{row.kind}:{sig_text}"[:400],
            summary=(
                f"Recoveries {d.declaration_id} ({d.declaring_country}, "
                f"{d.event_date.isoformat()}) and {row.declaration_id} ({row.declaring_country}, "
                f"{row.event_date.isoformat()}) share {row.kind} {described}"
            ),
            country=d.declaring_country,
            mission=d.mission_code,
            declaration_id=d.declaration_id,
            record_date=d.event_date,
            evidence={
                "kind": row.kind,
                "signature": signature,
                "declarations": [
                    _declaration_evidence(d),
                    {
                        "declaration_id": row.declaration_id,
                        "declaring_country": row.declaring_country,
                        "event_date": row.event_date.isoformat(),
                        "location_country": row.location_country,
                        "place": row.place,
                        "matching_items": int(row.items),
                    },
                ],
            },
            audience=[
                (d.declaring_country, d.event_date, False),
                (row.declaring_country, row.event_date, False),
            ],
            actor=SYSTEM_ACTOR,
        )
        raised += new is not None
    return raised


def _raise_embargoes(session: Session, d: IndexedDeclaration) -> int:
    raised = 0
    for embargo in queries.embargoes_for(session, d.location_country):
        if d.event_date < embargo.starts_on:
            continue
        count, rows = queries.items_made_between(
            session,
            declaration_id=d.declaration_id,
            after_year=embargo.starts_on.year,
            until_year=embargo.ends_on.year if embargo.ends_on else None,
        )
        if not count:
            continue
        new = repository.raise_alert(
            session,
            kind="embargo",
            dedupe_key=f"embargo:{d.declaration_id}:{embargo.id}",
            summary=(
                f"{count} item(s) found in {d.location_country} by {d.declaring_country} on "
                f"{d.event_date.isoformat()} were made after the embargo of "
                f"{embargo.starts_on.isoformat()} ({embargo.reference})"
            ),
            country=d.declaring_country,
            mission=d.mission_code,
            declaration_id=d.declaration_id,
            record_date=d.event_date,
            evidence={
                "declaration": _declaration_evidence(d),
                "embargo": {
                    "id": embargo.id,
                    "country": embargo.country,
                    "starts_on": embargo.starts_on.isoformat(),
                    "ends_on": embargo.ends_on.isoformat() if embargo.ends_on else None,
                    "reference": embargo.reference,
                },
                "item_count": count,
                "items": [dict(r._mapping) for r in rows],
            },
            audience=[(d.declaring_country, d.event_date, False)],
            actor=SYSTEM_ACTOR,
        )
        raised += new is not None
    return raised


def raise_unreturned_for_manifest(*, session: Session, manifest: Manifest) -> int:
    """After an ``out`` manifest closing a rotation: one alert listing the weapons the
    contingent still holds in the mission area (0 or 1 alert)."""
    if manifest.direction != "out" or not manifest.closes_rotation:
        return 0
    return _raise_unreturned(
        session,
        mission=manifest.mission_code,
        country=manifest.contributing_country,
        on=manifest.crossing_date,
        reason=f"rotation closed by out manifest {manifest.id}",
        dedupe=f"unreturned:{manifest.mission_code}:{manifest.contributing_country}:{manifest.id}",
    )


def scan_ended_missions(*, session: Session, today: date) -> int:
    """For every mission whose end date has passed: one alert per contingent still holding
    weapons there. Idempotent (one alert per mission and contingent)."""
    raised = 0
    for mission in queries.ended_missions(session, today=today):
        assert mission.end_date is not None
        for country in queries.contingents_of(session, mission.code):
            raised += _raise_unreturned(
                session,
                mission=mission.code,
                country=country,
                on=mission.end_date,
                reason=f"mission {mission.code} ended on {mission.end_date.isoformat()}",
                dedupe=f"unreturned:{mission.code}:{country}:mission-ended",
            )
    return raised


def _raise_unreturned(
    session: Session, *, mission: str, country: str, on: date, reason: str, dedupe: str
) -> int:
    held = queries.weapons_still_held(session, mission=mission, country=country)
    if not held:
        return 0
    new = repository.raise_alert(
        session,
        kind="unreturned",
        dedupe_key=dedupe,
        summary=f"{len(held)} weapon(s) of {country} not taken out of {mission}: {reason}",
        country=country,
        mission=mission,
        declaration_id=None,
        record_date=on,
        evidence={
            "reason": reason,
            "weapons": [
                {
                    "serial_number": r.serial_number,
                    "manufacturer": r.manufacturer,
                    "model": r.model,
                    "balance": int(r.balance),
                }
                for r in held
            ],
            "truncated": len(held) >= queries.MAX_EVIDENCE,
        },
        audience=[(country, on, False)],
        actor=SYSTEM_ACTOR,
    )
    return int(new is not None)


def _declaration_evidence(d: IndexedDeclaration) -> dict[str, Any]:
    return {
        "declaration_id": d.declaration_id,
        "version": d.version,
        "type": d.declaration_type,
        "declaring_country": d.declaring_country,
        "mission": d.mission_code,
        "event_date": d.event_date.isoformat(),
        "location_country": d.location_country,
        "place": d.place,
    }
