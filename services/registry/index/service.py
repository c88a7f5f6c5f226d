"""Ingesting declarations into the index, idempotently, with their alerts.

The index is a projection of the declarations register, whose Merkle log is the
source of truth: a delivery replaces what the index holds for a declaration with
the delivered version, and the index can be rebuilt by replaying the outbox.
"""

from __future__ import annotations

import base64
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from services.common.errors import Conflict, FieldProblem, Forbidden, ValidationFailed
from services.common.identifiers import (
    calibre_key,
    has_serial_wildcards,
    manufacturer_key,
    model_key,
    serial_fuzzy_key,
    serial_like_pattern,
)
from services.common.security import Principal
from services.common.tables import column_length, utcnow
from services.common.transparency.merkle import leaf_hash
from services.common.transparency.note import Verifier
from services.registry import notifications, serial_index
from services.registry.alerts import detection
from services.registry.field_reference import service as field_reference
from services.registry.field_reference.resolution import read_headstamp
from services.registry.identifier_keys import serial_key
from services.registry.index import repository
from services.registry.index.provenance import check_against_log
from services.registry.index.schemas import (
    DeclarationDelivery,
    DeliveredItem,
    DeliveredLocation,
    DeliveredPeople,
    DeliveryResult,
)
from services.registry.models import IndexedDeclaration, IndexEvent
from services.registry.models.handles import declared_items
from services.registry.models.index import DDR_PEOPLE_CELLS

# Match keys and the field each is computed from. A key can be longer than its
# field: NFKD spells some characters out ("\ufdfa" becomes 18 letters).
KEY_FIELDS = {
    "serial_key": "serial_number",
    "fuzzy_key": "serial_number",
    "manufacturer_key": "manufacturer",
    "model_key": "model",
    "calibre_key": "calibre",
    "lot_key": "lot_number",
    "serial_pattern": "serial_number",
}


def ingest_declaration(
    *,
    session: Session,
    principal: Principal,
    delivery: DeclarationDelivery,
    log_verifier: Verifier | None,
) -> DeliveryResult:
    """Apply one delivery from the declarations outbox, once the log proves it.

    Nothing is read or stored before the delivery is checked against the declarations
    log (``provenance.check_against_log``, with ``log_verifier``): an entry the log does
    not hold, or a record it does not commit to, is refused whoever sends it. Then:

    - an ``event_id`` seen before changes nothing: ``duplicate``;
    - an ``upsert`` whose version is not newer than the indexed one, or any delivery for
      a disposed declaration, changes nothing: ``stale``;
    - a newer ``upsert`` replaces the declaration's indexed items and raises its
      diversion, linkage, embargo and destroyed-twice alerts in the same transaction, and
      ``context_amended`` when it changed the event date, location country or mission:
      ``indexed``;
    - a ``dispose`` (content disposal after the retention period) removes the items:
      ``disposed``. Alerts already raised stay, with their evidence, for the audit trail.

    Only the operator's service clients hold ``index:write`` (403 otherwise).
    """
    if principal.org_type != "operator":
        raise Forbidden("Only the operator's service clients feed the index", code="forbidden")
    check_against_log(delivery, verifier=log_verifier)
    result = DeliveryResult(
        status="duplicate", declaration_id=delivery.declaration_id, version=delivery.version
    )
    if repository.event_seen(session, delivery.event_id):
        return result
    current = repository.get_declaration(session, delivery.declaration_id)
    if _is_stale(current, delivery):
        result.status = "stale"
    elif delivery.action == "dispose":
        result.status = "disposed"
        _dispose(session, current, delivery)
    else:
        result.status = "indexed"
        before = None if current is None else detection.DeclarationContext.of(current)
        declaration = _replace(session, current, delivery)
        result.alerts = detection.raise_for_declaration(session=session, declaration=declaration)
        if before is not None:
            result.alerts += detection.raise_for_amendment(
                session=session, before=before, declaration=declaration
            )
        _notify(session, declaration, amended=current is not None)
    event = IndexEvent(
        event_id=delivery.event_id,
        declaration_id=delivery.declaration_id,
        version=delivery.version,
        action=delivery.action,
        status=result.status,
        received_by=principal.client_id,
    )
    try:
        repository.record_event(session, event)
    except IntegrityError as exc:
        raise Conflict(
            "The same delivery is being applied concurrently; retry", code="concurrent_delivery"
        ) from exc
    return result


