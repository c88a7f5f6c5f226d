"""registry0011 widens the kinds (ordnance, explosive) and adds nullable columns: rows
indexed before read as before, new kinds are accepted, and it downgrades cleanly."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import create_engine, insert, select
from sqlalchemy.exc import IntegrityError

from services.common import migrations
from services.registry.models.handles import declared_items

OLD_ROW = {
    "declaration_id": "d-1",
    "declaration_version": 1,
    "item_index": 0,
    "declaration_type": "seizure",
    "declaring_country": "MLI",
    "event_date": date(2024, 3, 1),
    "location_country": "MLI",
    "undeclared": False,
    "kind": "weapon",
    "category": "assault_rifle",
    "serial_number": "AK123",
    "serial_key": "AK123",
    "quantity": 1,
}


def test_items_indexed_before_read_as_before_and_new_kinds_fit(empty_database_url: str) -> None:
    migrations.upgrade("registry", empty_database_url, "registry0010")
    engine = create_engine(empty_database_url)
    try:
        with engine.begin() as connection:
            connection.execute(insert(declared_items).values(**OLD_ROW))
        migrations.upgrade("registry", empty_database_url)
        with engine.connect() as connection:
            row = connection.execute(select(declared_items)).mappings().one()
        assert row["serial_number"] == "AK123"
        assert row["serial_key"] == "AK123"
        assert row["serial_status"] is None
        assert row["serial_pattern"] is None
        with engine.begin() as connection:
            connection.execute(
                insert(declared_items).values(
                    **OLD_ROW
                    | {
                        "declaration_id": "d-2",
                        "kind": "explosive",
                        "explosive_type": "bulk_explosive",
                        "quantity_unit": "kg",
                        "serial_number": None,
                        "serial_key": None,
                    }
                )
            )
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(
                insert(declared_items).values(**OLD_ROW | {"declaration_id": "d-3", "kind": "x"})
            )
        with engine.begin() as connection:
            connection.execute(
                declared_items.delete().where(declared_items.c.declaration_id == "d-2")
            )
        migrations.downgrade("registry", empty_database_url, "registry0010")
        migrations.upgrade("registry", empty_database_url)
    finally:
        engine.dispose()
