"""registry0007 rekeys stored items with the UTS #39 look-alike folding.

A contingent that declared a weapon in as "ꓗꓚ-777001" (Lisu letters) before the step
had a key no trace or diversion alert for "KC-777001" could meet. After the step the
items of manifests, loss reports and indexed declarations hold the keys the service
computes now, their records are queued for the serial neighbourhood index, the
neighbour rows of the keys gone are removed, and the downgrade restores the keys.
"""

from __future__ import annotations

import importlib.util
from datetime import UTC, date, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from sqlalchemy import Engine, Table, insert, inspect, select

from services.common import migrations
from services.common.database import make_engine
from services.common.identifiers import (
    calibre_key,
    manufacturer_key,
    normalize_serial,
    serial_fuzzy_key,
    serial_index_keys,
)
from services.common.identifiers.legacy import keys_before_uts39
from services.registry.models.handles import (
    declared_items,
    indexed_declarations,
    loss_items,
    loss_reports,
    manifest_items,
    manifests,
    serial_index_backlog,
    serial_neighbours,
)

VERSIONS = Path(__file__).resolve().parents[2] / "migrations" / "registry" / "versions"
SPOOFED = {"serial_number": "ꓗꓚ-777001", "manufacturer": "Izhꓟash", "calibre": "7.62ꓫ39"}
PLAIN = {"serial_number": "AK-47 56-0000123", "manufacturer": "Izhmash", "calibre": "7.62x39"}
KEY_COLUMNS = ("serial_key", "manufacturer_key", "calibre_key", "lot_key", "fuzzy_key")


