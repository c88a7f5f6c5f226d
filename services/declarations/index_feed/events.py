"""Index events: what the registry's ``POST /registry/v1/index/declarations`` receives."""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any

from services.declarations.index_feed.repository import PendingEntry
from services.declarations.log.service import SignedInclusion

# Event ids are derived from the log: redelivering an entry sends the same id,
# so the registry recognises it and changes nothing.
EVENT_NAMESPACE = uuid.UUID("6c1f3d0e-5d8a-4b51-9a4e-3c7f0b1d2e90")
ITEM_FIELDS = (
    "kind",
    "category",
    "manufacturer",
    "model",
    "calibre",
    "serial_number",
    "lot_number",
    "year_of_manufacture",
    "quantity",
    "description",
    "serial_status",
    "ordnance_type",
    "explosive_type",
    "quantity_unit",
    "headstamp",
    "condition",
)


def ddr_people(record: dict[str, Any]) -> Any:
    """A DDR collection's people figures (``collection.people`` when ``collection.ddr``),
    else None: the registry sums them in statistics."""
    collection = record.get("collection")
    if not isinstance(collection, dict) or collection.get("ddr") is not True:
        return None
    return collection.get("people")


def event_id(origin: str, log_index: int) -> str:
    """The stable id of the event for a log entry."""
    return str(uuid.uuid5(EVENT_NAMESPACE, f"{origin}#{log_index}"))


def log_proof(entry: PendingEntry, inclusion: SignedInclusion) -> dict[str, Any]:
    """What lets the registry check a delivery against the log without trusting the relay:
    the entry's logged bytes, its index, and its audit path under a signed checkpoint."""
    return {
        "log_index": entry.log_index,
        "leaf_input": base64.b64encode(entry.leaf_input).decode(),
        "checkpoint": inclusion.checkpoint,
        "inclusion": [base64.b64encode(node).decode() for node in inclusion.hashes],
    }


def incident_of(row: Any) -> dict[str, Any] | None:
    """The incident a declaration names, as the registry's index receives it: the
    declarations service's finding (the record holds only its id), like ``undeclared``."""
    if row is None:
        return None
    return {
        "id": row.id,
        "type": row.incident_type,
        "date": row.incident_date.isoformat(),
        "country": row.country,
        "presumed_user": row.presumed_user,
    }


def incident_id_of(row: Any) -> str | None:
    """The ``incident_id`` a declaration version's record names (None when disposed)."""
    if row is None or row.content is None:
        return None
    value = json.loads(row.content).get("incident_id")
    return value if isinstance(value, str) else None


def build_event(
    entry: PendingEntry,
    row: Any,
    *,
    origin: str,
    inclusion: SignedInclusion,
    incident: dict[str, Any] | None = None,
) -> dict[str, Any] | None:
    """The event for ``entry`` given its declaration ``row``; None when there is nothing to send.

    It carries the log proof and, for an upsert, the record version itself: the registry
    indexes only what the record says, and only a record the log commits to.
    """
    if row is None:
        return None
    base: dict[str, Any] = {
        "event_id": event_id(origin, entry.log_index),
        "declaration_id": entry.declaration_id,
        "version": int(row.version),
        "type": row.type,
        "declaring_country": row.declaring_country,
        "mission": row.mission,
        "event_date": row.event_date.isoformat(),
        "undeclared": bool(row.undeclared),
        "proof": log_proof(entry, inclusion),
    }
    if entry.entry_type != "disposal" and row.content is None:
        # Disposed since: the record is gone, so nothing proves this version's items, and
        # the disposal entry that follows it in the log makes the index forget them.
        return None
    if entry.entry_type == "disposal":
        # The content is gone after retention: the index forgets the items too.
        return base | {
            "action": "dispose",
            "location": None,
            "items": [],
            "references": [],
            "record": None,
        }
    record = json.loads(row.content)
    items = []
    for position, item in enumerate(record.get("items", [])):
        fields = {name: item.get(name) for name in ITEM_FIELDS}
        fields["quantity"] = fields["quantity"] or 1
        items.append({"item_index": position, **fields})
    return base | {
        "action": "upsert",
        "location": record.get("location"),
        "presumed_user": record.get("presumed_user"),
        "presumed_user_kind": record.get("presumed_user_kind"),
        "ddr_people": ddr_people(record),
        "references": record.get("references", []),
        "incident_id": record.get("incident_id"),
        "incident": incident,
        "items": items,
        "record": record,
    }
