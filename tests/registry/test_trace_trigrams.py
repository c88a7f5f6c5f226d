"""Wildcard traces with a legible middle: how each pattern is read, and on PostgreSQL
through the serial-key trigram indexes (registry0022), planned with its pattern."""

from __future__ import annotations

import asyncio

import psycopg
import pytest
from sqlalchemy import column, create_engine, select, table
from sqlalchemy.engine import make_url

from services.common.hot_reads import HotReads, _compiled
from services.common.security import ReadScope
from services.registry.trace import repository, service
from services.registry.trace.repository import pattern_match

EVERYTHING = ReadScope(everything=True, periods=())
TRIGRAM_INDEXES = {
    "ix_manifest_items_serial_key_trgm",
    "ix_declared_items_serial_key_trgm",
    "ix_loss_report_items_serial_key_trgm",
}


@pytest.mark.parametrize(
    ("pattern", "on_postgresql"),
    [
        ("%0123_5", "trigram"),  # a one-character suffix, no prefix: the middle's trigrams
        ("5600_2345", "trigram"),  # four characters each side: thousands of keys
        ("%123", "trigram"),
        ("%0012345", "suffix"),  # a 7-character suffix is a narrow range already
        ("560012_45", "like"),  # so is a 6-character prefix
        ("12_45_78", "like"),  # no run of three: no trigram to look up
        ("1_3_56", "suffix"),  # none either: the longer end
    ],
)
def test_a_pattern_is_read_by_its_trigrams_only_where_no_range_is_narrow(
    pattern: str, on_postgresql: str
) -> None:
    assert pattern_match("postgresql", pattern) == on_postgresql
    assert pattern_match("sqlite", pattern) == "like"  # neither reverse() nor pg_trgm


def test_only_trigram_lookups_are_planned_with_their_pattern_each_time() -> None:
    def lookup(serial: str, dialect: str = "postgresql") -> repository.Lookup:
        return service.plan(
            dialect=dialect,
            scope=EVERYTHING,
            serial_number=serial,
            manufacturer=None,
            model=None,
            limit=10,
        ).lookup

    assert lookup("*0123?5").plan_each_time
    assert lookup("*0123?5").parameters["pattern"] == "%0123_5"
    assert not lookup("*0123?5", "sqlite").plan_each_time
    assert not lookup("*0012345").plan_each_time
    assert not lookup("56-0012345").plan_each_time


def _postgresql(url: str) -> None:
    if make_url(url).get_backend_name() != "postgresql":
        pytest.skip("pg_trgm indexes are PostgreSQL's; SQLite reads the prefix's range")


def test_the_trigram_statement_can_read_every_source_through_its_trigram_index(
    database_urls: dict[str, str],
) -> None:
    url = database_urls["registry"]
    _postgresql(url)
    engine = create_engine(url)
    try:
        lookup = service.plan(
            dialect="postgresql",
            scope=EVERYTHING,
            serial_number="*0123?5",
            manufacturer=None,
            model=None,
            limit=10,
        ).lookup
        sql, names, defaults = _compiled(lookup.statement, engine.dialect)
        values = [lookup.parameters.get(name, defaults.get(name)) for name in names]
        with engine.connect() as connection:
            driver = connection.connection.driver_connection
            assert isinstance(driver, psycopg.Connection)
            # Empty tables: a sequential scan is cheapest unless it is ruled out. What is
            # checked is that the statement's condition is one the trigram index serves.
            driver.execute("SET enable_seqscan = off")
            rows = psycopg.RawCursor(driver).execute("EXPLAIN " + sql, values).fetchall()
            explained = "\n".join(row[0] for row in rows)
    finally:
        engine.dispose()
    for index in TRIGRAM_INDEXES:
        assert f"Bitmap Index Scan on {index}" in explained, explained


def test_a_trace_planned_each_time_is_never_prepared_on_its_connection(
    database_urls: dict[str, str],
) -> None:
    url = database_urls["registry"]
    _postgresql(url)
    engine = create_engine(url)
    reads = HotReads(engine, concurrency=1)  # one connection: the one that would prepare
    prepared = select(column("statement")).select_from(table("pg_prepared_statements"))

    async def run(plan_each_time: bool) -> list[str]:
        lookup = service.plan(
            dialect="postgresql",
            scope=EVERYTHING,
            serial_number="*0123?5",
            manufacturer=None,
            model=None,
            limit=10,
        ).lookup
        for _ in range(8):  # psycopg prepares a statement on its fifth run
            await reads.fetch(lookup.statement, lookup.parameters, plan_each_time=plan_each_time)
        return [row.statement for row in await reads.fetch(prepared, {}, plan_each_time=True)]

    async def both() -> tuple[list[str], list[str]]:
        try:
            return await run(True), await run(False)
        finally:
            await reads.close()

    try:
        planned_each_time, prepared_after = asyncio.run(both())
    finally:
        engine.dispose()
    assert not [s for s in planned_each_time if "serial_key" in s]
    assert [s for s in prepared_after if "serial_key" in s]  # the control: it would be
