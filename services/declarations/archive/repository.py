"""The archive's queries: every state's records, read whole for export or checked empty.

The archive is the operator's copy of the register: these functions read every
state's records by design, never for a caller's request.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, Select, func, select

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


# tenancy: the operator's archive holds every state's records
def declaration_heads(connection: Connection) -> Iterator[dict[str, Any]]:
    """Every declaration's head with its ``disposal`` (or None), oldest first, as JSON values."""
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


# tenancy: the operator's archive holds every state's records
def versions_with_content(connection: Connection) -> Iterator[dict[str, Any]]:
    """Every version with its ``content`` (None once disposed), in log order."""
    v, c = declaration_versions, declaration_contents
    statement = (
        select(v, c.c.content)
        .join(c, (c.c.declaration_id == v.c.declaration_id) & (c.c.version == v.c.version))
        .order_by(v.c.log_index)
    )
    return _rows(connection, statement)


# tenancy: the operator's archive holds every state's records
def holds_with_lifts(connection: Connection) -> Iterator[dict[str, Any]]:
    """Every legal hold with its ``lift`` (or None), in log order."""
    lift = hold_lifts
    statement = (
        select(holds, *(c.label(f"lift.{c.name}") for c in lift.c if c.name != "hold_id"))
        .outerjoin(lift, lift.c.hold_id == holds.c.id)
        .order_by(holds.c.log_index)
    )
    return (_nested(r, "lift", "lift.") for r in _rows(connection, statement))


def every_log_entry(connection: Connection) -> Iterator[dict[str, Any]]:
    """Every log entry, by index."""
    return _rows(connection, select(log_entries).order_by(log_entries.c.index))


def every_checkpoint(connection: Connection) -> Iterator[dict[str, Any]]:
    """Every signed checkpoint, by tree size."""
    return _rows(connection, select(checkpoints).order_by(checkpoints.c.tree_size))


def latest_checkpoint(connection: Connection) -> tuple[int, bytes] | None:
    """(tree size, root hash) of the latest checkpoint, None for an empty log."""
    last = connection.execute(
        select(checkpoints.c.tree_size, checkpoints.c.root_hash)
        .order_by(checkpoints.c.tree_size.desc())
        .limit(1)
    ).first()
    return (int(last[0]), bytes(last[1])) if last is not None else None


# tenancy: counts rows of every state's tables to refuse an import into a used database
def first_table_with_rows(connection: Connection, names: tuple[str, ...]) -> str | None:
    """The first of the tables ``names`` that has rows, or None when all are empty."""
    for name in names:
        table = declarations.metadata.tables[name]
        if connection.execute(select(func.count()).select_from(table)).scalar_one():
            return name
    return None
