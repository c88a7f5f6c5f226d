"""registry0024 fills the daily attribute counts from the items already stored, exactly as
the item inserts count them, and downgrades by dropping them (the items stay)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine, create_engine, delete, func, insert, inspect, select
from sqlmodel import Session

from services.common import migrations
from services.common.identifiers import calibre_key, manufacturer_key
from services.registry.daily_counts.repository import add_declared_items, add_manifest_items
from services.registry.models.daily_counts import (
    declared_item_daily_attributes,
    manifest_item_daily_attributes,
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
    "item_count": 3,
    "submitted_by": "migration test",
    "created_at": datetime(2024, 3, 1, tzinfo=UTC),
}


def _weapon(line: int, maker: str | None, calibre: str | None, year: int | None) -> dict[str, Any]:
    return {
        "manifest_id": "m-1",
        "line": line,
        "kind": "weapon",
        "mission_code": "MINUSCA",
        "contributing_country": "SEN",
        "direction": "in",
        "crossing_date": DAY,
        "unit": "SENBATT 7",
        "is_correction": False,
        "category": "assault_rifle",
        "serial_number": f"S-{line}",
        "serial_key": f"S{line}",
        "quantity": 1,
        "manufacturer": maker,
        "manufacturer_key": manufacturer_key(maker) if maker else None,
        "calibre": calibre,
        "calibre_key": calibre_key(calibre) if calibre else None,
        "year_of_manufacture": year,
    }


def _declared(index: int, **fields: Any) -> dict[str, Any]:
    item = {
        "declaration_id": "d-1",
        "declaration_version": 1,
        "item_index": index,
        "declaration_type": "seizure",
        "declaring_country": "NER",
        "mission_code": None,
        "event_date": DAY,
        "location_country": "MLI",
        "undeclared": False,
        "kind": "weapon",
        "category": "assault_rifle",
        "quantity": 1,
        "manufacturer": None,
        "manufacturer_key": None,
        "headstamp_maker": None,
        "calibre": None,
        "calibre_key": None,
        "year_of_manufacture": None,
        "armed_group": None,
        "presumed_user_kind": None,
    }
    return item | fields


def _store_items(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(insert(manifests).values(**MANIFEST))
        connection.execute(
            insert(manifest_items),
            [
                _weapon(0, "Izhmash", "7.62x39", 1987),
                _weapon(1, "Kalashnikov Concern", "7,62 × 39 mm", None),
                _weapon(2, None, None, 2011),
            ],
        )
        connection.execute(
            insert(declared_items),
            [
                _declared(0, armed_group="JNIM", presumed_user_kind="non_state_armed_group")
                | {"manufacturer": "Izhmash", "manufacturer_key": "Kalashnikov Concern"},
                # A maker read from the headstamp only.
                _declared(
                    1,
                    kind="ammunition",
                    category=None,
                    quantity=500,
                    headstamp_maker="Norinco",
                    manufacturer_key="Norinco",
                    presumed_user_kind="unknown",
                    year_of_manufacture=2009,
                ),
            ],
        )


def _attributes(engine: Engine) -> tuple[set[tuple[Any, ...]], ...]:
    ma, da = manifest_item_daily_attributes, declared_item_daily_attributes
    with engine.connect() as connection:
        return (
            {tuple(r) for r in connection.execute(select(ma)).all()},
            {tuple(r) for r in connection.execute(select(da)).all()},
        )


def _counted_live(engine: Engine) -> tuple[set[tuple[Any, ...]], ...]:
    """What the item inserts' code counts for the same items."""
    with Session(engine) as session:
        session.execute(delete(manifest_item_daily_attributes))
        session.execute(delete(declared_item_daily_attributes))
        add_manifest_items(session, ["m-1"])
        add_declared_items(session, "d-1")
        session.commit()
    return _attributes(engine)


def _values(rows: set[tuple[Any, ...]]) -> set[tuple[Any, ...]]:
    # (attribute, value, label, records, quantity): the country, date, mission and type
    # are the totals' (tested with them).
    return {(r[0], r[5], r[6], r[7], r[8]) for r in rows}


def test_the_upgrade_counts_the_stored_items_as_the_inserts_do_and_the_downgrade_drops_them(
    empty_database_url: str,
) -> None:
    migrations.upgrade("registry", empty_database_url, "registry0023")
    engine = create_engine(empty_database_url)
    try:
        _store_items(engine)
        migrations.upgrade("registry", empty_database_url, "registry0024")
        backfilled = _attributes(engine)
        assert _values(backfilled[0]) == {
            ("calibre", "7.62x39mm", "7.62x39", 1, 1),
            ("calibre", "7.62x39mm", "7,62 × 39 mm", 1, 1),
            ("calibre", "", "", 1, 1),
            ("manufacturer", "Kalashnikov Concern", "Izhmash", 1, 1),
            ("manufacturer", "Kalashnikov Concern", "Kalashnikov Concern", 1, 1),
            ("manufacturer", "", "", 1, 1),
            ("year_of_manufacture", "1987", "", 1, 1),
            ("year_of_manufacture", "2011", "", 1, 1),
            ("year_of_manufacture", "", "", 1, 1),
        }
        assert _values(backfilled[1]) == {
            ("calibre", "", "", 2, 501),
            ("manufacturer", "Kalashnikov Concern", "Izhmash", 1, 1),
            ("manufacturer", "Norinco", "Norinco", 1, 500),
            ("year_of_manufacture", "", "", 1, 1),
            ("year_of_manufacture", "2009", "", 1, 500),
            ("presumed_user", "JNIM", "", 1, 1),
            ("presumed_user", "unknown", "", 1, 500),
        }
        # The live inserts write the monthly counts too (registry0031): at head.
        migrations.upgrade("registry", empty_database_url)
        assert _counted_live(engine) == backfilled
        migrations.downgrade("registry", empty_database_url, "registry0023")
        tables = set(inspect(engine).get_table_names())
        assert not {name for name in tables if name.endswith("_daily_attributes")}
        with engine.connect() as connection:
            stored = connection.execute(select(func.count()).select_from(declared_items))
            assert stored.scalar() == 2
        migrations.upgrade("registry", empty_database_url)
        assert _attributes(engine) == backfilled
    finally:
        engine.dispose()