def _notify(session: Session, d: IndexedDeclaration, *, amended: bool) -> None:
    """``declaration.accepted`` (first indexed) or ``declaration.amended`` (a newer
    version), to whoever reads the declaring state's records of its date."""
    notifications.emit(
        session,
        event_type="declaration.amended" if amended else "declaration.accepted",
        subject_id=d.declaration_id,
        data={
            "declaration_id": d.declaration_id,
            "version": d.version,
            "declaration_type": d.declaration_type,
            "declaring_country": d.declaring_country,
            "mission": d.mission_code,
            "event_date": d.event_date.isoformat(),
            "location_country": d.location_country,
            "item_count": d.item_count,
        },
        grants=notifications.readers_of(d.declaring_country, d.event_date),
    )


def _is_stale(current: IndexedDeclaration | None, delivery: DeclarationDelivery) -> bool:
    if current is None:
        return False
    if current.disposed:
        return True
    if delivery.action == "dispose":
        return delivery.version < current.version
    return delivery.version <= current.version


def _dispose(
    session: Session, current: IndexedDeclaration | None, delivery: DeclarationDelivery
) -> None:
    serial_index.hold_queued(session, "declaration", delivery.declaration_id)
    disposed = repository.item_serial_keys(session, delivery.declaration_id)
    repository.delete_items(session, delivery.declaration_id)
    serial_index.forget_keys(session, disposed)
    declaration = current or _header(None, delivery)
    declaration.version = max(declaration.version, delivery.version)
    declaration.disposed = True
    declaration.item_count = 0
    declaration.place = declaration.lat = declaration.lon = None
    _set_ddr_people(declaration, None)
    declaration.updated_at = utcnow()
    repository.save_declaration(session, declaration)


def _replace(
    session: Session, current: IndexedDeclaration | None, delivery: DeclarationDelivery
) -> IndexedDeclaration:
    declaration = _header(current, delivery)
    try:
        repository.save_declaration(session, declaration)
    except IntegrityError as exc:
        raise Conflict(
            "Another version of this declaration is being indexed; retry",
            code="concurrent_delivery",
        ) from exc
    rows = [_item_row(delivery, item) for item in delivery.items]
    _check_key_lengths(rows)
    _resolve(session, declaration, delivery, rows)
    serial_index.hold_queued(session, "declaration", delivery.declaration_id)
    replaced = repository.item_serial_keys(session, delivery.declaration_id) if current else []
    if current is not None:
        repository.delete_items(session, delivery.declaration_id)
    repository.insert_items(session, rows)
    serial_index.enqueue(session, "declaration", delivery.declaration_id)
    serial_index.forget_keys(session, replaced)
    return declaration


def _resolve(
    session: Session,
    declaration: IndexedDeclaration,
    delivery: DeclarationDelivery,
    rows: list[dict[str, Any]],
) -> None:
    """The registry's reading of what was declared as written: the presumed user (the
    incident's, else the declaration's) as an armed group; an ammunition headstamp as
    a maker and a year, which fill ``manufacturer_key`` and ``year_of_manufacture``
    where the declaration leaves them out (records keep what was declared)."""
    incident = delivery.incident
    presumed = (incident.presumed_user if incident else None) or delivery.presumed_user
    group = field_reference.group_directory(session).resolve(presumed)
    declaration.armed_group = group
    codes = None
    for row in rows:
        row["armed_group"] = group
        if row["kind"] != "ammunition" or row["headstamp"] is None:
            continue
        codes = codes if codes is not None else field_reference.headstamp_codes(session)
        read = read_headstamp(row["headstamp"], codes, event_year=delivery.event_date.year)
        row["headstamp_maker"] = read.maker
        if row["manufacturer_key"] is None and read.maker is not None:
            row["manufacturer_key"] = _key(read.maker, manufacturer_key)
        if row["year_of_manufacture"] is None:
            row["year_of_manufacture"] = read.year


def _check_key_lengths(rows: list[dict[str, Any]]) -> None:
    """Refuse, naming the field, a value whose match key its column cannot hold.

    PostgreSQL would refuse the row without saying which value, and SQLite would
    keep it: a clear 422 on both, never a key cut short (it would match wrongly).
    """
    limits = {key: column_length(declared_items, key) for key in KEY_FIELDS}
    problems: dict[str, FieldProblem] = {}
    for position, row in enumerate(rows):
        for key, field in KEY_FIELDS.items():
            limit = limits[key]
            value = row[key]
            loc = f"items[{position}].{field}"
            if value is None or len(value) <= limit or loc in problems:
                continue
            problems[loc] = FieldProblem(
                loc=loc,
                msg=f"normalizes to a match key of {len(value)} characters;"
                f" the index holds at most {limit}",
                type="match_key_too_long",
            )
    if problems:
        raise ValidationFailed(list(problems.values()))


