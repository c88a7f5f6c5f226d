"""Deliveries are checked against the declarations log before anything is indexed.

Holding ``index:write`` proves who sent a delivery, not that what it says was
ever declared. So the registry believes no delivered field on its own word: a
delivery carries its log entry's bytes, the entry's inclusion proof under a
checkpoint signed by the declarations log's key, and (for an upsert) the record
version the entry commits to. The registry checks the checkpoint's signature
with the configured verifier key, the entry's inclusion under its root, that the
entry is this declaration's version (or disposal), that the record's canonical
bytes hash to the entry's ``record_sha256``, and that every indexed field is
what the record says. An invented seizure, an edited record or a proof under
another key's checkpoint is refused before anything is stored.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from pydantic import ValidationError

from services.common.errors import FieldProblem, Forbidden, ServiceUnavailable, ValidationFailed
from services.common.transparency.canonical import canonical_sha256_hex
from services.common.transparency.checkpoint import Checkpoint, CheckpointError, open_checkpoint
from services.common.transparency.merkle import ProofError, leaf_hash, verify_inclusion
from services.common.transparency.note import NoteError, Verifier
from services.registry.index.schemas import DeclarationDelivery

# Which log entries may stand behind each action.
ENTRY_TYPES = {"upsert": ("declaration_version", "amendment"), "dispose": ("disposal",)}
# The record's fields the index keeps, per item (as the declarations outbox sends them).
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
# The delivery's fields taken from the record (``undeclared`` is the declarations
# service's finding: the record only permits it, see ``_record_problems``).
RECORD_FIELDS = (
    "type",
    "declaring_country",
    "mission",
    "event_date",
    "location",
    "presumed_user",
    "presumed_user_kind",
    "ddr_people",
    "references",
    "incident_id",
)


def check_against_log(delivery: DeclarationDelivery, *, verifier: Verifier | None) -> None:
    """Refuse ``delivery`` unless the declarations log proves it.

    503 ``log_key_not_configured`` when the registry has no verifier key; 403
    ``untrusted_checkpoint`` when the checkpoint is not signed by that key; 422
    ``not_in_log`` when the entry is not included under the checkpoint, and 422
    ``not_what_the_log_says`` naming every field the entry or the record contradicts.
    """
    if verifier is None:
        raise ServiceUnavailable(
            "The registry has no verifier key of the declarations log"
            " (REGISTRY_DECLARATIONS_LOG_KEY): it cannot check deliveries",
            code="log_key_not_configured",
        )
    checkpoint = _trusted_checkpoint(delivery.proof.checkpoint, verifier)
    leaf, audit_path = _decoded_proof(delivery)
    try:
        verify_inclusion(
            delivery.proof.log_index,
            checkpoint.size,
            leaf_hash(leaf),
            audit_path,
            checkpoint.root_hash,
        )
    except ProofError as exc:
        raise ValidationFailed(
            [FieldProblem(loc="proof", msg=f"not in the signed log: {exc}", type="not_in_log")],
            code="not_in_log",
        ) from exc
    problems = _entry_problems(leaf, delivery)
    if problems:
        raise ValidationFailed(problems, code="not_what_the_log_says")


def _trusted_checkpoint(note: str, verifier: Verifier) -> Checkpoint:
    # The log's key is named after its origin (the declarations service checks it).
    try:
        return open_checkpoint(note, [verifier], origin=verifier.name)
    except (NoteError, CheckpointError) as exc:
        raise Forbidden(
            f"The checkpoint is not one the declarations log signed: {exc}",
            code="untrusted_checkpoint",
        ) from exc


def _decoded_proof(delivery: DeclarationDelivery) -> tuple[bytes, list[bytes]]:
    problems: list[FieldProblem] = []

    def decoded(text: str, loc: str) -> bytes:
        try:
            return base64.b64decode(text, validate=True)
        except binascii.Error:
            problems.append(FieldProblem(loc=loc, msg="not base64", type="not_base64"))
            return b""

    leaf = decoded(delivery.proof.leaf_input, "proof.leaf_input")
    path = [
        decoded(node, f"proof.inclusion[{position}]")
        for position, node in enumerate(delivery.proof.inclusion)
    ]
    if problems:
        raise ValidationFailed(problems)
    return leaf, path


def _differs(loc: str, what: str) -> FieldProblem:
    return FieldProblem(loc=loc, msg=f"differs from {what}", type="differs_from_log")


def _entry_problems(leaf: bytes, delivery: DeclarationDelivery) -> list[FieldProblem]:
    """What the proven log entry (and, for an upsert, its record) contradicts."""
    try:
        entry = json.loads(leaf)  # the log's own bytes: canonical JSON of an object
    except ValueError:
        entry = None
    if not isinstance(entry, dict):
        return [_differs("proof.leaf_input", "a log entry of a declaration")]
    problems = []
    if entry.get("type") not in ENTRY_TYPES[delivery.action]:
        problems.append(_differs("action", f"the log entry (a {entry.get('type')!r} entry)"))
    if entry.get("declaration_id") != delivery.declaration_id:
        problems.append(_differs("declaration_id", "the log entry"))
    if entry.get("version") != delivery.version:
        problems.append(_differs("version", "the log entry"))
    if delivery.action == "upsert" and not problems:
        problems.extend(_record_problems(entry, delivery))
    return problems


def _record_problems(entry: dict[str, Any], delivery: DeclarationDelivery) -> list[FieldProblem]:
    record = delivery.record
    if record is None:
        return [FieldProblem(loc="record", msg="an upsert carries its record", type="missing")]
    try:
        digest = canonical_sha256_hex(record)
    except ValueError as exc:
        return [
            FieldProblem(loc="record", msg=f"no canonical form: {exc}", type="differs_from_log")
        ]
    if digest != entry.get("record_sha256"):
        return [_differs("record", "the record whose SHA-256 the log entry holds")]
    if record.get("id") != delivery.declaration_id or record.get("version") != delivery.version:
        return [_differs("record", "the declaration and version of the log entry")]
    try:
        expected = DeclarationDelivery.model_validate(
            delivery.model_dump(mode="json") | _indexed_fields(record)
        )
    except (ValidationError, AttributeError, TypeError) as exc:
        return [FieldProblem(loc="record", msg=f"cannot be indexed: {exc}", type="unindexable")]
    problems = [
        _differs(name, "the record")
        for name in RECORD_FIELDS
        if getattr(expected, name) != getattr(delivery, name)
    ]
    if delivery.undeclared and not record.get("undeclared", False):
        problems.append(_differs("undeclared", "the record (it declares no undeclared items)"))
    if len(expected.items) != len(delivery.items):
        problems.append(_differs("items", "the record's items"))
        return problems
    for position, (logged, delivered) in enumerate(
        zip(expected.items, delivery.items, strict=True)
    ):
        problems.extend(
            _differs(f"items[{position}].{name}", "the record")
            for name in ("item_index", *ITEM_FIELDS)
            if getattr(logged, name) != getattr(delivered, name)
        )
    return problems


def _indexed_fields(record: dict[str, Any]) -> dict[str, Any]:
    """The delivery's indexed fields as the record states them."""
    items = []
    for position, item in enumerate(record.get("items", [])):
        fields = {name: item.get(name) for name in ITEM_FIELDS}
        fields["quantity"] = fields["quantity"] or 1
        items.append({"item_index": position, **fields})
    return {
        "type": record.get("type"),
        "declaring_country": record.get("declaring_country"),
        "mission": record.get("mission"),
        "event_date": record.get("event_date"),
        "location": record.get("location"),
        "presumed_user": record.get("presumed_user"),
        "presumed_user_kind": record.get("presumed_user_kind"),
        "ddr_people": ddr_people(record),
        "references": record.get("references", []),
        "incident_id": record.get("incident_id"),
        "items": items,
    }


def ddr_people(record: dict[str, Any]) -> Any:
    """The people figures of a DDR collection's record (``collection.people`` when
    ``collection.ddr``), else None."""
    collection = record.get("collection")
    if not isinstance(collection, dict) or collection.get("ddr") is not True:
        return None
    return collection.get("people")
