"""The indexer: its own transactions (``regctl index neighbours``) and the registry's
background task."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import anyio
from anyio import to_thread
from fastapi import FastAPI
from sqlalchemy import Engine
from sqlmodel import Session

from services.common.database import write_session
from services.registry.serial_index.repository import backlog_pending
from services.registry.serial_index.service import BATCH_RECORDS, index_backlog

logger = logging.getLogger("salw.registry.neighbours")


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
