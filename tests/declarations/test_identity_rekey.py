"""declarations0007 rekeys the item index exactly as the service now keys items.

The item index used to hold makers and calibres in their structural form; the
service and the registry now share the alias-resolved match keys. The migration
must give stored rows the keys ``custody.identify`` gives the same items, keep both
of two destructions of one weapon that the old rule kept apart (listing the pair),
and restore the old keys on downgrade.
"""

from __future__ import annotations

import importlib.util
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest
from pydantic import TypeAdapter
from sqlalchemy import Engine, create_engine, insert, select

from services.cli.main import main
from services.common import migrations
from services.common.identifiers import normalize_serial
from services.common.identifiers.calibres import structural_calibre_key
from services.common.identifiers.manufacturers import structural_manufacturer_key
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
KEYS = ("match_key", "manufacturer_key", "calibre_key", "destroyed_key")


def _migration() -> ModuleType:
    (path,) = VERSIONS.glob("*_declarations0007_*.py")
    spec = importlib.util.spec_from_file_location("declarations0007", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _weapon(maker: str, serial: str, calibre: str = "7,62 x 39") -> dict[str, Any]:
    return {
        "kind": "weapon",
        "category": "assault_rifle",
        "manufacturer": maker,
        "model": "AKM",
        "calibre": calibre,
        "serial_number": serial,
    }


def _ammunition(calibre: str, lot: str) -> dict[str, Any]:
    return {"kind": "ammunition", "calibre": calibre, "lot_number": lot, "quantity": 100}


def _structural_row(item: dict[str, Any], *, destroyed: bool) -> dict[str, Any]:
    """An index row as the service keyed items before declarations0007."""
    calibre = structural_calibre_key(item["calibre"])
    if item["kind"] == "weapon":
        maker = structural_manufacturer_key(item["manufacturer"])
        serial = normalize_serial(item["serial_number"])
        key = f"weapon|{maker}|{serial}"
        return {
            "kind": "weapon",
            "match_key": key,
            "serial_key": serial,
            "manufacturer_key": maker,
            "calibre_key": calibre,
            "destroyed_key": key if destroyed else None,
        }
    key = f"ammunition|{calibre}|{normalize_serial(item['lot_number'])}"
    return {
        "kind": "ammunition",
        "match_key": key,
        "serial_key": None,
        "manufacturer_key": None,
        "calibre_key": calibre,
        "destroyed_key": None,
    }


def _service_keys(item: dict[str, Any], *, destroyed: bool) -> dict[str, str | None]:
    identity = identify(TypeAdapter(Item).validate_python(item))
    return {
        "match_key": identity.match_key,
        "manufacturer_key": identity.manufacturer_key,
        "calibre_key": identity.calibre_key,
        "destroyed_key": identity.match_key if destroyed and identity.unique else None,
    }


SPELLINGS = [
    _weapon("Izhmash", "56-1234"),
    _weapon("IZHMASH JSC", "56-1234", "7.62x39mm"),
    _weapon("АО «Концерн Калашников»", "ab 17", "7.62 NATO"),
    _weapon("Acme Arms Co., Ltd.", "X-1", "5.7 x 28"),
    _ammunition("7,62 × 39 mm", "L-44/1989"),
    _ammunition(".50 BMG", "lot|7"),
    _ammunition("5.7 x 28", "L1"),
]


@pytest.mark.parametrize("item", SPELLINGS)
@pytest.mark.parametrize("destroyed", [False, True])
def test_the_rekeying_equals_the_service_identity(item: dict[str, Any], destroyed: bool) -> None:
    migration = _migration()
    row = SimpleNamespace(**_structural_row(item, destroyed=destroyed))
    assert migration.rekeyed(row) == _service_keys(item, destroyed=destroyed)
    rekeyed = SimpleNamespace(**{**vars(row), **migration.rekeyed(row)})
    assert migration.structural(rekeyed, item) == {k: getattr(row, k) for k in KEYS}


NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)
# (declaration id, type, declared after NOW by, items)
REGISTER = [
    ("seizure-1", "seizure", 0, [_weapon("Izhmash", "56-1234"), _ammunition("7,62x39", "L1")]),
    ("destroy-1", "destruction", 1, [_weapon("Izhmash", "99-1")]),
    ("destroy-2", "destruction", 2, [_weapon("Kalashnikov Concern", "99-1")]),
    # One declaration that listed both spellings of one weapon.
    ("destroy-3", "destruction", 3, [_weapon("H&K", "7"), _weapon("Heckler & Koch GmbH", "7")]),
]


