"""registry0031 fills the monthly attribute counts from the daily ones (the sums the item
inserts would have written), and its downgrade drops them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, delete, inspect, select
from sqlmodel import Session

from services.common import migrations
from services.registry.daily_counts.repository import add_declared_items, add_manifest_items
from services.registry.models.daily_counts import (
    declared_item_daily_attributes,
    declared_item_daily_counts,
    declared_item_daily_totals,
    declared_item_monthly_attributes,
    manifest_item_daily_attributes,
    manifest_item_daily_counts,
    manifest_item_daily_totals,
    manifest_item_monthly_attributes,
)
from tests.registry.test_daily_attributes_migration import _store_items

TABLES = (manifest_item_monthly_attributes, declared_item_monthly_attributes)
DAILY = (
    manifest_item_daily_attributes,
    declared_item_daily_attributes,
    manifest_item_daily_counts,
    declared_item_daily_counts,
    manifest_item_daily_totals,
    declared_item_daily_totals,
)


def _monthly(engine: Engine) -> list[set[tuple[Any, ...]]]:
    with engine.connect() as connection:
        return [{tuple(r) for r in connection.execute(select(t)).all()} for t in TABLES]


def test_the_monthly_counts_are_backfilled_as_the_inserts_count_and_dropped_on_downgrade(
    empty_database_url: str,
) -> None:
    migrations.upgrade("registry", empty_database_url, "registry0023")
    engine = create_engine(empty_database_url)
    try:
        _store_items(engine)
        migrations.upgrade("registry", empty_database_url, "registry0031")
        backfilled = _monthly(engine)
        assert all(backfilled)
        assert {str(row[2])[8:] for rows in backfilled for row in rows} == {"01"}  # months
        with Session(engine) as session:
            # The inserts add to every count: start them all from nothing.
            for table in (*TABLES, *DAILY):
                session.execute(delete(table))
            add_manifest_items(session, ["m-1"])
            add_declared_items(session, "d-1")
            session.commit()
        assert _monthly(engine) == backfilled
        migrations.downgrade("registry", empty_database_url, "-1")
        assert not {t.name for t in TABLES} & set(inspect(engine).get_table_names())
        migrations.upgrade("registry", empty_database_url)
        assert _monthly(engine) == backfilled
    finally:
        engine.dispose()