def _header(current: IndexedDeclaration | None, d: DeclarationDelivery) -> IndexedDeclaration:
    # A dispose carries no location: a declaration never indexed keeps a tombstone row
    # (placed in the declaring country) so that late upserts of it are recognised as stale.
    location = d.location or DeliveredLocation(country=d.declaring_country)
    declaration = current or IndexedDeclaration(
        declaration_id=d.declaration_id,
        version=d.version,
        declaration_type=d.type,
        declaring_country=d.declaring_country,
        event_date=d.event_date,
        location_country=location.country,
        item_count=len(d.items),
    )
    declaration.version = d.version
    declaration.declaration_type = d.type
    declaration.declaring_country = d.declaring_country
    declaration.mission_code = d.mission
    declaration.event_date = d.event_date
    declaration.location_country = location.country
    declaration.place = location.place
    declaration.lat = location.lat
    declaration.lon = location.lon
    declaration.presumed_user_kind = d.presumed_user_kind
    declaration.incident_id = d.incident_id
    declaration.incident_type = d.incident.type if d.incident else None
    declaration.incident_presumed_user = d.incident.presumed_user if d.incident else None
    declaration.incident_country = d.incident.country if d.incident else None
    declaration.item_count = len(d.items)
    _set_ddr_people(declaration, d.ddr_people)
    # The entry proven above (check_against_log): trace requests cite it as the proof.
    declaration.log_index = d.proof.log_index
    declaration.log_leaf_hash = leaf_hash(base64.b64decode(d.proof.leaf_input)).hex()
    declaration.log_checkpoint = d.proof.checkpoint
    declaration.log_inclusion = "\n".join(d.proof.inclusion)
    declaration.updated_at = utcnow()
    return declaration


def _set_ddr_people(declaration: IndexedDeclaration, people: DeliveredPeople | None) -> None:
    for cell in DDR_PEOPLE_CELLS:
        setattr(declaration, f"ddr_{cell}", None if people is None else getattr(people, cell))


def _key(value: str | None, normalize: Any) -> str | None:
    if value is None:
        return None
    key = normalize(value)
    return str(key) if key else None


def partial_serial_pattern(legible: str) -> str | None:
    """The LIKE pattern on match keys that a ``partial`` serial's legible part stands for:
    as written when it marks illegible characters with ``*`` or ``?``, else anywhere in
    the serial; None when too little is legible to match on (fewer than 3 characters)."""
    return serial_like_pattern(legible if has_serial_wildcards(legible) else f"*{legible}*")


def _item_row(d: DeclarationDelivery, item: DeliveredItem) -> dict[str, Any]:
    assert d.location is not None  # upserts carry it (schema)
    # Only a whole serial is matched as a serial; a partial one only as a pattern, and an
    # obliterated or absent one never (such items carry no serial_number).
    whole_serial = item.serial_number if item.serial_status != "partial" else None
    pattern = None
    if item.serial_status == "partial" and item.serial_number is not None:
        pattern = partial_serial_pattern(item.serial_number)
    return {
        "declaration_id": d.declaration_id,
        "declaration_version": d.version,
        "item_index": item.item_index,
        "declaration_type": d.type,
        "declaring_country": d.declaring_country,
        "mission_code": d.mission,
        "event_date": d.event_date,
        "location_country": d.location.country,
        "place": d.location.place,
        "lat": d.location.lat,
        "lon": d.location.lon,
        "presumed_user": d.presumed_user,
        "presumed_user_kind": d.presumed_user_kind,
        "undeclared": d.undeclared,
        "kind": item.kind,
        "category": item.category,
        "manufacturer": item.manufacturer,
        "model": item.model,
        "calibre": item.calibre,
        "serial_number": item.serial_number,
        "lot_number": item.lot_number,
        "year_of_manufacture": item.year_of_manufacture,
        "quantity": 1 if item.kind == "weapon" else item.quantity,
        "description": item.description,
        "serial_key": _key(whole_serial, serial_key),
        "fuzzy_key": _key(whole_serial, serial_fuzzy_key),
        "manufacturer_key": _key(item.manufacturer, manufacturer_key),
        "model_key": _key(item.model, model_key),
        "calibre_key": _key(item.calibre, calibre_key),
        "lot_key": _key(item.lot_number, serial_key),
        "serial_status": item.serial_status,
        "ordnance_type": item.ordnance_type,
        "explosive_type": item.explosive_type,
        "quantity_unit": item.quantity_unit,
        "serial_pattern": pattern,
        "headstamp": item.headstamp,
        "headstamp_maker": None,
        "condition": item.condition,
        "incident_id": d.incident_id,
        "incident_country": d.incident.country if d.incident else None,
        "armed_group": None,
    }
