"""registry0020 fills the daily counts from the items already stored, and downgrades by
dropping them (the items stay); upgrading again fills them again."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine, create_engine, func, insert, inspect, select

from services.common import migrations
from services.registry.models.daily_counts import (
    declared_item_daily_counts,
    declared_item_daily_totals,
    manifest_item_daily_counts,
    manifest_item_daily_totals,
)
from services.registry.models.handles import declared_items, manifest_items, manifests

DAY = date(2024, 3, 1)
MANIFEST = {
    "id": "m-1",
    "direction": "in",
    "mission_code": "MINUSCA",
    "contributing_country": "SEN",
    "unit": "SENBATT 7",
    "crossing_date": DAY,
    "is_correction": False,
    "closes_rotation": False,
    "item_count": 4,
    "submitted_by": "migration test",
    "created_at": datetime(2024, 3, 1, tzinfo=UTC),
}
MANIFEST_ITEM = {
    "manifest_id": "m-1",
    "kind": "weapon",
    "mission_code": "MINUSCA",
    "contributing_country": "SEN",
    "direction": "in",
    "crossing_date": DAY,
    "unit": "SENBATT 7",
    "is_correction": False,
    "category": "assault_rifle",
    "serial_number": "S-1",
    "serial_key": "S1",
    "quantity": 1,
    # Every row names every column: an executemany takes its columns from the first row.
    "explosive_type": None,
    "quantity_unit": None,
}
DECLARED_ITEM = {
    "declaration_id": "d-1",
    "declaration_version": 1,
    "declaration_type": "seizure",
    "declaring_country": "NER",
    "mission_code": None,
    "event_date": DAY,
    "location_country": "MLI",
    "undeclared": False,
    "kind": "weapon",
    "category": "assault_rifle",
    "quantity": 1,
    "serial_status": None,
}


def _store_items(engine: Engine) -> None:
    explosive = {"kind": "explosive", "category": None, "serial_number": None, "serial_key": None}
    with engine.begin() as connection:
        connection.execute(insert(manifests).values(**MANIFEST))
        connection.execute(
            insert(manifest_items),
            [
                MANIFEST_ITEM | {"line": 0},
                MANIFEST_ITEM | {"line": 1, "serial_number": "S-2", "serial_key": "S2"},
                MANIFEST_ITEM
                | explosive
                | {"line": 2, "explosive_type": "bulk_explosive", "quantity": 3}
                | {"quantity_unit": "kg"},
                MANIFEST_ITEM
                | explosive
                | {"line": 3, "explosive_type": "detonator", "quantity": 40},
            ],
        )
        connection.execute(
            insert(declared_items),
            [
                DECLARED_ITEM | {"item_index": 0},
                DECLARED_ITEM | {"item_index": 1, "serial_status": "obliterated"},
                DECLARED_ITEM | {"item_index": 2, "serial_status": "present"},
                DECLARED_ITEM
                | {"item_index": 3, "kind": "ammunition", "category": None, "quantity": 500},
            ],
        )


def _counts(engine: Engine) -> tuple[set[tuple[Any, ...]], ...]:
    mc, dc = manifest_item_daily_counts, declared_item_daily_counts
    mt, dt = manifest_item_daily_totals, declared_item_daily_totals
    with engine.connect() as connection:
        totals = (
            connection.execute(
                select(mt.c.contributing_country, mt.c.records, mt.c.quantity, mt.c.mass_grams)
            ).all()
            + connection.execute(
                select(dt.c.declaring_country, dt.c.records, dt.c.quantity, dt.c.mass_grams)
            ).all()
        )
        manifested = connection.execute(
            select(
                mc.c.contributing_country,
                mc.c.kind,
                mc.c.category,
                mc.c.item_type,
                mc.c.records,
                mc.c.quantity,
                mc.c.mass_grams,
            )
        ).all()
        declared = connection.execute(
            select(dc.c.mission_code, dc.c.kind, dc.c.serial_status, dc.c.records, dc.c.quantity)
        ).all()
    return (
        {tuple(r) for r in manifested},
        {tuple(r) for r in declared},
        {tuple(r) for r in totals},
    )


EXPECTED_MANIFESTED = {
    ("SEN", "weapon", "assault_rifle", "", 2, 2, 0),
    ("SEN", "explosive", "", "bulk_explosive", 1, 0, 3000),
    ("SEN", "explosive", "", "detonator", 1, 40, 0),
}
# A weapon's status not recorded counts as present, with those recorded as present.
EXPECTED_DECLARED = {
    ("", "weapon", "present", 2, 2),
    ("", "weapon", "obliterated", 1, 1),
    ("", "ammunition", "", 1, 500),
}
EXPECTED_TOTALS = {("SEN", 4, 42, 3000), ("NER", 4, 503, 0)}
EXPECTED = (EXPECTED_MANIFESTED, EXPECTED_DECLARED, EXPECTED_TOTALS)


def test_the_upgrade_counts_the_stored_items_and_the_downgrade_drops_the_counts(
    empty_database_url: str,
) -> None:
    migrations.upgrade("registry", empty_database_url, "registry0019")
    engine = create_engine(empty_database_url)
    try:
        _store_items(engine)
        migrations.upgrade("registry", empty_database_url, "registry0020")
        assert _counts(engine) == EXPECTED
        migrations.downgrade("registry", empty_database_url, "registry0019")
        tables = set(inspect(engine).get_table_names())
        assert not {name for name in tables if "_daily_" in name}
        with engine.connect() as connection:
            assert (
                connection.execute(select(func.count()).select_from(manifest_items)).scalar() == 4
            )
        migrations.upgrade("registry", empty_database_url)
        assert _counts(engine) == EXPECTED
    finally:
        engine.dispose()