def _store_structurally_keyed(engine: Engine) -> None:
    with engine.begin() as connection:
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
                row = _structural_row(item, destroyed=kind == "destruction")
                connection.execute(
                    insert(items).values(
                        declaration_id=declaration_id,
                        position=position,
                        declaration_type=kind,
                        destroyed=kind == "destruction",
                        undeclared=kind == "destruction",
                        **row,
                    )
                )


def _expected_after_upgrade() -> dict[tuple[str, int], dict[str, Any]]:
    """The service's keys; the later of two destructions of one weapon is told apart."""
    expected = {}
    for declaration_id, kind, _, declared in REGISTER:
        for position, item in enumerate(declared):
            keys = _service_keys(item, destroyed=kind == "destruction")
            if (declaration_id, position) in (("destroy-2", 0), ("destroy-3", 1)):
                keys["destroyed_key"] = f"{keys['match_key']}|duplicate|{declaration_id}|{position}"
            expected[(declaration_id, position)] = keys
    return expected


def _index(engine: Engine) -> dict[tuple[str, int], dict[str, Any]]:
    with engine.connect() as connection:
        columns = [items.c[k] for k in ("declaration_id", "position", *KEYS)]
        rows = connection.execute(select(*columns)).mappings().all()
    return {(r["declaration_id"], r["position"]): {k: r[k] for k in KEYS} for r in rows}


def test_upgrade_rekeys_the_index_keeps_both_duplicate_destructions_and_downgrade_restores(
    empty_database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    migrations.upgrade("declarations", empty_database_url, "declarations0006")
    engine = create_engine(empty_database_url)
    try:
        _store_structurally_keyed(engine)
        before = _index(engine)
        # The old rule's bug, as stored: one weapon destroyed twice.
        assert (
            before[("destroy-1", 0)]["destroyed_key"] != before[("destroy-2", 0)]["destroyed_key"]
        )

        migrations.upgrade("declarations", empty_database_url)
        assert _index(engine) == _expected_after_upgrade()
        with engine.connect() as connection:
            pairs = connection.execute(select(duplicate_destructions)).mappings().all()
        assert sorted(
            (
                p["kept_declaration_id"],
                p["kept_position"],
                p["other_declaration_id"],
                p["other_position"],
            )
            for p in pairs
        ) == [("destroy-1", 0, "destroy-2", 0), ("destroy-3", 0, "destroy-3", 1)]
        assert {p["destroyed_key"] for p in pairs} == {
            "weapon|Kalashnikov Concern|991",
            "weapon|Heckler & Koch|7",
        }
        assert {p["found_by"] for p in pairs} == {"declarations0007"}
        monkeypatch.setenv("DECLARATIONS_DATABASE_URL", empty_database_url)
        assert main(["destructions", "duplicates", "--limit", "1"]) == 0
        listed = capsys.readouterr().out.splitlines()
        assert listed[0].startswith("1: weapon|Kalashnikov Concern|991 destroyed by destroy-1")
        assert listed[1] == "more may follow: regctl destructions duplicates --after 1"

        migrations.downgrade("declarations", empty_database_url, "declarations0006")
        assert _index(engine) == before
    finally:
        engine.dispose()


def test_rekeying_page_by_page_gives_the_same_keys(
    empty_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A register holds millions of items: the migration reads them in keyset pages.
    migration = _migration()
    monkeypatch.setattr(migration, "_PAGE", 1)
    migrations.upgrade("declarations", empty_database_url, "declarations0006")
    engine = create_engine(empty_database_url)
    try:
        _store_structurally_keyed(engine)
        with engine.begin() as connection:
            found = migration._rekey(
                connection, lambda _bind, page: [migration.rekeyed(row) for row in page]
            )
        assert _index(engine) == _expected_after_upgrade()
        assert len(found) == 2
    finally:
        engine.dispose()


def test_the_migration_and_the_archive_import_tell_duplicates_apart_alike() -> None:
    from services.declarations.duplicates.service import duplicate_destroyed_key

    key = "weapon|Kalashnikov Concern|991"
    assert _migration().duplicate_key(key, "d-2", 3) == duplicate_destroyed_key(key, "d-2", 3)
