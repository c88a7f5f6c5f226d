"""Rules on loss reports: items must be materiel the contingent declared in and still holds."""

from __future__ import annotations

import uuid
from typing import Any

from sqlmodel import Session

from services.common.errors import NotFound, ValidationFailed
from services.common.identifiers import calibre_key, manufacturer_key
from services.common.pagination import PageParams
from services.common.security import Principal, ReadScope, require_own_country
from services.registry import notifications, serial_index
from services.registry.identifier_keys import serial_key
from services.registry.ledger.repository import lock_contingent_ledger
from services.registry.loss_reports import repository
from services.registry.loss_reports.schemas import LossItemIn, LossReportCreate
from services.registry.missions import repository as missions
from services.registry.models import LossReport, LossReportItem

WeaponIdentity = tuple[str, str, str | None, str | None, str | None]


def create_loss_report(
    *, session: Session, principal: Principal, payload: LossReportCreate
) -> tuple[LossReport, list[LossReportItem]]:
    """Store a loss report; 422 naming every unknown serial or lot and every overdrawn one."""
    require_own_country(principal, payload.contributing_country)
    mission, country = payload.mission, payload.contributing_country
    errors: list[dict[str, str]] = []
    known = missions.get_mission(session, mission)
    if known is None:
        errors.append({"loc": "mission", "msg": f"unknown mission {mission!r}"})
    elif payload.loss_date < known.start_date:
        errors.append({"loc": "loss_date", "msg": f"before the start of {known.code}"})
    _check_fields(payload.items, errors)
    if errors:
        raise ValidationFailed(errors)
    # Manifests of this contingent wait for us (and we for them) until commit, so the
    # balance check below sees an "out" of the same weapon committed meanwhile.
    lock_contingent_ledger(session, mission=mission, country=country)
    weapons = _weapons_by_key(session, mission, country, payload.items)
    lots = repository.declared_lots(
        session,
        mission=mission,
        country=country,
        lots=[
            (calibre_key(i.calibre or ""), serial_key(i.lot_number or ""))
            for i in payload.items
            if i.kind == "ammunition"
        ],
    )
    report_id = str(uuid.uuid4())
    rows: list[dict[str, Any]] = []
    for index, item in enumerate(payload.items):
        row = _row(index, item, weapons, lots, errors)
        if row is not None:
            rows.append(
                {
                    **row,
                    "loss_report_id": report_id,
                    "line": index,
                    "mission_code": mission,
                    "contributing_country": country,
                    "loss_date": payload.loss_date,
                }
            )
    if errors:
        raise ValidationFailed(errors, detail=f"{len(errors)} problem(s); nothing was stored")
    report = LossReport(
        id=report_id,
        mission_code=mission,
        contributing_country=country,
        unit=payload.unit,
        loss_type=payload.loss_type,
        loss_date=payload.loss_date,
        place=payload.place,
        circumstance=payload.circumstance,
        lat=payload.coordinates.lat if payload.coordinates else None,
        lon=payload.coordinates.lon if payload.coordinates else None,
        circumstances=payload.circumstances,
        reference=payload.reference,
        item_count=len(rows),
        submitted_by=principal.client_id,
        submitted_by_type=principal.subject_type,
        submitted_by_org=principal.org,
    )
    repository.add_loss_report(session, report, rows)
    serial_index.enqueue(session, "loss_report", report_id)
    overdrawn = repository.overdrawn_items(
        session, report_id=report_id, mission=mission, country=country
    )
    if overdrawn:
        raise ValidationFailed(
            [
                {
                    "loc": f"items[{line}]",
                    "msg": "more than the contingent holds: already taken out or reported lost"
                    f" (balance would be {held})",
                }
                for line, held in overdrawn
            ]
        )
    notifications.emit(
        session,
        event_type="loss_report.accepted",
        subject_id=report_id,
        data={
            "id": report_id,
            "mission": mission,
            "contributing_country": country,
            "unit": payload.unit,
            "loss_type": payload.loss_type,
            "loss_date": payload.loss_date.isoformat(),
            "reference": payload.reference,
            "item_count": len(rows),
        },
        grants=notifications.readers_of(country, payload.loss_date),
    )
    return report, repository.report_items(session, report_id)


