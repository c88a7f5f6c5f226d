"""What an archive import checks before it trusts a bag: everything against the signed log.

A bag's checksums prove only that nobody changed it after it was sealed; whoever
can write it can reseal it. So the import trusts nothing the log does not cover:

- every checkpoint's signature, against the verifier key the operator gives, and
  the root of the log's leaves against the last checkpoint's;
- every log entry's columns (type, declaration, version) against its hashed bytes;
- every version against the entry at its ``log_index``: declaration, version and
  ``record_sha256``, and its content against that hash (content may be missing
  only for a disposed declaration), its ``event_date`` and ``mission`` against
  its record; every version entry of the log has its version in the bag;
- every declaration's head (type, country, declared_at) against its first entry;
- every hold and lift against its entry, and every hold or lift entry of the log
  against a hold or lift of the bag (a dropped hold would let a record be disposed of);
- who submitted each version, hold, lift and disposal (type, id, organisation) against the
  ``submitted_by`` of its entry; a row whose entry names nobody (logged before the
  field existed) must name nobody either: a bag cannot give an old record an actor;
- retention: an entry that logs ``retain_until`` must agree with the bag; for older
  entries it is recomputed by the rule (``years`` after the later of event and
  declaration, never shorter than the version before) and the bag may only lengthen it.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from services.common.transparency.canonical import sha256_hex
from services.common.transparency.checkpoint import CheckpointError, open_checkpoint
from services.common.transparency.merkle import EMPTY_ROOT, leaf_hash, root_from_leaf_hashes
from services.common.transparency.note import NoteError, Verifier
from services.declarations.declarations.records import document_of, parse_record, retain_until
from services.declarations.declarations.schemas import DeclarationDocument
from services.declarations.log.service import timestamp

VERSION_ENTRIES = frozenset({"declaration_version", "amendment"})
_CHECKED_ENTRIES = VERSION_ENTRIES | {"hold", "hold_lifted", "disposal"}


class ImportRefused(ValueError):
    """The bag or the target database does not allow the import."""


def check_checkpoints(
    signed: Iterable[Mapping[str, Any]], verifiers: list[Verifier], *, origin: str | None
) -> None:
    """Every checkpoint signed by one of ``verifiers`` for ``origin``, its columns its note's."""
    if not verifiers:
        raise ImportRefused("no verifier key: the bag's checkpoints cannot be checked")
    for row in signed:
        try:
            body = open_checkpoint(row["signed_note"], verifiers, origin=origin)
        except (NoteError, CheckpointError) as exc:
            raise ImportRefused(f"checkpoint {row['tree_size']}: {exc}") from exc
        if body.size != row["tree_size"] or body.root_hash != row["root_hash"]:
            raise ImportRefused(f"checkpoint {row['tree_size']}: its note and columns disagree")


def check_log(
    rows: Iterable[Mapping[str, Any]], signed: Sequence[Mapping[str, Any]], *, bag_root: str | None
) -> dict[int, dict[str, Any]]:
    """The log's entries are the signed log: the root of their leaves is the last checkpoint's.

    Returns the version, hold, lift and disposal entries by index, each checked against its
    row's columns.
    """
    entries: dict[int, dict[str, Any]] = {}
    hashes: list[bytes] = []
    for row in rows:
        if row["index"] != len(hashes):
            raise ImportRefused(f"log entry {len(hashes)} is missing")
        if leaf_hash(row["leaf_input"]) != row["leaf_hash"]:
            raise ImportRefused(f"log entry {row['index']}: leaf_hash is not the hash of its bytes")
        hashes.append(row["leaf_hash"])
        try:
            entry = json.loads(row["leaf_input"])
        except ValueError as exc:
            raise ImportRefused(f"log entry {row['index']}: its bytes are not JSON") from exc
        if not isinstance(entry, dict):
            raise ImportRefused(f"log entry {row['index']}: its bytes are not a JSON object")
        logged = (entry.get("type"), entry.get("declaration_id"), entry.get("version"))
        if (row["entry_type"], row["declaration_id"], row["version"]) != logged:
            raise ImportRefused(f"log entry {row['index']}: its columns disagree with its bytes")
        if entry["type"] in _CHECKED_ENTRIES:
            entries[row["index"]] = entry
    root = root_from_leaf_hashes(hashes)
    last = (signed[-1]["tree_size"], signed[-1]["root_hash"]) if signed else (0, EMPTY_ROOT)
    if last != (len(hashes), root):
        raise ImportRefused(
            f"the root recomputed from the {len(hashes)} entries differs from the last checkpoint's"
        )
    if bag_root != base64.b64encode(root).decode():
        raise ImportRefused("the recomputed root differs from the bag's Log-Root-Hash")
    return entries


def _entry_of(
    entries: Mapping[int, dict[str, Any]], index: int, types: set[str] | frozenset[str], where: str
) -> dict[str, Any]:
    entry = entries.get(index)
    if entry is None or entry["type"] not in types:
        raise ImportRefused(f"{where}: log entry {index} does not record it")
    return entry


def _event_date(version: dict[str, Any], where: str) -> date:
    """The event date of a version's record, checked against the version's columns."""
    record = parse_record(version["content"])
    if record is None:
        raise ImportRefused(f"{where}: its content is not a record")
    document = DeclarationDocument.model_validate(document_of(record))
    if (document.event_date, document.mission) != (version["event_date"], version["mission"]):
        raise ImportRefused(f"{where}: event_date or mission differ from its record")
    return document.event_date


