"""Export the declarations register and its log as a BagIt bag of JSON Lines.

Payload (``data/``), one JSON object a line, in a stable order:

- ``declarations.jsonl``: each declaration's head, with its ``disposal`` or null;
- ``versions.jsonl``: every version's metadata and ``content``, the exact
  canonical JSON text its ``record_sha256`` hashes (null once disposed);
- ``holds.jsonl``: every legal hold, with its ``lift`` or null;
- ``log_entries.jsonl``: every log entry: ``index``, ``leaf_input`` (base64 of
  the exact hashed bytes), ``leaf_hash`` (base64) and what it records;
- ``checkpoints.jsonl``: every signed checkpoint (``root_hash`` in base64).

Left out, because they are derived and rebuilt on import: the log's subtree
nodes (recomputed from the leaves) and the item index (from the records).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Select, select

from services.common.transparency.merkle import EMPTY_ROOT
from services.declarations.archive.bagit import finish_bag
from services.declarations.models import (
    checkpoints,
    declaration_contents,
    declaration_versions,
    declarations,
    disposals,
    hold_lifts,
    holds,
    log_entries,
)

PAYLOAD = (
    "declarations.jsonl",
    "versions.jsonl",
    "holds.jsonl",
    "log_entries.jsonl",
    "checkpoints.jsonl",
)


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        moment = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return moment.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode()
    return value


def _rows(connection: Connection, statement: Select[Any]) -> Iterator[dict[str, Any]]:
    result = connection.execution_options(yield_per=2000).execute(statement)
    for row in result.mappings():
        yield {key: _json_value(value) for key, value in row.items()}


def _nested(row: dict[str, Any], name: str, prefix: str) -> dict[str, Any]:
    inner = {k.removeprefix(prefix): row.pop(k) for k in list(row) if k.startswith(prefix)}
    row[name] = inner if any(v is not None for v in inner.values()) else None
    return row


def _declarations(connection: Connection) -> Iterator[dict[str, Any]]:
    d = disposals
    statement = (
        select(
            declarations,
            *(c.label(f"disposal.{c.name}") for c in d.c if c.name != "declaration_id"),
        )
        .outerjoin(d, d.c.declaration_id == declarations.c.id)
        .order_by(declarations.c.declared_at, declarations.c.id)
    )
    return (_nested(r, "disposal", "disposal.") for r in _rows(connection, statement))


def _versions(connection: Connection) -> Iterator[dict[str, Any]]:
    v, c = declaration_versions, declaration_contents
    statement = (
        select(v, c.c.content)
        .join(c, (c.c.declaration_id == v.c.declaration_id) & (c.c.version == v.c.version))
        .order_by(v.c.log_index)
    )
    return _rows(connection, statement)


def _holds(connection: Connection) -> Iterator[dict[str, Any]]:
    lift = hold_lifts
    statement = (
        select(holds, *(c.label(f"lift.{c.name}") for c in lift.c if c.name != "hold_id"))
        .outerjoin(lift, lift.c.hold_id == holds.c.id)
        .order_by(holds.c.log_index)
    )
    return (_nested(r, "lift", "lift.") for r in _rows(connection, statement))


def _log_entries(connection: Connection) -> Iterator[dict[str, Any]]:
    return _rows(connection, select(log_entries).order_by(log_entries.c.index))


def _checkpoints(connection: Connection) -> Iterator[dict[str, Any]]:
    return _rows(connection, select(checkpoints).order_by(checkpoints.c.tree_size))


def _write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")
            count += 1
    return count


def export_bag(engine: Engine, out: Path, *, origin: str, now: datetime) -> dict[str, Any]:
    """Write the bag to ``out`` (created; must be absent or empty). Returns a summary."""
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} exists and is not empty")
    (out / "data").mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    # One repeatable-read snapshot: every file describes the same moment.
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            writers = (_declarations, _versions, _holds, _log_entries, _checkpoints)
            for name, rows in zip(PAYLOAD, writers, strict=True):
                counts[name] = _write_jsonl(out / "data" / name, rows(connection))
            last = connection.execute(
                select(checkpoints.c.tree_size, checkpoints.c.root_hash)
                .order_by(checkpoints.c.tree_size.desc())
                .limit(1)
            ).first()
    size, root = (int(last[0]), bytes(last[1])) if last is not None else (0, b"")
    info = {
        "Source-Organization": "SALW register for peace operations (declarations service)",
        "External-Description": "Declarations register and its RFC 9162 transparency log",
        "Bagging-Date": now.date().isoformat(),
        "Bag-Software-Agent": "regctl archive export",
        "Log-Origin": origin,
        "Log-Tree-Size": str(size),
        "Log-Root-Hash": base64.b64encode(root or EMPTY_ROOT).decode(),
    }
    finish_bag(out, info)
    return {"bag": str(out), "tree_size": size, "root_hash": info["Log-Root-Hash"], **counts}
