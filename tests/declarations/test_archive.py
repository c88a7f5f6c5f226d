"""regctl archive: export -> import into a fresh database -> the same root and the same records."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, inspect, select, text

from services.cli.main import main as regctl
from services.common import migrations
from services.common.database import make_engine, write_session
from services.declarations.log.fixity import check_fixity
from services.declarations.log.keys import load_signer
from services.declarations.log.service import LogContext
from services.declarations.models import items
from services.declarations.settings import DeclarationsSettings
from tests.declarations.support import (
    Callers,
    MovableClock,
    declaration,
    declaration_at,
    destruction,
    weapon,
)
from tests.support.responses import assert_status

URL = "/declarations/v1/declarations"


def _populate(client: TestClient, callers: Callers, clock: MovableClock) -> None:
    # Everything happens 31 years ago, so one declaration can be disposed of today.
    clock.rewind(years=31)
    sen = callers.state("SEN")
    seized = client.post(
        URL, json=declaration_at(clock, items=[weapon("AK-1"), weapon("AK-2")]), headers=sen
    )
    assert_status(seized)
    kept = assert_status(client.post(URL, json=declaration_at(clock), headers=sen))
    event_date = declaration_at(clock)["event_date"]
    destroyed = destruction(
        [seized.json()["id"]],
        [weapon("AK-1"), weapon("ZZ-9")],
        undeclared=True,
        event_date=event_date,
    )
    assert client.post(URL, json=destroyed, headers=sen).status_code == 201
    amended = client.post(
        f"{URL}/{kept['id']}/amendments",
        json={"reason": "place", "changes": {"location": {"place": "Ansongo"}}},
        headers=sen | {"If-Match": kept["etag"]},
    )
    assert amended.status_code == 201
    batch = {
        "declarations": [declaration_at(clock, "CIV", items=[weapon(f"C-{n}")]) for n in range(3)]
    }
    assert client.post(f"{URL}/batch", json=batch, headers=callers.state("CIV")).status_code == 201
    operator = callers.operator(("admin", "register:read"))
    assert_status(
        client.post(f"{URL}/{kept['id']}/holds", json={"reason": "inquiry"}, headers=operator)
    )
    lift = {"reason": "closed"}
    assert_status(
        client.request("DELETE", f"{URL}/{kept['id']}/holds", json=lift, headers=operator), 200
    )
    assert_status(
        client.post(f"{URL}/{seized.json()['id']}/holds", json={"reason": "open"}, headers=operator)
    )
    clock.reset()
    assert client.delete(f"{URL}/{kept['id']}", headers=operator).status_code == 200


def _import(client: TestClient, bag: str) -> list[str]:
    """``regctl archive import`` of ``bag``, trusting the log's published verifier key."""
    key = client.get("/declarations/v1/log/public-key").text
    return ["archive", "import", "--bag", bag, "--verifier-key", key]


def _use(monkeypatch: pytest.MonkeyPatch, url: str, settings: DeclarationsSettings) -> None:
    monkeypatch.setenv("DECLARATIONS_DATABASE_URL", url)
    monkeypatch.setenv("DECLARATIONS_VAR_DIR", str(settings.var_dir))


def _item_index(url: str) -> list[tuple[Any, ...]]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            # The columns every revision has (declarations0009 added destroyed_country).
            columns = [c for c in items.c if c.name not in ("id", "destroyed_country")]
            return sorted(tuple(r) for r in connection.execute(select(*columns)).all())
    finally:
        engine.dispose()


