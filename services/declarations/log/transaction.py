"""Writes that append to the log commit in the worker thread that appended."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

T = TypeVar("T")


def _write_and_commit(session: Session, write: Callable[[], T]) -> T:
    result = write()
    session.commit()
    return result


async def commit_log_write(session: Session, write: Callable[[], T]) -> T:
    """Run ``write`` (a service call that appends to the log) and commit at once.

    Every route that appends goes through here: ``write`` and the commit run in
    one worker thread, so the log lock is held from the append until the commit
    and no longer. Left to the session dependency, the commit would come only
    after more event-loop hops, behind every other request's work, and
    concurrent writers queue on the lock all that time (measured on PostgreSQL:
    about 20 ms a declaration, 50 declarations/s from 16 clients). Committing
    here keeps the window to the database round trips. ``write`` should do
    everything the response needs (the idempotency record included), so that
    nothing runs between the append and the commit. On an error nothing is
    committed and the session dependency rolls back as usual.
    """
    return await run_in_threadpool(_write_and_commit, session, write)
