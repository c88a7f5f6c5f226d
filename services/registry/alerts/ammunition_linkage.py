"""Ammunition ``linkage`` alerts: one per signature group, across incidents.

A signature is calibre + maker + year of manufacture, and the lot when the item has
one (packaging carries lots; cartridge cases never do): ammunition without a lot is
linked on calibre, maker and year alone (the maker and year as declared, or read
from the headstamp, see ``field_reference.resolution``). A recovery (seizure,
collection) holding ammunition of a signature joins that signature's group.

A group raises one alert once its members come from two incidents or more (a
declaration naming no incident is an incident of its own): ammunition found twice at
one attack site links nothing. The alert names every declaration of the group, with
its incident, place, presumed user (and the armed group it resolves to) and what
matched. A later member joins the open (or acknowledged) alert: its evidence and
audience grow and an event says which declaration joined; no second alert. After
the group's alert was closed, a new member raises a new alert for the group
(``<dedupe key>#2``...), naming every member again.
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy.engine import Row
from sqlmodel import Session

from services.registry.alerts import linkage_repository as queries
from services.registry.alerts import repository
from services.registry.alerts.detection_repository import MAX_LINKED
from services.registry.models import IndexedDeclaration


def raise_for_declaration(session: Session, d: IndexedDeclaration) -> int:
    """Raise or grow the alert of each signature group a just-indexed recovery joined;
    returns how many new alerts were raised (a grown one counts 0)."""
    raised = 0
    for signature in queries.ammunition_signatures(session, declaration_id=d.declaration_id):
        raised += _raise_or_grow(session, d, signature)
    return raised


def incident_key(row: Any) -> str:
    """The incident a member comes from: the one it names, else its own."""
    return str(row.incident_id) if row.incident_id else f"declaration:{row.declaration_id}"


def _raise_or_grow(session: Session, d: IndexedDeclaration, signature: Row[Any]) -> int:
    members = queries.signature_members(session, signature)
    incidents = {incident_key(m) for m in members}
    if len(incidents) < 2:
        return 0
    described = _signature(signature)
    text = "|".join(f"{k}={described[k]}" for k in queries.SIGNATURE)
    base = "linkage:ammunition:" + hashlib.sha256(text.encode()).hexdigest()[:40]
    first = members[0]
    maker = first.headstamp_maker or first.manufacturer or signature.manufacturer_key
    lot = f", lot {signature.lot_key}" if signature.lot_key else ""
    summary = (
        f"Ammunition {first.calibre}, {maker}, {signature.year_of_manufacture}{lot} recovered"
        f" in {len(members)} declarations from {len(incidents)} incidents"
    )
    evidence = {
        "kind": "ammunition",
        "signature": described,
        "incidents": len(incidents),
        "declarations": [_member(m) for m in members],
        "truncated": len(members) >= MAX_LINKED,
    }
    audience = [(m.declaring_country, m.event_date, False) for m in members]
    latest = queries.latest_alert_of_group(session, base)
    if latest is not None and latest.status in ("open", "acknowledged"):
        repository.grow_alert(
            session,
            alert_id=latest.id,
            summary=summary,
            evidence=evidence,
            audience=audience,
            note=f"Declaration {d.declaration_id} ({d.declaring_country},"
            f" {d.event_date.isoformat()}) joined the group",
            actor=repository.SYSTEM_ACTOR,
        )
        return 0
    dedupe = base
    if latest is not None:  # closed: a new generation
        dedupe = f"{base}#{queries.generations_of_group(session, base) + 1}"
    new = repository.raise_alert(
        session,
        kind="linkage",
        dedupe_key=dedupe,
        summary=summary,
        country=d.declaring_country,
        mission=d.mission_code,
        declaration_id=d.declaration_id,
        record_date=d.event_date,
        evidence=evidence,
        audience=audience,
        actor=repository.SYSTEM_ACTOR,
    )
    return int(new is not None)


def _signature(signature: Row[Any]) -> dict[str, Any]:
    return {k: getattr(signature, k) for k in queries.SIGNATURE}


def _member(m: Row[Any]) -> dict[str, Any]:
    return {
        "declaration_id": m.declaration_id,
        "version": int(m.declaration_version),
        "declaring_country": m.declaring_country,
        "event_date": m.event_date.isoformat(),
        "location_country": m.location_country,
        "place": m.place,
        "incident_id": m.incident_id,
        "presumed_user": m.presumed_user,
        "armed_group": m.armed_group,
        "matching_items": int(m.items),
        "quantity": int(m.quantity),
        "calibre": m.calibre,
        "manufacturer": m.manufacturer,
        "headstamp": m.headstamp,
        "headstamp_maker": m.headstamp_maker,
        "condition": m.condition or "live",
    }
