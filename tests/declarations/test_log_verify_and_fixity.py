"""``regctl log verify`` and ``regctl log fixity`` catch rows altered behind the API's back."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from services.cli.log_commands import CheckFailed, verify_log
from services.cli.main import main as regctl
from services.common.transparency.note import generate_signer, parse_verifier_key
from services.declarations.settings import DeclarationsSettings
from tests.declarations.support import Callers, MovableClock, declaration, declaration_at
from tests.support.responses import assert_status

URL = "/declarations/v1/declarations"


def _declare(client: TestClient, callers: Callers, count: int = 1) -> list[str]:
    return [
        assert_status(client.post(URL, json=declaration(), headers=callers.state("SEN")))["id"]
        for _ in range(count)
    ]


def _verify(client: TestClient, callers: Callers, saved: dict[str, Any], ids: list[str]) -> Any:
    key = parse_verifier_key(client.get("/declarations/v1/log/public-key").text)
    token = callers.state("SEN")["Authorization"].removeprefix("Bearer ")
    return verify_log(client, verifier=key, state=saved, declarations=ids, token=token)


def tamper(url: str, statement: str, params: dict[str, Any]) -> None:
    """Alter a row as a superuser would, with the immutability triggers out of the way."""
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            if engine.dialect.name == "postgresql":
                connection.execute(text("SET LOCAL session_replication_role = replica"))
            else:
                names = connection.execute(
                    text("SELECT name FROM sqlite_master WHERE type = 'trigger'")
                ).scalars()
                for name in list(names):
                    connection.execute(text(f"DROP TRIGGER {name}"))
            connection.execute(text(statement), params)
    finally:
        engine.dispose()


def test_verify_accepts_an_honest_log_and_then_its_extension(
    client: TestClient, callers: Callers
) -> None:
    ids = _declare(client, callers, 3)
    saved: dict[str, Any] = {}
    report = _verify(client, callers, saved, ids)
    assert report.checkpoint.size == 3
    assert saved["tree_size"] == 3
    more = _declare(client, callers, 2)
    assert _verify(client, callers, saved, more).checkpoint.size == 5


def test_verify_refuses_a_checkpoint_signed_by_another_key(
    client: TestClient, callers: Callers
) -> None:
    _declare(client, callers)
    impostor = generate_signer("salw-register.local/declarations").verifier
    with pytest.raises(CheckFailed, match="signature"):
        verify_log(client, verifier=impostor, state={}, declarations=[], token=None)


def test_verify_refuses_a_log_inconsistent_with_the_saved_checkpoint(
    client: TestClient, callers: Callers
) -> None:
    _declare(client, callers, 2)
    saved: dict[str, Any] = {}
    _verify(client, callers, saved, [])
    saved["root_hash"] = base64.b64encode(b"\x07" * 32).decode()
    _declare(client, callers)
    with pytest.raises(CheckFailed, match="does not extend"):
        _verify(client, callers, saved, [])


def test_verify_catches_a_record_altered_in_the_database(
    client: TestClient, callers: Callers, declarations_url: str
) -> None:
    (declaration_id,) = _declare(client, callers)
    content = client.get(f"{URL}/{declaration_id}", headers=callers.state("SEN")).json()["record"]
    content["items"][0]["serial_number"] = "FORGED-1"
    tamper(
        declarations_url,
        "UPDATE declaration_contents SET content = :content WHERE declaration_id = :id",
        {"content": json.dumps(content), "id": declaration_id},
    )
    with pytest.raises(CheckFailed, match="does not hash"):
        _verify(client, callers, {}, [declaration_id])


def test_verify_catches_content_nulled_without_a_logged_disposal(
    client: TestClient, callers: Callers, declarations_url: str
) -> None:
    (declaration_id,) = _declare(client, callers)
    tamper(
        declarations_url,
        "UPDATE declaration_contents SET content = NULL WHERE declaration_id = :id",
        {"id": declaration_id},
    )
    with pytest.raises(CheckFailed, match="no disposal"):
        _verify(client, callers, {}, [declaration_id])


def test_verify_catches_a_disposal_row_pointing_at_another_entry(
    client: TestClient, callers: Callers, declarations_url: str
) -> None:
    (declaration_id,) = _declare(client, callers)
    tamper(
        declarations_url,
        "INSERT INTO disposals (declaration_id, disposed_on, disposed_at, disposed_by, log_index)"
        " VALUES (:id, '2000-01-01', '2000-01-01 00:00:00', 'forger', 0)",
        {"id": declaration_id},
    )
    tamper(
        declarations_url,
        "UPDATE declaration_contents SET content = NULL WHERE declaration_id = :id",
        {"id": declaration_id},
    )
    with pytest.raises(CheckFailed, match="not its disposal"):
        _verify(client, callers, {}, [declaration_id])


def test_verify_accepts_a_declaration_disposed_of_through_the_api(
    client: TestClient, callers: Callers, clock: MovableClock
) -> None:
    clock.rewind(years=31)
    created = assert_status(
        client.post(URL, json=declaration_at(clock), headers=callers.state("SEN"))
    )
    clock.reset()
    assert client.delete(f"{URL}/{created['id']}", headers=callers.operator()).status_code == 200
    report = _verify(client, callers, {}, [created["id"]])
    assert report.declarations == [created["id"]]


def test_verify_and_fixity_catch_a_log_entry_altered_in_the_database(
    client: TestClient, callers: Callers, declarations_url: str
) -> None:
    (declaration_id,) = _declare(client, callers)
    _declare(client, callers, 2)
    entry = client.get(
        "/declarations/v1/log/entries", params={"start": 0, "end": 1}, headers=callers.state("SEN")
    ).json()["entries"][0]["entry"]
    entry["declaring_country"] = "CIV"
    tamper(
        declarations_url,
        'UPDATE log_entries SET leaf_input = :forged WHERE "index" = 0',
        {"forged": json.dumps(entry).encode()},
    )
    with pytest.raises(CheckFailed, match="not included"):
        _verify(client, callers, {}, [declaration_id])


def test_regctl_fixity_logs_its_result_and_fails_on_tampering(
    client: TestClient,
    callers: Callers,
    declarations_settings: DeclarationsSettings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _declare(client, callers, 3)
    monkeypatch.setenv("DECLARATIONS_DATABASE_URL", declarations_settings.database_url)
    monkeypatch.setenv("DECLARATIONS_VAR_DIR", str(declarations_settings.var_dir))
    assert regctl(["log", "fixity"]) == 0
    assert json.loads(capsys.readouterr().out)["ok"] is True
    entries = client.get(
        "/declarations/v1/log/entries", params={"start": 3, "end": 4}, headers=callers.state("SEN")
    ).json()["entries"]
    assert entries[0]["entry"]["type"] == "fixity"
    assert entries[0]["entry"]["result"] == "ok"
    tamper(
        declarations_settings.database_url,
        'UPDATE log_entries SET leaf_input = :forged WHERE "index" = 1',
        {"forged": b'{"type":"forged"}'},
    )
    assert regctl(["log", "fixity"]) == 1
    result = json.loads(capsys.readouterr().out)
    assert result["ok"] is False
    assert any("entry 1" in p for p in result["problems"])


def test_regctl_log_verify_pins_the_key_and_saves_state(
    client: TestClient, callers: Callers, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = client.get("/declarations/v1/log/public-key").text
    state_file = tmp_path / "state.json"
    assert regctl(["log", "verify", "--url", "http://127.0.0.1:1", "--state", str(state_file)]) == 2
    assert "--key" in capsys.readouterr().err
    assert not os.path.exists(state_file)
    assert key.startswith("salw-register.local/declarations+")