def test_export_then_import_into_a_fresh_database_gives_the_same_root_and_records(
    client: TestClient,
    callers: Callers,
    clock: MovableClock,
    declarations_settings: DeclarationsSettings,
    declarations_url: str,
    empty_database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _populate(client, callers, clock)
    checkpoint = client.get("/declarations/v1/log/checkpoint").text.split("\n")
    _use(monkeypatch, declarations_url, declarations_settings)
    assert regctl(["archive", "export", "--out", str(tmp_path / "bag")]) == 0
    exported = json.loads(capsys.readouterr().out)
    assert exported["tree_size"] == int(checkpoint[1])
    assert exported["root_hash"] == checkpoint[2]
    bag = tmp_path / "bag"
    assert (bag / "bagit.txt").read_text().startswith("BagIt-Version: 1.0\n")
    assert {p.name for p in (bag / "data").iterdir()} == {
        "declarations.jsonl",
        "versions.jsonl",
        "holds.jsonl",
        "log_entries.jsonl",
        "checkpoints.jsonl",
    }

    migrations.upgrade("declarations", empty_database_url)
    _use(monkeypatch, empty_database_url, declarations_settings)
    assert regctl(_import(client, str(bag))) == 0, capsys.readouterr().err
    imported = json.loads(capsys.readouterr().out)
    assert imported["root_hash"] == checkpoint[2]
    assert imported["tree_size"] == exported["tree_size"]

    # Same records: the imported database exports to byte-identical payload files.
    assert regctl(["archive", "export", "--out", str(tmp_path / "again")]) == 0
    for name in exported:
        if name.endswith(".jsonl"):
            assert (tmp_path / "again" / "data" / name).read_bytes() == (
                bag / "data" / name
            ).read_bytes(), name
    assert _item_index(empty_database_url) == _item_index(declarations_url)
    engine = make_engine(empty_database_url)
    context = LogContext(
        signer=load_signer(declarations_settings), origin=declarations_settings.log_origin
    )
    try:
        with write_session(engine) as session:
            fixity = check_fixity(session, log=context)
    finally:
        engine.dispose()
    assert fixity.ok, fixity.problems
    assert fixity.checkpoint_root == checkpoint[2]

    # A second import into the now non-empty database is refused.
    assert regctl(_import(client, str(bag))) == 1
    assert "not empty" in capsys.readouterr().err


def test_a_bag_altered_after_export_is_refused(
    client: TestClient,
    callers: Callers,
    declarations_settings: DeclarationsSettings,
    declarations_url: str,
    empty_database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert_status(client.post(URL, json=declaration(), headers=callers.state("SEN")))
    _use(monkeypatch, declarations_url, declarations_settings)
    assert regctl(["archive", "export", "--out", str(tmp_path / "bag")]) == 0
    versions = tmp_path / "bag" / "data" / "versions.jsonl"
    versions.write_text(versions.read_text().replace("AK-123456", "AK-999999"))
    migrations.upgrade("declarations", empty_database_url)
    _use(monkeypatch, empty_database_url, declarations_settings)
    capsys.readouterr()
    assert regctl(_import(client, str(tmp_path / "bag"))) == 1
    assert "versions.jsonl does not match its SHA-512" in capsys.readouterr().err
    assert _item_index(empty_database_url) == []


def _reseal(bag: Path) -> None:
    """Recompute a bag's checksums and Payload-Oxum after its payload changed (RFC 8493).

    What anyone able to write the bag can do: the bag then validates, and only the
    import's own recomputation of the log can tell that it lies.
    """

    def manifest(names: list[str]) -> str:
        digests = {n: hashlib.sha512((bag / n).read_bytes()).hexdigest() for n in names}
        return "".join(f"{digests[n]}  {n}\n" for n in sorted(names))

    payload = sorted(p for p in (bag / "data").rglob("*") if p.is_file())
    (bag / "manifest-sha512.txt").write_text(
        manifest([p.relative_to(bag).as_posix() for p in payload])
    )
    info = [
        line
        for line in (bag / "bag-info.txt").read_text().splitlines()
        if not line.startswith("Payload-Oxum:")
    ]
    octets = sum(p.stat().st_size for p in payload)
    info.append(f"Payload-Oxum: {octets}.{len(payload)}")
    (bag / "bag-info.txt").write_text("\n".join(info) + "\n")
    tags = ["bagit.txt", "bag-info.txt", "manifest-sha512.txt"]
    (bag / "tagmanifest-sha512.txt").write_text(manifest(tags))


def _tables(url: str) -> list[str]:
    engine = create_engine(url)
    try:
        return sorted(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_import_into_a_database_that_is_not_migrated_is_refused_and_writes_nothing(
    client: TestClient,
    callers: Callers,
    declarations_settings: DeclarationsSettings,
    declarations_url: str,
    empty_database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert_status(client.post(URL, json=declaration(), headers=callers.state("SEN")))
    _use(monkeypatch, declarations_url, declarations_settings)
    assert regctl(["archive", "export", "--out", str(tmp_path / "bag")]) == 0
    _use(monkeypatch, empty_database_url, declarations_settings)
    capsys.readouterr()
    assert regctl(_import(client, str(tmp_path / "bag"))) == 1
    assert "not migrated to head" in capsys.readouterr().err
    assert _tables(empty_database_url) == []


def test_import_into_a_database_migrated_short_of_head_is_refused(
    client: TestClient,
    callers: Callers,
    declarations_settings: DeclarationsSettings,
    declarations_url: str,
    empty_database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert_status(client.post(URL, json=declaration(), headers=callers.state("SEN")))
    _use(monkeypatch, declarations_url, declarations_settings)
    assert regctl(["archive", "export", "--out", str(tmp_path / "bag")]) == 0
    # declarations0004 added the disposal guard a bag's disposals must pass.
    migrations.upgrade("declarations", empty_database_url, "declarations0003")
    _use(monkeypatch, empty_database_url, declarations_settings)
    capsys.readouterr()
    assert regctl(_import(client, str(tmp_path / "bag"))) == 1
    assert "not migrated to head" in capsys.readouterr().err
    assert _item_index(empty_database_url) == []


def test_a_bag_whose_log_differs_from_its_last_checkpoint_is_refused_and_writes_nothing(
    client: TestClient,
    callers: Callers,
    declarations_settings: DeclarationsSettings,
    declarations_url: str,
    empty_database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    sen = callers.state("SEN")
    for serial in ("AK-1", "AK-2"):
        assert_status(client.post(URL, json=declaration(items=[weapon(serial)]), headers=sen))
    _use(monkeypatch, declarations_url, declarations_settings)
    bag = tmp_path / "bag"
    assert regctl(["archive", "export", "--out", str(bag)]) == 0
    # The last entry dropped and the bag resealed: every checksum holds, but the log
    # now hashes to a tree of one entry while the last signed checkpoint is of two.
    log = bag / "data" / "log_entries.jsonl"
    entries = log.read_text().splitlines(keepends=True)
    assert len(entries) == 2
    log.write_text(entries[0])
    _reseal(bag)
    migrations.upgrade("declarations", empty_database_url)
    _use(monkeypatch, empty_database_url, declarations_settings)
    capsys.readouterr()
    assert regctl(_import(client, str(bag))) == 1
    assert "differs from the last checkpoint's" in capsys.readouterr().err
    assert _item_index(empty_database_url) == []
    engine = make_engine(empty_database_url)
    try:
        with engine.connect() as connection:
            for table in ("declarations", "log_entries", "checkpoints"):
                count = connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
                assert count == 0, table
    finally:
        engine.dispose()
