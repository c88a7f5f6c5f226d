"""Heavy reads on an optional PostgreSQL streaming replica (``*_READ_DATABASE_URL``).

A route opts in by its signature: ``ReadSessionDep`` (a read-only session),
``ReadEngineDep`` (exports, which open a session per page) or ``HotReadsDep``
(trace). Each gives the replica while it is usable and the primary otherwise;
``SessionDep`` stays on the primary for writes and for reads that must see the
caller's own just-written record (a replica replays the primary's WAL a moment
later, so "create then read back" must not go there).

Usable means: it answers, it is a standby (``pg_is_in_recovery()``), and it
lags by at most ``read_replica_max_lag_seconds``. The lag is zero when it has
replayed the primary's WAL up to what the primary had flushed just before the
check (``pg_current_wal_flush_lsn()`` against ``pg_last_wal_replay_lsn()``), else
the age of its last replayed commit (``now() - pg_last_xact_replay_timestamp()``):
a standby whose replay is paused or stuck, or whose stream from the primary is
cut, falls behind as the primary writes and is skipped once that age passes the
bound. While the primary is unreachable, what the standby received stands in for
what the primary flushed. (Right after a long idle spell, a standby a few
milliseconds behind looks old for one check: the primary answers for that
second.) The state is checked at most once per ``read_replica_check_seconds``; a
connection that fails between two checks marks the replica down at once and the
read goes to the primary. Without a read URL (the embedded SQLite default) every read is on the
primary, as before.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import Depends, Request
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from services.common.hot_reads import HotReads

logger = logging.getLogger(__name__)

# Seconds a connection attempt to the replica may take before the primary answers.
CONNECT_TIMEOUT_SECONDS = 3

_PRIMARY_LSN_SQL = text("SELECT pg_current_wal_flush_lsn()::text")
_STATE_SQL = text(
    "SELECT pg_is_in_recovery() AS standby,"
    " CASE WHEN pg_last_wal_replay_lsn()"
    " >= COALESCE(CAST(:primary_lsn AS pg_lsn), pg_last_wal_receive_lsn()) THEN 0.0"
    " ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())::float8 END AS lag"
)


@dataclass(frozen=True)
class ReplicaState:
    """What the last check found."""

    status: Literal["ok", "degraded"]
    lag_seconds: float | None
    reason: str | None = None

    @property
    def usable(self) -> bool:
        return self.status == "ok"


class ReadReplica:
    """The replica's engine, hot-read pool and cached state."""

    def __init__(
        self,
        url: str,
        *,
        primary: Engine,
        max_lag_seconds: float,
        check_seconds: float,
        primary_reads: HotReads,
        hot_read_concurrency: int,
    ) -> None:
        self.engine = create_engine(
            url,
            pool_pre_ping=True,
            pool_size=10,
            max_overflow=20,
            pool_timeout=10,
            connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS},
        )
        self.primary = primary
        self.max_lag_seconds = max_lag_seconds
        self.check_seconds = check_seconds
        self.hot_reads = HotReads(
            self.engine,
            concurrency=hot_read_concurrency,
            fallback=primary_reads,
            on_unavailable=self.mark_down,
            pool_timeout=CONNECT_TIMEOUT_SECONDS,
        )
        self._lock = threading.Lock()
        self._state = ReplicaState("degraded", None, "not checked yet")
        self._checked_at = float("-inf")

    def state(self) -> ReplicaState:
        """The replica's state, checked again when the last check is older than allowed.

        One thread checks at a time; the others take the last known state meanwhile.
        """
        if time.monotonic() - self._checked_at < self.check_seconds:
            return self._state
        if not self._lock.acquire(blocking=self._checked_at == float("-inf")):
            return self._state
        try:
            self._state = self._check()
            self._checked_at = time.monotonic()
            return self._state
        finally:
            self._lock.release()

    def mark_down(self) -> None:
        """A read on the replica failed: degraded until the next check finds it back."""
        self._state = ReplicaState("degraded", None, "unreachable")
        self._checked_at = time.monotonic()
        logger.warning("read replica unreachable; the primary answers reads")

    def _check(self) -> ReplicaState:
        primary_lsn: str | None
        try:
            with self.primary.connect() as connection:
                primary_lsn = connection.execute(_PRIMARY_LSN_SQL).scalar_one()
        except SQLAlchemyError:
            # The primary down: the standby is as recent as what it received; it may go
            # on serving heavy reads (readiness reports the primary's outage).
            primary_lsn = None
        try:
            with self.engine.connect() as connection:
                row = connection.execute(_STATE_SQL, {"primary_lsn": primary_lsn}).one()
        except SQLAlchemyError:
            return ReplicaState("degraded", None, "unreachable")
        lag = None if row.lag is None else max(float(row.lag), 0.0)
        if not row.standby:
            return ReplicaState("degraded", lag, "not a standby (promoted or misconfigured?)")
        if lag is None:
            return ReplicaState("degraded", None, "nothing replayed yet")
        if lag > self.max_lag_seconds:
            return ReplicaState("degraded", lag, f"lags {lag:.1f}s (bound {self.max_lag_seconds}s)")
        return ReplicaState("ok", lag)

    async def close(self) -> None:
        """Close its pools (application shutdown)."""
        await self.hot_reads.close()
        self.engine.dispose()


def usable_replica(request: Request) -> ReadReplica | None:
    """The app's replica when it has one and it may serve reads now."""
    replica: ReadReplica | None = getattr(request.app.state, "replica", None)
    if replica is None or not replica.state().usable:
        return None
    return replica


def get_read_engine(request: Request) -> Engine:
    """The engine heavy reads use now: the replica's when usable, else the primary's."""
    replica = usable_replica(request)
    engine: Engine = replica.engine if replica else request.app.state.engine
    return engine


def get_hot_reads(request: Request) -> HotReads:
    """The hot reads (trace) of the replica when usable, else the primary's."""
    replica = usable_replica(request)
    reads: HotReads = replica.hot_reads if replica else request.app.state.hot_reads
    return reads


def get_read_session(request: Request) -> Iterator[Session]:
    """A read-only session on the replica when usable, else on the primary.

    Nothing is committed: the transaction is rolled back when the request ends. A
    replica that fails to give a connection is marked down and the primary answers.
    """
    primary: Engine = request.app.state.engine
    replica = usable_replica(request)
    session: Session | None = None
    if replica is not None:
        session = Session(replica.engine, expire_on_commit=False)
        try:
            session.connection()
        except SQLAlchemyError:
            session.close()
            replica.mark_down()
            session = None
    if session is None:
        session = Session(primary, expire_on_commit=False)
    with session:
        yield session
        session.rollback()


ReadSessionDep = Annotated[Session, Depends(get_read_session, scope="function")]
ReadEngineDep = Annotated[Engine, Depends(get_read_engine)]
HotReadsDep = Annotated[HotReads, Depends(get_hot_reads)]