def _migration() -> ModuleType:
    (path,) = VERSIONS.glob("*_registry0007_*.py")
    spec = importlib.util.spec_from_file_location("registry0007", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# The columns each table has in the database now: these rows are stored at registry0006,
# and later revisions add columns the models already know.
_STORED_COLUMNS: dict[str, set[str]] = {}


def _filled(table: Table, **given: Any) -> dict[str, Any]:
    """Values for every column the table has at the stored revision that the test does
    not care about."""
    present = _STORED_COLUMNS[table.name]
    values = dict(given)
    for column in table.columns:
        if column.name in values or column.primary_key or column.name not in present:
            continue
        kind = column.type.python_type
        if kind is datetime:
            values[column.name] = datetime(2026, 11, 1, tzinfo=UTC)
        else:
            samples = {bool: False, date: date(2026, 11, 1), float: 0.0, int: 1}
            values[column.name] = samples.get(kind, "x")  # strings (AutoString: object)
    return values


def _weapon_keys(fields: dict[str, str], *, fuzzy: bool = False) -> dict[str, Any]:
    keys = {
        "serial_key": normalize_serial(fields["serial_number"]),
        "manufacturer_key": manufacturer_key(fields["manufacturer"]),
        "calibre_key": calibre_key(fields["calibre"]),
        "lot_key": None,
    }
    if fuzzy:
        keys["fuzzy_key"] = serial_fuzzy_key(fields["serial_number"])
    return keys


def _store_keyed_before_uts39(engine: Engine) -> None:
    inspector = inspect(engine)
    for name in inspector.get_table_names():
        _STORED_COLUMNS[name] = {column["name"] for column in inspector.get_columns(name)}
    header = {"mission_code": "MINUSCA", "contributing_country": "SEN", "direction": "in"}
    with engine.begin() as connection, keys_before_uts39():
        connection.execute(insert(manifests).values(_filled(manifests, id="m-1", **header)))
        connection.execute(
            insert(loss_reports).values(
                _filled(loss_reports, id="l-1", mission_code="MINUSCA", loss_type="lost")
            )
        )
        connection.execute(
            insert(indexed_declarations).values(
                _filled(indexed_declarations, declaration_id="d-1", declaration_type="seizure")
            )
        )
        for line, fields in enumerate((SPOOFED, PLAIN)):
            weapon = {"kind": "weapon", "quantity": 1, **fields}
            connection.execute(
                insert(manifest_items).values(
                    _filled(
                        manifest_items,
                        manifest_id="m-1",
                        line=line,
                        **header,
                        **weapon,
                        **_weapon_keys(fields),
                    )
                )
            )
            connection.execute(
                insert(declared_items).values(
                    _filled(
                        declared_items,
                        declaration_id="d-1",
                        item_index=line,
                        **weapon,
                        **_weapon_keys(fields, fuzzy=True),
                    )
                )
            )
        connection.execute(
            insert(loss_items).values(
                _filled(
                    loss_items,
                    loss_report_id="l-1",
                    **{"kind": "weapon", "quantity": 1},
                    **SPOOFED,
                    **_weapon_keys(SPOOFED),
                )
            )
        )
        old = normalize_serial(SPOOFED["serial_number"])
        connection.execute(
            insert(serial_neighbours),
            [{"search_key": s, "serial_key": old} for s in serial_index_keys(old, normalized=True)],
        )


def _keys(engine: Engine) -> dict[tuple[str, str], dict[str, Any]]:
    found = {}
    with engine.connect() as connection:
        for table in (manifest_items, loss_items, declared_items):
            # Only the columns the test reads: the rows are read at older revisions too.
            columns = [c for c in KEY_COLUMNS if c in table.c]
            statement = select(table.c.serial_number, *(table.c[c] for c in columns))
            for row in connection.execute(statement).mappings():
                found[(table.name, row["serial_number"])] = {c: row[c] for c in columns}
    return found


def test_upgrade_rekeys_items_requeues_their_records_and_downgrade_restores(
    empty_database_url: str,
) -> None:
    migrations.upgrade("registry", empty_database_url, "registry0006")
    engine = make_engine(empty_database_url)
    try:
        _store_keyed_before_uts39(engine)
        before = _keys(engine)
        assert before[("manifest_items", SPOOFED["serial_number"])]["serial_key"] != "KC777001"

        migrations.upgrade("registry", empty_database_url, "registry0007")
        after = _keys(engine)
        for (table, serial), keys in after.items():
            fields = SPOOFED if serial == SPOOFED["serial_number"] else PLAIN
            assert keys == _weapon_keys(fields, fuzzy="fuzzy_key" in keys), table
        assert after[("manifest_items", SPOOFED["serial_number"])]["serial_key"] == "KC777001"
        assert (
            after[("declared_items", PLAIN["serial_number"])]
            == before[("declared_items", PLAIN["serial_number"])]
        )
        with engine.connect() as connection:
            queued = connection.execute(
                select(serial_index_backlog.c.source, serial_index_backlog.c.record_id)
            ).all()
            neighbours = connection.execute(select(serial_neighbours)).all()
        assert sorted(queued) == [
            ("declaration", "d-1"),
            ("loss_report", "l-1"),
            ("manifest", "m-1"),
        ]
        assert neighbours == []  # the old key's rows; the indexer adds the new key's

        migrations.downgrade("registry", empty_database_url, "registry0006")
        assert _keys(engine) == before
    finally:
        engine.dispose()


def test_rekeying_page_by_page_gives_the_same_keys(
    empty_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    migration = _migration()
    monkeypatch.setattr(migration, "_PAGE", 1)
    migrations.upgrade("registry", empty_database_url, "registry0006")
    engine = make_engine(empty_database_url)
    try:
        _store_keyed_before_uts39(engine)
        with engine.begin() as connection:
            records, replaced = migration._rekey_table(connection, "manifest_items", upgrading=True)
        assert records == {"m-1"}
        assert replaced == {"ꓗꓚ777001"}  # the key before the step
        keys = _keys(engine)
        assert keys[("manifest_items", SPOOFED["serial_number"])] == _weapon_keys(SPOOFED)
    finally:
        engine.dispose()
