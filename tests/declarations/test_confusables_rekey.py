"""declarations0008 rekeys the item index with the UTS #39 look-alike folding.

A weapon declared destroyed as "KC-777001" and again, by another declaration, as
"ꓗꓚ-777001" (Lisu letters) had two keys; after the step both declarations stay, the
later one's destroyed key is told apart and the pair is listed for an operator. The
stored keys equal what ``custody.identify`` computes now, and the downgrade restores
the earlier keys.
"""

from __future__ import annotations

import importlib.util
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from pydantic import TypeAdapter
from sqlalchemy import Engine, create_engine, insert, select

from services.common import migrations
from services.common.identifiers.legacy import keys_before_uts39
from services.declarations.declarations.custody import identify
from services.declarations.declarations.schemas import Item
from services.declarations.models import (
    declaration_contents,
    declaration_versions,
    declarations,
    duplicate_destructions,
    items,
)

VERSIONS = Path(__file__).resolve().parents[2] / "migrations" / "declarations" / "versions"
KEYS = ("match_key", "serial_key", "manufacturer_key", "calibre_key", "destroyed_key")


def _migration() -> ModuleType:
    (path,) = VERSIONS.glob("*_declarations0008_*.py")
    spec = importlib.util.spec_from_file_location("declarations0008", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _weapon(serial: str, maker: str = "Izhmash") -> dict[str, Any]:
    return {
        "kind": "weapon",
        "category": "assault_rifle",
        "manufacturer": maker,
        "model": "AKM",
        "calibre": "7.62x39",
        "serial_number": serial,
    }


def _keys(item: dict[str, Any], *, destroyed: bool) -> dict[str, Any]:
    identity = identify(TypeAdapter(Item).validate_python(item))
    return {
        "kind": identity.kind,
        "match_key": identity.match_key,
        "serial_key": identity.serial_key,
        "manufacturer_key": identity.manufacturer_key,
        "calibre_key": identity.calibre_key,
        "destroyed_key": identity.match_key if destroyed and identity.unique else None,
    }


NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
REGISTER = [
    ("destroy-1", "destruction", 1, [_weapon("KC-777001")]),
    ("destroy-2", "destruction", 2, [_weapon("ꓗꓚ-777001", "Izhꓟash")]),
    (
        "seizure-1",
        "seizure",
        3,
        [
            _weapon("ᏦᏟ-12"),
            {"kind": "ammunition", "calibre": "7.62ꓫ39", "lot_number": "ꓡ-44", "quantity": 5},
            {"kind": "part", "description": "Bolt carrier", "quantity": 1, "serial_number": "ꓗ9"},
            _weapon("AK-47 56-0000123"),
        ],
    ),
]


def _store_keyed_before_uts39(engine: Engine) -> None:
    with engine.begin() as connection, keys_before_uts39():
        for log_index, (declaration_id, kind, minutes, declared) in enumerate(REGISTER):
            at = NOW + timedelta(minutes=minutes)
            connection.execute(
                insert(declarations).values(
                    id=declaration_id,
                    type=kind,
                    declaring_country="MLI",
                    declared_at=at,
                    declared_by="test",
                )
            )
            connection.execute(
                insert(declaration_versions).values(
                    declaration_id=declaration_id,
                    version=1,
                    record_sha256="0" * 64,
                    event_date=date(2026, 11, 1),
                    undeclared=kind == "destruction",
                    retain_until=date(2056, 11, 30),
                    created_at=at,
                    created_by="test",
                    log_index=log_index,
                )
            )
            record = {"id": declaration_id, "version": 1, "type": kind, "items": declared}
            connection.execute(
                insert(declaration_contents).values(
                    declaration_id=declaration_id, version=1, content=json.dumps(record)
                )
            )
            for position, item in enumerate(declared):
                connection.execute(
                    insert(items).values(
                        declaration_id=declaration_id,
                        position=position,
                        declaration_type=kind,
                        destroyed=kind == "destruction",
                        undeclared=kind == "destruction",
                        **_keys(item, destroyed=kind == "destruction"),
                    )
                )


def _expected_after_upgrade() -> dict[tuple[str, int], dict[str, Any]]:
    expected = {}
    for declaration_id, kind, _, declared in REGISTER:
        for position, item in enumerate(declared):
            keys = _keys(item, destroyed=kind == "destruction")
            del keys["kind"]
            if (declaration_id, position) == ("destroy-2", 0):
                keys["destroyed_key"] = f"{keys['match_key']}|duplicate|destroy-2|0"
            expected[(declaration_id, position)] = keys
    return expected


def _index(engine: Engine) -> dict[tuple[str, int], dict[str, Any]]:
    with engine.connect() as connection:
        # Only the columns every revision has: later revisions add others.
        columns = [items.c[name] for name in ("declaration_id", "position", *KEYS)]
        rows = connection.execute(select(*columns)).mappings().all()
    return {(r["declaration_id"], r["position"]): {k: r[k] for k in KEYS} for r in rows}


def test_look_alike_spellings_key_apart_before_the_step() -> None:
    with keys_before_uts39():
        assert _keys(_weapon("KC-777001"), destroyed=True) != _keys(
            _weapon("ꓗꓚ-777001", "Izhꓟash"), destroyed=True
        )
    assert _keys(_weapon("KC-777001"), destroyed=True) == _keys(
        _weapon("ꓗꓚ-777001", "Izhꓟash"), destroyed=True
    )


def test_upgrade_rekeys_lists_the_double_destruction_and_downgrade_restores(
    empty_database_url: str,
) -> None:
    migrations.upgrade("declarations", empty_database_url, "declarations0007")
    engine = create_engine(empty_database_url)
    try:
        _store_keyed_before_uts39(engine)
        before = _index(engine)
        migrations.upgrade("declarations", empty_database_url, "declarations0008")
        assert _index(engine) == _expected_after_upgrade()
        with engine.connect() as connection:
            pairs = connection.execute(select(duplicate_destructions)).mappings().all()
        assert [
            (p["kept_declaration_id"], p["other_declaration_id"], p["destroyed_key"], p["found_by"])
            for p in pairs
        ] == [("destroy-1", "destroy-2", "weapon|Kalashnikov Concern|KC777001", "declarations0008")]

        migrations.downgrade("declarations", empty_database_url, "declarations0007")
        assert _index(engine) == before
        with engine.connect() as connection:
            assert connection.execute(select(duplicate_destructions)).all() == []
    finally:
        engine.dispose()


def test_rekeying_page_by_page_gives_the_same_keys(
    empty_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    migration = _migration()
    monkeypatch.setattr(migration, "_PAGE", 1)
    migrations.upgrade("declarations", empty_database_url, "declarations0007")
    engine = create_engine(empty_database_url)
    try:
        _store_keyed_before_uts39(engine)
        with engine.begin() as connection:
            found = migration._rekey(connection, migration._declared_items)
        assert _index(engine) == _expected_after_upgrade()
        assert len(found) == 1
    finally:
        engine.dispose()
