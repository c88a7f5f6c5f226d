"""A declarations log for registry tests that deliver to the weapon index directly.

The registry indexes only deliveries the declarations log proves (a signed
checkpoint, an inclusion proof, and the record the entry commits to). Tests of the
index itself post their own deliveries; :func:`proven` gives each one what the
declarations outbox would: its record, built from the delivery's fields, logged
in a real Merkle log (the project's own ``common.transparency`` primitives) whose
checkpoints are signed with :data:`TEST_LOG_SIGNER`, the key the test register's
declarations service signs with too (``register_settings``), so the embedded
registry trusts both.
"""

from __future__ import annotations

import base64
import threading
from datetime import UTC, datetime
from typing import Any

from services.common.transparency.canonical import canonical_json, canonical_sha256_hex
from services.common.transparency.checkpoint import Checkpoint, sign_checkpoint
from services.common.transparency.merkle import MemoryTree
from services.common.transparency.note import Signer, format_signer_key, generate_signer

TEST_LOG_ORIGIN = "salw-register.local/declarations"
TEST_LOG_SIGNER = generate_signer(TEST_LOG_ORIGIN)
TEST_LOG_SIGNING_KEY = format_signer_key(TEST_LOG_SIGNER)
"""For ``DeclarationsSettings(log_signing_key=...)``: the test register's log key."""

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


class TestLog:
    """An append-only log of entries, with checkpoints signed by ``signer``."""

    __test__ = False  # not a test class

    def __init__(self, signer: Signer = TEST_LOG_SIGNER) -> None:
        self.signer = signer
        self.tree = MemoryTree()
        self._lock = threading.Lock()

    def prove(self, entry: dict[str, Any]) -> dict[str, Any]:
        """Append ``entry``; the ``proof`` of a delivery carrying it."""
        leaf = canonical_json(entry)
        with self._lock:
            index = self.tree.append_data(leaf)
            size = self.tree.size
            root = self.tree.root(size)
            path = self.tree.inclusion_proof(index, size)
        return {
            "log_index": index,
            "leaf_input": base64.b64encode(leaf).decode(),
            "checkpoint": sign_checkpoint(Checkpoint(self.signer.name, size, root), self.signer),
            "inclusion": [base64.b64encode(node).decode() for node in path],
        }


_LOG = TestLog()


def record_of(body: dict[str, Any]) -> dict[str, Any]:
    """The record version a delivery's indexed fields come from (what a declarant sent)."""
    record: dict[str, Any] = {
        "id": body["declaration_id"],
        "version": body["version"],
        "type": body["type"],
        "declaring_country": body["declaring_country"],
        "event_date": body["event_date"],
        "location": body.get("location"),
        "items": [
            {name: item[name] for name in ITEM_FIELDS if item.get(name) is not None}
            for item in sorted(body.get("items", []), key=lambda item: item["item_index"])
        ],
    }
    optional = {
        "mission": body.get("mission"),
        "presumed_user": body.get("presumed_user"),
        "presumed_user_kind": body.get("presumed_user_kind"),
        "references": body.get("references") or None,
        "undeclared": body.get("undeclared") or None,
        "incident_id": body.get("incident_id"),
    }
    record.update({name: value for name, value in optional.items() if value is not None})
    if body.get("ddr_people") is not None:
        record["collection"] = {"ddr": True, "programme": "PNDDR", "people": body["ddr_people"]}
    return record


def log_entry(body: dict[str, Any], record: dict[str, Any] | None) -> dict[str, Any]:
    """The log entry that stands behind a delivery (a version, an amendment or a disposal)."""
    moment = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    entry: dict[str, Any] = {
        "timestamp": moment,
        "declaration_id": body["declaration_id"],
        "version": body["version"],
    }
    if record is None:
        return entry | {"type": "disposal"}
    kind = "declaration_version" if body["version"] == 1 else "amendment"
    return entry | {"type": kind, "record_sha256": canonical_sha256_hex(record)}


def proven(body: dict[str, Any], log: TestLog = _LOG) -> dict[str, Any]:
    """``body`` with the record (upserts) and the log proof the declarations outbox sends."""
    record = record_of(body) if body.get("action", "upsert") == "upsert" else None
    return body | {"record": record, "proof": log.prove(log_entry(body, record))}
