"""Hot reads: a read-only statement run for a request without a worker thread.

A trace is one SELECT a thousand times a second. Run from a worker thread, each one
pays a thread handoff and, worse, contends for the GIL with the event loop parsing
the next requests: on two cores that contention cost more than the query. So on
PostgreSQL hot reads run on the event loop itself, through an asyncio psycopg pool
(``psycopg_pool``) of autocommit connections, and the loop keeps serving other
requests while PostgreSQL works. The statements are ordinary SQLAlchemy Core
statements, compiled once each (``_compiled``) and executed with their bound values.

On SQLite (the embedded default: no network, no server) the same statement runs in
a worker thread through ``run_read``'s session, bounded by a limiter.

A connection the server dropped (restart, failover) fails its statement; the pool
discards it and the read is retried once on another connection. A read replica's
hot reads (replica.py) then fall back to the primary's and mark the replica down.
"""

from __future__ import annotations

import asyncio
import functools
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import anyio
import psycopg
from psycopg import AsyncRawCursor
from psycopg.rows import namedtuple_row
from psycopg_pool import AsyncConnectionPool
from sqlalchemy import Dialect, Engine
from sqlalchemy.exc import DataError
from sqlalchemy.sql.expression import CompoundSelect, Select
from sqlmodel import Session

from services.common.database import run_read_session

Statement = Select[Any] | CompoundSelect[Any]


class HotReads:
    """Runs read-only statements for requests: on the event loop (PostgreSQL), or in a
    bounded worker thread (SQLite)."""

    def __init__(
        self,
        engine: Engine,
        *,
        concurrency: int,
        fallback: HotReads | None = None,
        on_unavailable: Callable[[], None] | None = None,
        pool_timeout: float = 30.0,
    ) -> None:
        self.engine = engine
        self.concurrency = concurrency
        self.fallback = fallback
        self.on_unavailable = on_unavailable
        self.pool_timeout = pool_timeout
        self._pool: AsyncConnectionPool | None = None
        self._opening = asyncio.Lock()
        self._limiter: anyio.CapacityLimiter | None = None

    async def fetch(
        self,
        statement: Statement,
        parameters: Mapping[str, Any],
        *,
        plan_each_time: bool = False,
    ) -> Sequence[Any]:
        """Every row of ``statement`` with ``parameters`` (attribute access by label).

        psycopg prepares a statement run five times on a connection, and PostgreSQL then
        may keep one generic plan for every value. ``plan_each_time`` runs it unprepared
        (the unnamed statement, planned with its values every time): for a statement
        whose best plan depends on a value the planner must see (a LIKE pattern's
        trigrams), at the cost of planning it each time (a millisecond)."""
        if self.engine.dialect.name != "postgresql":
            return await self._fetch_in_thread(statement, parameters)
        sql, names, defaults = _compiled(statement, self.engine.dialect)
        values = [parameters[name] if name in parameters else defaults[name] for name in names]
        pool = await self._open()
        for attempt in (1, 2):
            try:
                async with pool.connection() as connection:
                    cursor = AsyncRawCursor(connection, row_factory=namedtuple_row)
                    await cursor.execute(sql, values, prepare=False if plan_each_time else None)
                    return await cursor.fetchall()
            except psycopg.DataError as exc:  # the same 422 as a session's statement
                raise DataError(sql, values, exc) from exc
            except psycopg.OperationalError:
                if attempt == 2 and self.fallback is None:
                    raise
        # The server is unreachable (a read replica down): its fallback answers.
        assert self.fallback is not None
        if self.on_unavailable is not None:
            self.on_unavailable()
        return await self.fallback.fetch(statement, parameters, plan_each_time=plan_each_time)

    async def close(self) -> None:
        """Close the pool (application shutdown)."""
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

    async def _open(self) -> AsyncConnectionPool:
        if self._pool is not None:
            return self._pool
        async with self._opening:
            if self._pool is None:
                url = self.engine.url.set(drivername="postgresql")
                pool = AsyncConnectionPool(
                    url.render_as_string(hide_password=False),
                    min_size=1,
                    max_size=self.concurrency,
                    kwargs={"autocommit": True},
                    open=False,
                    timeout=self.pool_timeout,
                    name="hot-reads",
                )
                await pool.open()
                self._pool = pool
            return self._pool

    async def _fetch_in_thread(
        self, statement: Statement, parameters: Mapping[str, Any]
    ) -> Sequence[Any]:
        if self._limiter is None:
            self._limiter = anyio.CapacityLimiter(self.concurrency)

        def work(session: Session) -> Sequence[Any]:
            return session.execute(statement, dict(parameters)).all()

        return await run_read_session(self.engine, work, limiter=self._limiter)


@functools.lru_cache(maxsize=512)
def _compiled(
    statement: Statement, dialect: Dialect
) -> tuple[str, tuple[str, ...], dict[str, Any]]:
    """SQL text with PostgreSQL's own ``$n`` placeholders, the parameter name of each,
    and the values bound inside the statement.

    psycopg parses ``%(name)s`` placeholders on every execution of a statement longer
    than 4 KiB (a trace's is twice that); a raw cursor takes ``$n`` as they are.
    Parameters without a value (the request's) get a placeholder so that the expanding
    ones with values (IN lists of the tenancy filter) can be rendered now.
    """
    compiled = statement.compile(dialect=dialect)
    required = [name for name, bind in compiled.binds.items() if bind.required]
    expanded = compiled.construct_expanded_state(dict.fromkeys(required, ""))
    names: list[str] = []

    def number(match: re.Match[str]) -> str:
        if match.group(1) not in names:
            names.append(match.group(1))
        return f"${names.index(match.group(1)) + 1}"

    sql = _PYFORMAT.sub(number, expanded.statement).replace("%%", "%")
    defaults = {name: value for name, value in expanded.parameters.items() if name not in required}
    return sql, tuple(names), defaults


_PYFORMAT = re.compile(r"%\((\w+)\)s")
