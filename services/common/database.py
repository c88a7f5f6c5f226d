"""Database engines and the request-scoped session.

SQLite (the embedded default) runs in WAL mode with foreign keys on and a busy
timeout so concurrent writers queue instead of failing. PostgreSQL is reached
through psycopg 3 (``postgresql+psycopg://``). The session dependency commits
when the route returns and rolls back when it raises: services never commit.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Annotated, Any, TypeVar

import anyio
from fastapi import Depends, Request
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

T = TypeVar("T")


def is_sqlite(url: str) -> bool:
    """True for SQLite URLs."""
    return make_url(url).get_backend_name() == "sqlite"


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


WRITE_INTENT = "salw_write_intent"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _begin(conn: Any) -> None:
    # A deferred transaction that reads and then writes fails at once with
    # SQLITE_BUSY when another writer committed meanwhile (the busy timeout
    # does not apply). Transactions that mean to write take the write lock at
    # BEGIN so writers queue; readers stay deferred and never block in WAL.
    if conn.get_execution_options().get(WRITE_INTENT):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Create an engine for ``url`` with the settings this project relies on."""
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:":
            # If the folder cannot be made, connecting fails and readiness says so.
            with contextlib.suppress(OSError):
                Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            echo=echo,
            connect_args={"check_same_thread": False, "timeout": 30, "isolation_level": None},
        )
        event.listen(engine, "connect", _configure_sqlite)
        event.listen(engine, "begin", _begin)
        return engine
    return create_engine(
        url,
        echo=echo,
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=20,
        pool_timeout=10,
    )


def write_session(engine: Engine) -> Session:
    """A session for a command-line write (takes the SQLite write lock at BEGIN)."""
    session = Session(engine, expire_on_commit=False)
    session.connection(execution_options={WRITE_INTENT: True})
    return session


@contextlib.contextmanager
def committed(session: Session) -> Iterator[Session]:
    """Commit ``session`` when the block ends; roll it back when the block raises."""
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise


@contextlib.contextmanager
def write_transaction(engine: Engine) -> Iterator[Session]:
    """A command's write session that commits on success (a command is its own request
    boundary) and rolls back on error."""
    with write_session(engine) as session, committed(session):
        yield session


async def sqlite_write_gate(request: Request) -> AsyncIterator[None]:
    """Writing requests on SQLite take turns here, on the event loop, before their session.

    SQLite has one writer, and a write session takes the lock at BEGIN from a
    threadpool thread. If every thread of the pool (40) waits there, the holder
    finds no thread to finish in and all wait out the busy timeout (500s under
    ~40 concurrent writes). Waiting here holds no thread. PostgreSQL: no gate.
    """
    if request.method not in WRITE_METHODS:
        yield
        return
    async with _write_turn(request.app.state):
        yield


@contextlib.asynccontextmanager
async def _write_turn(state: Any) -> AsyncIterator[None]:
    """The app's SQLite write gate (nothing to wait for on PostgreSQL)."""
    engine: Engine = state.engine
    if engine.dialect.name != "sqlite":
        yield
        return
    gate = getattr(state, "sqlite_write_gate", None)
    if gate is None:
        gate = state.sqlite_write_gate = anyio.Lock()
    async with gate:
        yield


async def run_write_session(request: Request, work: Callable[[Session], T]) -> T:
    """Run ``work`` in one write transaction in a worker thread, committed when it returns.

    For routes that must do slow work (a password check) outside any database lock
    and write only afterwards: they take no ``SessionDep`` and call this for the
    short write, which waits its turn at the SQLite write gate like any write.
    """

    def run() -> T:
        with write_transaction(request.app.state.engine) as session:
            return work(session)

    async with _write_turn(request.app.state):
        return await anyio.to_thread.run_sync(run)


def get_session(
    request: Request, _turn: Annotated[None, Depends(sqlite_write_gate, scope="function")]
) -> Iterator[Session]:
    """One session per request; commit on success, roll back on error."""
    engine: Engine = request.app.state.engine
    with Session(engine, expire_on_commit=False) as session:
        if request.method in WRITE_METHODS:
            session.connection(execution_options={WRITE_INTENT: True})
        with committed(session):
            yield session


async def run_read_session(
    engine: Engine, work: Callable[[Session], T], *, limiter: anyio.CapacityLimiter
) -> T:
    """Run read-only ``work`` with its own session in one worker thread, at most
    ``limiter`` at once (``hot_reads`` on SQLite). Nothing is committed."""

    def run() -> T:
        with Session(engine, expire_on_commit=False) as session:
            return work(session)

    return await anyio.to_thread.run_sync(run, limiter=limiter)


# scope="function": the commit runs before the response is sent, so a failed
# commit is reported to the client instead of being lost after a 201.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def insert_unless_exists(session: Session, row: Any, *, exists: Callable[[], bool]) -> bool:
    """Insert ``row``; False when its key is taken (``exists`` says so after a failure).

    The key decides, not a look before the insert: two concurrent creates both see no
    row, and the loser's insert fails once the winner commits. The insert runs in a
    SAVEPOINT so that failure leaves the request's transaction usable; an integrity
    error with no existing row (another constraint) is a bug and is raised.
    """
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        if not exists():
            raise
        return False
    return True
