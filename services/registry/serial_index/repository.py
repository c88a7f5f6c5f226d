"""Queries on the serial neighbourhood index: its backlog, its rows, and the bulk insert
(COPY on PostgreSQL) that fills it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Final, Literal

from sqlalchemy import Exists, Row, delete, exists, func, select
from sqlalchemy.dialects import sqlite
from sqlmodel import Session

from services.common.tables import utcnow
from services.registry.models.handles import (
    declared_items,
    loss_items,
    manifest_items,
    serial_neighbours,
)
from services.registry.models.handles import serial_index_backlog as backlog

Source = Literal["manifest", "loss_report", "declaration"]
"""The kinds of record whose serials the index holds (``serial_index_backlog.source``)."""

_INSERT_CHUNK: Final = 5000
# Per connection, emptied after each use (and at commit): never seen by another session.
_STAGING_SQL: Final = (
    "CREATE TEMPORARY TABLE IF NOT EXISTS serial_neighbours_staging"
    " (search_key text NOT NULL, serial_key text NOT NULL) ON COMMIT DELETE ROWS"
)
_SOURCES: Final = {
    "manifest": (manifest_items, manifest_items.c.manifest_id),
    "loss_report": (loss_items, loss_items.c.loss_report_id),
    "declaration": (declared_items, declared_items.c.declaration_id),
}


def add_to_backlog(session: Session, source: Source, record_id: str) -> None:
    """Queue a record for the indexer, in the session's transaction."""
    session.execute(backlog.insert().values(source=source, record_id=record_id, queued_at=utcnow()))


def anything_queued() -> Exists:
    """SQL: some stored record's keys are not in the index yet."""
    return exists().where(backlog.c.id.is_not(None))


def backlog_pending(session: Session) -> bool:
    """True while some stored record's keys are not in the index yet."""
    return bool(session.execute(select(anything_queued())).scalar())


def backlog_size(session: Session) -> int:
    """Records awaiting the indexer."""
    return int(session.execute(select(func.count()).select_from(backlog)).scalar_one())


def lock_backlog_entry(session: Session, source: Source, record_id: str) -> None:
    """Lock a record's backlog row until commit, waiting for a holder (PostgreSQL only;
    SQLite has one writer)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    statement = (
        select(backlog.c.id)
        .where(backlog.c.source == source, backlog.c.record_id == record_id)
        .with_for_update()
    )
    session.execute(statement).all()


def take_backlog_entries(session: Session, *, limit: int) -> Sequence[Row[Any]]:
    """The oldest ``limit`` backlog rows (id, source, record_id); on PostgreSQL locked, and
    skipping those another indexer holds."""
    statement = select(backlog.c.id, backlog.c.source, backlog.c.record_id).order_by(backlog.c.id)
    if session.get_bind().dialect.name == "postgresql":
        statement = statement.with_for_update(skip_locked=True)
    return session.execute(statement.limit(limit)).all()


def remove_backlog_entries(session: Session, entry_ids: Iterable[int]) -> None:
    """Remove backlog rows (the records' neighbours are in the index)."""
    session.execute(delete(backlog).where(backlog.c.id.in_(list(entry_ids))))


def stored_serial_keys(session: Session, records: Iterable[tuple[str, str]]) -> set[str]:
    """The distinct match keys of the items of these (source, record_id) records."""
    wanted = list(records)
    keys: set[str] = set()
    for source, (table, record_column) in _SOURCES.items():
        ids = sorted({record_id for of, record_id in wanted if of == source})
        if ids:
            statement = (
                select(table.c.serial_key)
                .where(record_column.in_(ids), table.c.serial_key.is_not(None))
                .distinct()
            )
            keys.update(session.execute(statement).scalars())
    return keys


def serial_key_stored(session: Session, key: str) -> bool:
    """True if some item of any source still holds this match key."""
    return any(
        session.execute(select(exists().where(table.c.serial_key == key))).scalar()
        for table, _ in _SOURCES.values()
    )


def delete_neighbours(session: Session, key: str, search_keys: Sequence[str]) -> None:
    """Remove the rows of one match key (``search_keys``: its index keys, so the delete
    probes the primary key)."""
    session.execute(
        delete(serial_neighbours).where(
            serial_neighbours.c.serial_key == key,
            serial_neighbours.c.search_key.in_(search_keys),
        )
    )


def insert_neighbours(session: Session, rows: list[tuple[str, str]]) -> None:
    """Add (search_key, serial_key) rows, skipping those already there: on PostgreSQL by
    COPY into a temporary table and one INSERT ... ON CONFLICT DO NOTHING (a 100,000-item
    manifest is a million rows), on SQLite by an executemany of INSERT OR IGNORE."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        driver = connection.connection.driver_connection
        assert driver is not None
        with driver.cursor() as cursor:
            cursor.execute(_STAGING_SQL)
            with cursor.copy("COPY serial_neighbours_staging FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(
                "INSERT INTO serial_neighbours (search_key, serial_key)"
                " SELECT search_key, serial_key FROM serial_neighbours_staging"
                " ORDER BY search_key, serial_key ON CONFLICT DO NOTHING"
            )
            cursor.execute("TRUNCATE serial_neighbours_staging")
        return
    rows = sorted(rows)  # B-tree pages filled in order
    for start in range(0, len(rows), _INSERT_CHUNK):
        chunk = rows[start : start + _INSERT_CHUNK]
        session.execute(
            sqlite.insert(serial_neighbours).on_conflict_do_nothing(),
            [{"search_key": search, "serial_key": key} for search, key in chunk],
        )