def _check_head(head: Mapping[str, Any] | None, entry: Mapping[str, Any], where: str) -> None:
    if head is None:
        raise ImportRefused(f"{where}: the bag has no such declaration")
    logged = (entry["type"], entry.get("declaration_type"), entry.get("declaring_country"))
    if logged != ("declaration_version", head["type"], head["declaring_country"]) or entry[
        "timestamp"
    ] != timestamp(head["declared_at"]):
        raise ImportRefused(f"{where}: the declaration's head differs from its log entry")


def _check_actor(
    row: Mapping[str, Any], entry: Mapping[str, Any], columns: tuple[str, str, str], where: str
) -> None:
    """The row's actor columns (type, id, organisation) against the entry's ``submitted_by``."""
    kind, subject, organisation = (row.get(c) for c in columns)
    logged = entry.get("submitted_by")
    if logged is None:
        if kind is not None:
            raise ImportRefused(f"{where}: it names an actor its log entry does not")
        return
    if not isinstance(logged, dict) or (kind, subject, organisation) != (
        logged.get("type"),
        logged.get("id"),
        logged.get("organisation"),
    ):
        raise ImportRefused(f"{where}: who submitted it differs from its log entry")


def check_versions(
    versions: list[dict[str, Any]],
    heads: Mapping[str, Mapping[str, Any]],
    disposed: set[str],
    entries: Mapping[int, dict[str, Any]],
    *,
    years: int,
) -> None:
    """Check ``versions`` (in log order) against the log; set each one's ``retain_until``."""
    seen: set[int] = set()
    kept: dict[str, date] = {}
    for version in versions:
        declaration_id, number = version["declaration_id"], version["version"]
        where = f"version {number} of {declaration_id}"
        entry = _entry_of(entries, version["log_index"], VERSION_ENTRIES, where)
        logged = (entry["declaration_id"], entry["version"], entry.get("record_sha256"))
        if logged != (declaration_id, number, version["record_sha256"]):
            raise ImportRefused(f"{where}: it differs from log entry {version['log_index']}")
        if version["content"] is None:
            if declaration_id not in disposed:
                raise ImportRefused(f"{where}: its content is missing but it was not disposed of")
            event_date: date = version["event_date"]
        elif sha256_hex(version["content"].encode()) != version["record_sha256"]:
            raise ImportRefused(f"{where}: its content does not hash to its logged record_sha256")
        else:
            event_date = _event_date(version, where)
        _check_actor(version, entry, ("created_by_type", "created_by", "created_by_org"), where)
        if number == 1:
            _check_head(heads.get(declaration_id), entry, where)
        declared_on = date.fromisoformat(entry["timestamp"][:10])
        by_rule = retain_until(event_date=event_date, declared_on=declared_on, years=years)
        by_rule = max(kept.get(declaration_id, by_rule), by_rule)  # retention only grows
        if "retain_until" in entry:
            if date.fromisoformat(entry["retain_until"]) != version["retain_until"]:
                raise ImportRefused(f"{where}: retain_until differs from its log entry")
        else:
            version["retain_until"] = max(by_rule, version["retain_until"])
        kept[declaration_id] = version["retain_until"]
        seen.add(version["log_index"])
    if missing := sorted(
        i for i, e in entries.items() if e["type"] in VERSION_ENTRIES and i not in seen
    ):
        raise ImportRefused(f"log entries {missing[:5]} record versions the bag does not hold")


def check_holds(
    holds: list[dict[str, Any]],
    lifts: list[dict[str, Any]],
    entries: Mapping[int, dict[str, Any]],
) -> None:
    """Every hold and lift against its log entry; every logged hold and lift in the bag."""
    for hold in holds:
        entry = _entry_of(entries, hold["log_index"], {"hold"}, f"hold {hold['id']}")
        if (entry.get("hold_id"), entry["declaration_id"]) != (hold["id"], hold["declaration_id"]):
            raise ImportRefused(f"hold {hold['id']}: it differs from log entry {hold['log_index']}")
        placed_by = ("placed_by_type", "placed_by", "placed_by_org")
        _check_actor(hold, entry, placed_by, f"hold {hold['id']}")
    for lift in lifts:
        where = f"the lift of hold {lift['hold_id']}"
        entry = _entry_of(entries, lift["log_index"], {"hold_lifted"}, where)
        if entry.get("hold_id") != lift["hold_id"]:
            raise ImportRefused(f"{where}: it differs from log entry {lift['log_index']}")
        _check_actor(lift, entry, ("lifted_by_type", "lifted_by", "lifted_by_org"), where)
    for kind, rows, key in (("hold", holds, "id"), ("hold_lifted", lifts, "hold_id")):
        logged = {e.get("hold_id") for e in entries.values() if e["type"] == kind}
        if missing := sorted(str(h) for h in logged - {r[key] for r in rows}):
            raise ImportRefused(
                f"the log records {kind} entries of holds the bag lacks: {missing[:5]}"
            )


def check_disposals(disposed: list[dict[str, Any]], entries: Mapping[int, dict[str, Any]]) -> None:
    """Who disposed of each declaration against its disposal entry (the database checks
    the entry's type and declaration when the disposal is loaded)."""
    for disposal in disposed:
        where = f"the disposal of {disposal['declaration_id']}"
        entry = _entry_of(entries, disposal["log_index"], {"disposal"}, where)
        columns = ("disposed_by_type", "disposed_by", "disposed_by_org")
        _check_actor(disposal, entry, columns, where)
