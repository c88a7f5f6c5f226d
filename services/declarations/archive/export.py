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
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from services.common.transparency.merkle import EMPTY_ROOT
from services.declarations.archive import repository
from services.declarations.archive.bagit import finish_bag

PAYLOAD = (
    "declarations.jsonl",
    "versions.jsonl",
    "holds.jsonl",
    "log_entries.jsonl",
    "checkpoints.jsonl",
)


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
            writers = (
                repository.declaration_heads,
                repository.versions_with_content,
                repository.holds_with_lifts,
                repository.every_log_entry,
                repository.every_checkpoint,
            )
            for name, rows in zip(PAYLOAD, writers, strict=True):
                counts[name] = _write_jsonl(out / "data" / name, rows(connection))
            last = repository.latest_checkpoint(connection)
    size, root = last if last is not None else (0, b"")
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
