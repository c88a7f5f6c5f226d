"""Custody matches makers and calibres by the shared match keys, aliases resolved."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from services.cli.main import main as regctl
from services.common import migrations
from services.common.identifiers.manufacturers import structural_manufacturer_key
from services.declarations.declarations import custody
from services.declarations.settings import DeclarationsSettings
from tests.declarations.support import Callers, ammunition, declaration, destruction, weapon

URL = "/declarations/v1/declarations"


def test_an_undeclared_weapon_destroyed_under_two_spellings_is_destroyed_once(
    client: TestClient, callers: Callers
) -> None:
    first = destruction([], [weapon("AK-77", manufacturer="Izhmash")], undeclared=True)
    assert client.post(URL, json=first, headers=callers.state("SEN")).status_code == 201
    second = destruction([], [weapon("AK-77", manufacturer="Концерн Калашников")], undeclared=True)
    again = client.post(URL, json=second, headers=callers.state("SEN"))
    assert again.status_code == 409, again.text
    assert again.json()["code"] == "already_destroyed"


def test_two_spellings_of_one_weapon_in_one_declaration_are_one_item(
    client: TestClient, callers: Callers
) -> None:
    items = [weapon("AK-78", manufacturer="H&K"), weapon("AK-78", manufacturer="Heckler & Koch")]
    response = client.post(URL, json=declaration(items=items), headers=callers.state("SEN"))
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["loc"] == "items[1]"


def test_ammunition_is_matched_by_calibre_alias(client: TestClient, callers: Callers) -> None:
    seized = client.post(
        URL,
        json=declaration(items=[ammunition("LOT-9") | {"calibre": "7.62x39mm M43"}]),
        headers=callers.state("SEN"),
    )
    assert seized.status_code == 201, seized.text
    body = destruction([seized.json()["id"]], [ammunition("LOT-9") | {"calibre": "7,62 x 39"}])
    response = client.post(URL, json=body, headers=callers.state("SEN"))
    assert response.status_code == 201, response.text


def test_an_archive_holding_one_weapon_destroyed_twice_imports_with_the_pair_listed(
    client: TestClient,
    callers: Callers,
    declarations_settings: DeclarationsSettings,
    declarations_url: str,
    empty_database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Records made under the old rule, which told the two spellings apart.
    with monkeypatch.context() as old_rule:
        old_rule.setattr(custody, "manufacturer_key", structural_manufacturer_key)
        for maker in ("Izhmash", "Kalashnikov Concern"):
            body = destruction([], [weapon("AK-79", manufacturer=maker)], undeclared=True)
            assert client.post(URL, json=body, headers=callers.state("SEN")).status_code == 201
    monkeypatch.setenv("DECLARATIONS_VAR_DIR", str(declarations_settings.var_dir))
    monkeypatch.setenv("DECLARATIONS_DATABASE_URL", declarations_url)
    assert regctl(["archive", "export", "--out", str(tmp_path / "bag")]) == 0

    migrations.upgrade("declarations", empty_database_url)
    monkeypatch.setenv("DECLARATIONS_DATABASE_URL", empty_database_url)
    capsys.readouterr()
    key = client.get("/declarations/v1/log/public-key").text
    archive_import = ["archive", "import", "--bag", str(tmp_path / "bag"), "--verifier-key", key]
    assert regctl(archive_import) == 0, capsys.readouterr()
    assert json.loads(capsys.readouterr().out)["items"] == 2
    assert regctl(["destructions", "duplicates"]) == 0
    (listed,) = capsys.readouterr().out.splitlines()
    assert listed.startswith("1: weapon|Kalashnikov Concern|AK79 destroyed by")
    assert "(found by archive import at" in listed
