"""regctl archive: export -> import into a fresh database -> the same root and the same records."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, select

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
    operator = callers.operator()
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


def _use(monkeypatch: pytest.MonkeyPatch, url: str, settings: DeclarationsSettings) -> None:
    monkeypatch.setenv("DECLARATIONS_DATABASE_URL", url)
    monkeypatch.setenv("DECLARATIONS_VAR_DIR", str(settings.var_dir))


def _item_index(url: str) -> list[tuple[Any, ...]]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            columns = [c for c in items.c if c.name != "id"]
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
    assert regctl(["archive", "import", "--bag", str(bag)]) == 0, capsys.readouterr().err
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
    assert regctl(["archive", "import", "--bag", str(bag)]) == 1
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
    assert regctl(["archive", "import", "--bag", str(tmp_path / "bag")]) == 1
    assert "versions.jsonl does not match its SHA-512" in capsys.readouterr().err
    assert _item_index(empty_database_url) == []
