"""The serial neighbourhood index: which stored match keys are one edit from a query.

Every stored match key of 4 to 64 characters has rows in ``serial_neighbours`` for its
positional symmetric-delete keys (``serial_index_keys``: the fuzzy key, and the fuzzy
key with each character deleted, each with the deleted position). Two serials whose
fuzzy keys are one substitution, insertion, deletion or adjacent swap apart always
share one, so a trace looks up the query's probe keys (``serial_probe_keys``, about
5n B-tree probes for n characters) and gets every candidate match key, and hardly any
that classification then drops (positions keep out the many keys two edits away that
a contingent's consecutive serials share a plain deletion with).

Writing those rows costs n + 1 index entries per item, too much for the 100,000-item
manifest path, so they are written after the fact:

- a store (manifest, loss report, indexed declaration) adds one ``serial_index_backlog``
  row in its own transaction (``enqueue``);
- the indexer (``index_backlog``: the registry's background task, or
  ``regctl index neighbours``) adds the record's neighbour rows and removes its backlog
  row in one transaction;
- while the backlog holds anything, trace does not rely on the index and probes the
  query's whole one-edit neighbourhood instead (``trace.candidates``). A record is
  therefore always found: through its backlog row until indexed, through the index
  after.

Neighbour rows outlive the records they came from only until a disposal removes them
(``forget_keys``): a disposed declaration's serials must not linger in the index.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable
from typing import Final

import anyio
from anyio import to_thread
from fastapi import FastAPI
from sqlalchemy import Engine, Exists, delete, exists, func, select
from sqlalchemy.dialects import sqlite
from sqlmodel import Session

from services.common.database import write_session
from services.common.identifiers import (
    MAX_FUZZY_LENGTH,
    MIN_FUZZY_LENGTH,
    serial_index_keys,
)
from services.common.tables import utcnow
from services.registry.ledger import declared_items, loss_items, manifest_items
from services.registry.models import SerialIndexBacklog, SerialNeighbour

neighbours = SerialNeighbour.__table__  # type: ignore[attr-defined]
backlog = SerialIndexBacklog.__table__  # type: ignore[attr-defined]
logger = logging.getLogger("salw.registry.neighbours")

# Records per indexer transaction: a 100,000-item manifest is about a million rows alone.
BATCH_RECORDS: Final = 20
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


def enqueue(session: Session, source: str, record_id: str) -> None:
    """Queue a just-stored record for the indexer (same transaction as the record)."""
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


def hold_queued(session: Session, source: str, record_id: str) -> None:
    """Wait for an indexer busy with this record, and keep others off it until commit.

    Before a store removes a record's items (a newer version, a disposal): otherwise an
    indexer that read the old keys could add their neighbours after ``forget_keys`` ran,
    leaving a disposed serial in the index. PostgreSQL only; SQLite has one writer.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    statement = (
        select(backlog.c.id)
        .where(backlog.c.source == source, backlog.c.record_id == record_id)
        .with_for_update()
    )
    session.execute(statement).all()


def neighbour_rows(keys: Iterable[str]) -> set[tuple[str, str]]:
    """(search_key, serial_key) rows for these match keys (those of 4 to 64 characters)."""
    rows: set[tuple[str, str]] = set()
    for key in keys:
        if MIN_FUZZY_LENGTH <= len(key) <= MAX_FUZZY_LENGTH:
            rows.update((search, key) for search in serial_index_keys(key, normalized=True))
    return rows


