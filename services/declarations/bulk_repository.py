"""Bulk inserts: PostgreSQL ``COPY`` for many rows, executemany otherwise.

A repository module (its SQL is the INSERT and the COPY below): the domain
repositories and the archive loader store rows through :func:`insert_rows`. It
reads nothing.

``COPY ... FROM STDIN`` streams rows in one round trip with little per-row
work, which is what lets a batch of 1,000 declarations (several thousand item,
version, content, log entry and node rows) be stored in a fraction of a
second. Small inserts and SQLite use SQLAlchemy Core executemany (psycopg
pipelines it: one round trip too). Insert triggers fire either way.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import psycopg
from sqlalchemy import Table, insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

COPY_THRESHOLD = 64
"""Below this many rows, executemany costs no more than COPY."""


def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys) into ``table`` within the session's transaction.

    A constraint violation is raised as SQLAlchemy's ``IntegrityError`` on every path.
    """
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name != "postgresql" or len(rows) < COPY_THRESHOLD:
        session.execute(insert(table), list(rows))
        return
    columns = list(rows[0])
    names = ", ".join(connection.dialect.identifier_preparer.quote(c) for c in columns)
    statement = f"COPY {table.name} ({names}) FROM STDIN"
    driver = connection.connection.driver_connection
    assert isinstance(driver, psycopg.Connection)
    try:
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row([row[c] for c in columns])
    except psycopg.IntegrityError as exc:
        raise IntegrityError(statement, None, exc) from exc