def _check_fields(items: list[LossItemIn], errors: list[dict[str, str]]) -> None:
    required = {"weapon": ("serial_number",), "ammunition": ("calibre", "lot_number", "quantity")}
    for index, item in enumerate(items):
        for name in required[item.kind]:
            if getattr(item, name) is None:
                errors.append({"loc": f"items[{index}].{name}", "msg": f"required for {item.kind}"})
        if item.kind == "weapon" and item.quantity not in (None, 1):
            errors.append({"loc": f"items[{index}].quantity", "msg": "a weapon item is one weapon"})


def _weapons_by_key(
    session: Session, mission: str, country: str, items: list[LossItemIn]
) -> dict[str, list[WeaponIdentity]]:
    keys = [serial_key(i.serial_number or "") for i in items if i.kind == "weapon"]
    by_key: dict[str, list[WeaponIdentity]] = {}
    for weapon in repository.declared_weapons(
        session, mission=mission, country=country, serial_keys=keys
    ):
        by_key.setdefault(weapon[0], []).append(weapon)
    return by_key


def _row(
    index: int,
    item: LossItemIn,
    weapons: dict[str, list[WeaponIdentity]],
    lots: set[tuple[str, str]],
    errors: list[dict[str, str]],
) -> dict[str, Any] | None:
    if item.kind == "ammunition":
        lot = (calibre_key(item.calibre or ""), serial_key(item.lot_number or ""))
        if lot not in lots:
            errors.append(
                {
                    "loc": f"items[{index}].lot_number",
                    "msg": f"no {item.calibre} lot {item.lot_number!r} was declared in by this "
                    "contingent in this mission",
                }
            )
            return None
        return {
            "kind": "ammunition",
            "serial_number": None,
            "manufacturer": item.manufacturer,
            "model": None,
            "calibre": item.calibre,
            "lot_number": item.lot_number,
            "quantity": item.quantity,
            "serial_key": None,
            "manufacturer_key": manufacturer_key(item.manufacturer) if item.manufacturer else None,
            "calibre_key": lot[0],
            "lot_key": lot[1],
        }
    key = serial_key(item.serial_number or "")
    candidates = weapons.get(key, [])
    if item.manufacturer is not None:
        wanted = manufacturer_key(item.manufacturer)
        candidates = [c for c in candidates if c[1] == wanted]
    if not candidates:
        errors.append(
            {
                "loc": f"items[{index}].serial_number",
                "msg": f"no weapon with serial {item.serial_number!r} was declared in by this "
                "contingent in this mission",
            }
        )
        return None
    if len(candidates) > 1:
        errors.append(
            {
                "loc": f"items[{index}].manufacturer",
                "msg": f"serial {item.serial_number!r} matches weapons of several manufacturers; "
                "name the manufacturer",
            }
        )
        return None
    _, maker_key, maker, model, calibre = candidates[0]
    return {
        "kind": "weapon",
        "serial_number": item.serial_number,
        "manufacturer": maker,
        "model": model,
        "calibre": calibre,
        "lot_number": None,
        "quantity": 1,
        "serial_key": key,
        "manufacturer_key": maker_key,
        "calibre_key": calibre_key(calibre) if calibre else None,
        "lot_key": None,
    }


def get_loss_report(
    *, session: Session, scope: ReadScope, report_id: str
) -> tuple[LossReport, list[LossReportItem]]:
    """A readable loss report with its items; 404 outside the caller's tenancy."""
    report = repository.get_loss_report(session, report_id)
    if report is None or not scope.allows(report.contributing_country, report.loss_date):
        raise NotFound("No such loss report", code="loss_report_not_found")
    return report, repository.report_items(session, report_id)


def list_loss_reports(
    *,
    session: Session,
    scope: ReadScope,
    params: PageParams,
    mission: str | None = None,
    country: str | None = None,
) -> tuple[list[LossReport], str | None]:
    """A page of the loss reports the caller may read."""
    return repository.list_loss_reports(
        session,
        scope=scope,
        params=params,
        mission=mission.upper() if mission else None,
        country=country.upper() if country else None,
    )
