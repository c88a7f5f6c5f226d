"""Writes that append to the log commit in the worker thread that appended."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlmodel import Session

T = TypeVar("T")


def commit_holding_log_lock(session: Session, write: Callable[[], T]) -> T:
    """Run ``write`` (a service call that appends to the log) and commit at once.

    The log lock is held from the append until the commit. Left to the
    session dependency, the commit would come only after more event-loop hops,
    behind every other request's work, and concurrent writers queue on the
    lock all that time (measured on PostgreSQL: about 20 ms a declaration, 50
    declarations/s from 16 clients). Committing here, in the same thread,
    keeps the window to the database round trips. On an error nothing is
    committed and the session dependency rolls back as usual.
    """
    result = write()
    session.commit()
    return result