def index_backlog(session: Session, *, limit: int = BATCH_RECORDS) -> int:
    """Index up to ``limit`` queued records in the session's transaction; how many.

    On PostgreSQL the backlog rows are taken with SKIP LOCKED, so several indexers (one
    per registry worker) share the work; on SQLite the write lock serializes them.
    """
    statement = select(backlog.c.id, backlog.c.source, backlog.c.record_id).order_by(backlog.c.id)
    if session.get_bind().dialect.name == "postgresql":
        statement = statement.with_for_update(skip_locked=True)
    entries = session.execute(statement.limit(limit)).all()
    if not entries:
        return 0
    keys: set[str] = set()
    for source, (table, record_column) in _SOURCES.items():
        ids = sorted({e.record_id for e in entries if e.source == source})
        if ids:
            keys.update(
                session.execute(
                    select(table.c.serial_key)
                    .where(record_column.in_(ids), table.c.serial_key.is_not(None))
                    .distinct()
                ).scalars()
            )
    _insert_ignoring_duplicates(session, list(neighbour_rows(keys)))
    session.execute(delete(backlog).where(backlog.c.id.in_([e.id for e in entries])))
    return len(entries)


def forget_keys(session: Session, keys: Iterable[str]) -> None:
    """Remove the neighbour rows of match keys no item table holds any more."""
    gone = [key for key in sorted(set(keys)) if not _stored_anywhere(session, key)]
    for key in gone:
        session.execute(
            delete(neighbours).where(
                neighbours.c.serial_key == key,
                neighbours.c.search_key.in_(serial_index_keys(key, normalized=True)),
            )
        )


def _stored_anywhere(session: Session, key: str) -> bool:
    return any(
        session.execute(select(exists().where(table.c.serial_key == key))).scalar()
        for table, _ in _SOURCES.values()
    )


def _insert_ignoring_duplicates(session: Session, rows: list[tuple[str, str]]) -> None:
    """Add rows, skipping those already there: on PostgreSQL by COPY into a temporary
    table and one INSERT ... ON CONFLICT DO NOTHING (a 100,000-item manifest is a
    million rows), on SQLite by an executemany of INSERT OR IGNORE."""
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
            sqlite.insert(neighbours).on_conflict_do_nothing(),
            [{"search_key": search, "serial_key": key} for search, key in chunk],
        )


def index_until_empty(engine: Engine, *, limit: int = BATCH_RECORDS) -> int:
    """Index the whole backlog, one transaction per ``limit`` records; how many records.

    Stops when a pass finds nothing it can take (empty, or the rest locked by another
    indexer on PostgreSQL).
    """
    total = 0
    while done := index_batch(engine, limit=limit):
        total += done
    return total


def index_batch(engine: Engine, *, limit: int = BATCH_RECORDS) -> int:
    """One indexer transaction: up to ``limit`` queued records; how many (0: none to take).

    The backlog is looked at first without the write lock, so an idle indexer never
    holds SQLite's one writer.
    """
    with Session(engine, expire_on_commit=False) as session:
        if not backlog_pending(session):
            return 0
    with write_session(engine) as session:
        done = index_backlog(session, limit=limit)
        session.commit()
    return done


async def run_indexer(app: FastAPI, stop: asyncio.Event, *, interval_seconds: float) -> None:
    """The registry's background indexer: drain the backlog, pause, until ``stop`` is set.

    On SQLite each batch waits its turn at the app's write gate like a writing request
    (so it never holds a threadpool thread waiting for the database's one write lock),
    and gives the gate back between batches: a long backlog never stalls the writers.
    """
    engine: Engine = app.state.engine
    while not stop.is_set():
        indexed = 0
        try:
            while not stop.is_set():
                if engine.dialect.name == "sqlite":
                    gate = getattr(app.state, "sqlite_write_gate", None)
                    if gate is None:
                        gate = app.state.sqlite_write_gate = anyio.Lock()
                    async with gate:
                        done = await to_thread.run_sync(index_batch, engine)
                else:
                    done = await to_thread.run_sync(index_batch, engine)
                if not done:
                    break
                indexed += done
        except Exception:  # a database outage must not kill the indexer
            logger.exception("serial neighbourhood index: pass failed")
        if indexed:
            logger.info("serial neighbourhood index: %d records indexed", indexed)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval_seconds)
