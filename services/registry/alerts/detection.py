"""When alerts are raised: rules run inside the transaction of the record that causes them.

- ``diversion``: a seized, collected or destroyed item whose serial (weapons) or lot
  (ammunition) matches, exactly or once normalized, materiel a contingent declared in.
  Not raised for a destruction the contributing state declares of its own COE (that is
  reconciliation's "destroyed"). Seen by the contributing state and by the secretariats
  of the contributing and the declaring states (per membership at the event date).
- ``linkage``: recoveries (seizure, collection) from different incidents (a declaration
  naming none is an incident of its own) sharing manufacturer, model and year
  (weapons: one alert per pair of declarations) or calibre, maker, year and the lot
  when there is one (ammunition: one alert per signature group naming every
  declaration in it, :mod:`.ammunition_linkage`). Seen by the declaring states and
  their secretariats.
- ``embargo``: items made after the start of an embargo on the country where they were
  found (and not after its end). Seen by the declaring state and its secretariats.
- ``destroyed_twice``: a destruction of weapons (serial and manufacturer keys) that
  another declaring state also declared destroyed. The declarations service checks
  "destroyed once" per state only (a state learns nothing of others' records), so the
  duplicate across states surfaces here: seen only by the secretariats that may read both
  declarations (every audience row must admit the caller).
- ``context_amended``: an amendment that changed a declaration's event date, location
  country or mission (it moves the record between secretariats' periods, or out of a
  mission). Seen by the secretariats of the declaring state at the old and the new date.
- ``unreturned``: weapons still held when a contingent's rotation closed (an ``out``
  manifest with ``closes_rotation``) or when its mission ended (``regctl alerts scan``).

Diversions and embargoes are raised by whichever record comes second: a declaration
indexed after the manifest or embargo, or a manifest ``in`` / an embargo arriving after
the declaration (:mod:`.diversions`, :mod:`.embargo_alerts`). Matching runs under one
lock (:func:`repository.lock_matching`) so that two records committing at the same time
cannot both miss each other; manifests hold it shared, as they never match each other.

"Possible" (fuzzy) matches never raise alerts: matching here is on stored keys only.
Every alert has a dedupe key, so re-delivering or re-scanning raises nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from services.registry.alerts import ammunition_linkage, diversions, embargo_alerts, repository
from services.registry.alerts import detection_repository as queries
from services.registry.alerts.evidence import DeclarationRef
from services.registry.models import Embargo, IndexedDeclaration, Manifest


def raise_for_declaration(*, session: Session, declaration: IndexedDeclaration) -> int:
    """Raise the diversion, linkage and embargo alerts of a just-indexed declaration;
    returns how many new alerts were raised."""
    repository.lock_matching(session)
    return (
        diversions.raise_for_declaration(session, declaration)
        + _raise_linkages(session, declaration)
        + ammunition_linkage.raise_for_declaration(session, declaration)
        + embargo_alerts.raise_for_declaration(session, declaration)
        + _raise_destroyed_twice(session, declaration)
    )


def raise_for_amendment(
    *, session: Session, before: DeclarationContext, declaration: IndexedDeclaration
) -> int:
    """Raise ``context_amended`` when a newer version of an indexed declaration changed its
    event date, location country or mission (0 or 1 alert)."""
    after = DeclarationContext.of(declaration)
    if after == before:
        return 0
    changes = {
        field: {"from": _text(getattr(before, field)), "to": _text(getattr(after, field))}
        for field in ("event_date", "location_country", "mission")
        if getattr(before, field) != getattr(after, field)
    }
    described = "; ".join(f"{k} {v['from']} -> {v['to']}" for k, v in changes.items())
    d = declaration
    new = repository.raise_alert(
        session,
        kind="context_amended",
        dedupe_key=f"context_amended:{d.declaration_id}:{d.version}",
        summary=f"Declaration {d.declaration_id} ({d.declaring_country}) amended to version"
        f" {d.version}: {described}",
        country=d.declaring_country,
        mission=d.mission_code or before.mission,
        declaration_id=d.declaration_id,
        record_date=d.event_date,
        evidence={"version": d.version, "changes": changes},
        audience=[
            (d.declaring_country, before.event_date, True),
            (d.declaring_country, after.event_date, True),
        ],
        actor=repository.SYSTEM_ACTOR,
    )
    return int(new is not None)


@dataclass(frozen=True)
class DeclarationContext:
    """What places an indexed declaration among secretariats and missions."""

    event_date: date
    location_country: str
    mission: str | None

    @classmethod
    def of(cls, declaration: IndexedDeclaration) -> DeclarationContext:
        """The context of a declaration as indexed now."""
        return cls(declaration.event_date, declaration.location_country, declaration.mission_code)


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _raise_destroyed_twice(session: Session, d: IndexedDeclaration) -> int:
    if d.declaration_type != "destruction":
        return 0
    raised = 0
    for row in queries.destroyed_by_other_states(session, declaration_id=d.declaration_id):
        first, second = sorted((d.declaration_id, row.declaration_id))
        new = repository.raise_alert(
            session,
            kind="destroyed_twice",
            dedupe_key=f"destroyed_twice:{first}:{second}",
            summary=(
                f"Destructions {d.declaration_id} ({d.declaring_country}, "
                f"{d.event_date.isoformat()}) and {row.declaration_id} ({row.declaring_country},"
                f" {row.event_date.isoformat()}) both destroy {int(row.items)} weapon(s),"
                f" serial {row.first_serial} among them"
            ),
            country=d.declaring_country,
            mission=d.mission_code,
            declaration_id=d.declaration_id,
            record_date=d.event_date,
            evidence={
                "weapons": int(row.items),
                "declarations": [
                    DeclarationRef.of(d).evidence(),
                    {
                        "declaration_id": row.declaration_id,
                        "declaring_country": row.declaring_country,
                        "event_date": row.event_date.isoformat(),
                        "location_country": row.location_country,
                        "place": row.place,
                    },
                ],
            },
            audience=[
                (d.declaring_country, d.event_date, True),
                (row.declaring_country, row.event_date, True),
            ],
            actor=repository.SYSTEM_ACTOR,
            every_audience=True,
        )
        raised += new is not None
    return raised


def raise_for_manifest(*, session: Session, manifest: Manifest) -> int:
    """Raise the alerts of a just-stored manifest: diversions of an ``in`` matching items
    already declared seized, collected or destroyed, and ``unreturned`` for an ``out``
    closing a rotation. Returns how many new alerts were raised."""
    raised = 0
    if manifest.direction == "in":
        repository.lock_matching(session, shared=True)  # manifests never match each other
        raised += diversions.raise_for_manifest(session, manifest)
    return raised + raise_unreturned_for_manifest(session=session, manifest=manifest)


def screen_indexed_for_embargo(*, session: Session, embargo: Embargo) -> int:
    """Raise the embargo alerts of a just-configured embargo over the declarations already
    indexed (later ones are screened as they are indexed)."""
    repository.lock_matching(session)
    return embargo_alerts.raise_for_embargo(session, embargo)


def close_alerts_of_narrowed_embargo(*, session: Session, embargo: Embargo, why: str) -> int:
    """Close, each with a note saying ``why``, the alerts of an embargo just withdrawn or
    narrowed that it no longer raises; nothing is deleted."""
    repository.lock_matching(session)
    return embargo_alerts.close_no_longer_raised(session, embargo, why=why)


def _raise_linkages(session: Session, d: IndexedDeclaration) -> int:
    if d.declaration_type not in queries.RECOVERIES:
        return 0
    raised = 0
    for row in queries.linked_declarations(
        session, declaration_id=d.declaration_id, incident_id=d.incident_id
    ):
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
                    DeclarationRef.of(d).evidence(),
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
            actor=repository.SYSTEM_ACTOR,
        )
        raised += new is not None
    return raised


def raise_unreturned_for_manifest(*, session: Session, manifest: Manifest) -> int:
    """After an ``out`` manifest closing a rotation: one alert listing the weapons the
    unit (country and unit: a contingent) still holds in the mission area, that is whose
    latest in-movement was that unit's (0 or 1 alert)."""
    if manifest.direction != "out" or not manifest.closes_rotation:
        return 0
    return _raise_unreturned(
        session,
        mission=manifest.mission_code,
        country=manifest.contributing_country,
        unit=manifest.unit,
        on=manifest.crossing_date,
        reason=f"rotation of {manifest.unit} closed by out manifest {manifest.id}",
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
    session: Session,
    *,
    mission: str,
    country: str,
    on: date,
    reason: str,
    dedupe: str,
    unit: str | None = None,
) -> int:
    held = queries.weapons_still_held(session, mission=mission, country=country, unit=unit)
    if not held:
        return 0
    holder = f"{country} ({unit})" if unit is not None else country
    new = repository.raise_alert(
        session,
        kind="unreturned",
        dedupe_key=dedupe,
        summary=f"{len(held)} weapon(s) of {holder} not taken out of {mission}: {reason}",
        country=country,
        mission=mission,
        declaration_id=None,
        record_date=on,
        evidence={
            "reason": reason,
            "unit": unit,
            "weapons": [
                {
                    "serial_number": r.serial_number,
                    "manufacturer": r.manufacturer,
                    "model": r.model,
                    "unit": r.unit,
                    "balance": int(r.balance),
                }
                for r in held
            ],
            "truncated": len(held) >= queries.MAX_EVIDENCE,
        },
        audience=[(country, on, False)],
        actor=repository.SYSTEM_ACTOR,
    )
    return int(new is not None)
