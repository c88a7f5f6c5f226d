"""``regctl backup`` while the register serves and writes, ``regctl restore`` into a new
var/, and the restored register proven with the project's own log verifier.

The operator's steps, as the operator's guide (docs/operator.md) gives them: back up
(online), stop, restore into an empty var/, start, ``regctl log verify`` with the
backup's ``log-verify.json``. SQLite only (this is the embedded register's backup;
PostgreSQL has its own tools).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import httpx

from tests.declarations.support import declaration
from tests.e2e.live_server import live_register

SERVICES = ("auth", "registry", "declarations")
DECLARATIONS = "/declarations/v1/declarations"


def sqlite_urls(var_dir: Path) -> dict[str, str]:
    return {name: f"sqlite:///{var_dir / (name + '.db')}" for name in SERVICES}


def regctl(
    var_dir: Path, *args: str, env_overrides: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``regctl`` as the operator runs it, for the register whose files are in ``var_dir``."""
    env = dict(os.environ)
    for name in SERVICES:
        env[f"{name.upper()}_DATABASE_URL"] = sqlite_urls(var_dir)[name]
        env[f"{name.upper()}_VAR_DIR"] = str(var_dir)
    env.update(env_overrides or {})
    return subprocess.run(
        [sys.executable, "-m", "services.cli.main", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def bearer(base: str, client_id: str, secret: str) -> dict[str, str]:
    response = httpx.post(
        f"{base}/auth/v1/token",
        data={"grant_type": "client_credentials"},
        auth=(client_id, secret),
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def senegal_client(base: str, var_dir: Path) -> tuple[str, str]:
    saved = json.loads((var_dir / "credentials.json").read_text())
    admin = bearer(base, saved["client_id"], saved["client_secret"])
    organisation = {"type": "member_state", "code": "SEN", "name": "Senegal"}
    created = httpx.post(f"{base}/auth/v1/organisations", json=organisation, headers=admin)
    assert created.status_code == 201, created.text
    client = httpx.post(
        f"{base}/auth/v1/clients",
        json={
            "organisation": "SEN",
            "name": "Ministry",
            "scopes": ["declarations:write", "register:read"],
        },
        headers=admin,
        timeout=10,
    )
    assert client.status_code == 201, client.text
    return client.json()["client_id"], client.json()["client_secret"]


def declare(base: str, headers: dict[str, str], n: int) -> str:
    body = declaration(circumstances=f"cache {n} found during patrol")
    response = httpx.post(f"{base}{DECLARATIONS}", json=body, headers=headers, timeout=30)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def read(base: str, headers: dict[str, str], declaration_id: str) -> httpx.Response:
    return httpx.get(f"{base}{DECLARATIONS}/{declaration_id}", headers=headers, timeout=10)


def test_a_backup_taken_while_writing_restores_a_register_whose_log_extends_its_checkpoint(
    tmp_path: Path,
) -> None:
    original = tmp_path / "original" / "var"
    original.mkdir(parents=True)
    backup = tmp_path / "backup"
    records: dict[str, dict[str, Any]] = {}
    during: list[str] = []
    with live_register(sqlite_urls(original), original) as base:
        client_id, secret = senegal_client(base, original)
        senegal = bearer(base, client_id, secret)
        before = [declare(base, senegal, n) for n in range(5)]

        stop = threading.Event()

        def keep_writing() -> None:
            n = 100
            while not stop.is_set():
                during.append(declare(base, senegal, n))
                n += 1

        writer = threading.Thread(target=keep_writing)
        writer.start()
        try:
            while len(during) < 2:  # the writer is under way before the backup starts
                stop.wait(0.05)
            backed_up = regctl(original, "backup", "--to", str(backup))
            written_while_backing_up = len(during)
        finally:
            stop.set()
            writer.join(timeout=60)
        assert backed_up.returncode == 0, backed_up.stderr
        assert written_while_backing_up > 2
        after = [declare(base, senegal, n) for n in range(1000, 1003)]
        for declaration_id in [*before, *during, *after]:
            response = read(base, senegal, declaration_id)
            assert response.status_code == 200
            records[declaration_id] = response.json()

    manifest = json.loads((backup / "manifest.json").read_text())
    log = manifest["declarations_log"]
    assert {entry["path"] for entry in manifest["files"]} >= {
        "auth.db",
        "registry.db",
        "declarations.db",
        "var/credentials.json",
        "var/keys/log-signer.key",
    }
    assert log["log_size"] >= len(before)

    restored = tmp_path / "restored" / "var"
    restored.mkdir(parents=True)
    put_back = regctl(restored, "restore", "--from", str(backup))
    assert put_back.returncode == 0, put_back.stderr
    # A second restore would overwrite a register's files: refused, nothing touched.
    digest = (restored / "declarations.db").read_bytes()
    again = regctl(restored, "restore", "--from", str(backup))
    assert again.returncode == 1
    assert "declarations.db" in again.stderr
    assert (restored / "declarations.db").read_bytes() == digest
    # With --force (the register stopped), the files in the way are moved aside, not lost.
    forced = regctl(restored, "restore", "--from", str(backup), "--force")
    assert forced.returncode == 0, forced.stderr
    aside = sorted(p.name for p in restored.glob("declarations.db.before-restore-*"))
    assert len(aside) == 1
    assert (restored / aside[0]).read_bytes() == digest

    with live_register(sqlite_urls(restored), restored) as base:
        senegal = bearer(base, client_id, secret)  # the auth database came back too
        state = tmp_path / "log-verify.json"
        shutil.copyfile(backup / "log-verify.json", state)
        in_backup = [d for d in [*before, *during] if read(base, senegal, d).status_code == 200]
        verified = regctl(
            restored,
            "log",
            "verify",
            "--url",
            base,
            "--state",
            str(state),
            "--token",
            senegal["Authorization"].removeprefix("Bearer "),
            *(f"--declaration={d}" for d in in_backup),
        )
        assert verified.returncode == 0, verified.stdout + verified.stderr
        assert f"{len(in_backup)} declaration(s) included" in verified.stdout

        # Every record written before the backup is back, exactly as it was read then;
        # those written during it are back whole or not at all; those after, not.
        assert set(before) <= set(in_backup)
        assert len(in_backup) == log["log_size"]
        for declaration_id in in_backup:
            assert read(base, senegal, declaration_id).json() == records[declaration_id]
        for declaration_id in after:
            assert read(base, senegal, declaration_id).status_code == 404
        # The restored register takes new records, logged after the backup's.
        added = declare(base, senegal, 2000)
        assert read(base, senegal, added).json()["log_index"] == log["log_size"]


def test_a_backup_wants_an_empty_folder_and_an_altered_one_restores_nothing(
    tmp_path: Path,
) -> None:
    original = tmp_path / "original" / "var"
    original.mkdir(parents=True)
    with live_register(sqlite_urls(original), original):
        pass  # migrated and bootstrapped: a register with its keys and credentials
    occupied = tmp_path / "yesterday"
    occupied.mkdir()
    (occupied / "old.txt").write_text("yesterday's backup")
    refused = regctl(original, "backup", "--to", str(occupied))
    assert refused.returncode == 1
    assert "not empty" in refused.stderr
    assert [path.name for path in occupied.iterdir()] == ["old.txt"]

    backup = tmp_path / "backup"
    assert regctl(original, "backup", "--to", str(backup)).returncode == 0
    with (backup / "registry.db").open("r+b") as stream:
        stream.seek(4096)
        stream.write(b"tampered")
    (backup / "var" / "credentials.json").unlink()

    restored = tmp_path / "restored" / "var"
    restored.mkdir(parents=True)
    refused = regctl(restored, "restore", "--from", str(backup))
    assert refused.returncode == 1
    assert "registry.db: SHA-256 differs from the manifest" in refused.stderr
    assert "var/credentials.json: missing" in refused.stderr
    assert list(restored.iterdir()) == []


def test_a_restore_from_a_malformed_manifest_is_refused_without_a_traceback(
    tmp_path: Path,
) -> None:
    backup = tmp_path / "backup"
    backup.mkdir()
    (backup / "manifest.json").write_text(
        json.dumps({"format": "salw-register-sqlite-backup/1", "files": [{"path": 3}]})
    )
    restored = tmp_path / "var"
    restored.mkdir()
    refused = regctl(restored, "restore", "--from", str(backup))
    assert refused.returncode == 1
    assert "'files' is not a list of paths" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert list(restored.iterdir()) == []


def test_a_backup_of_a_register_on_postgresql_points_to_its_own_tools(tmp_path: Path) -> None:
    postgres = {"REGISTRY_DATABASE_URL": "postgresql+psycopg://register@db.example/registry"}
    refused = regctl(tmp_path, "backup", "--to", str(tmp_path / "b"), env_overrides=postgres)
    assert refused.returncode == 1
    assert "registry's database is not a SQLite file" in refused.stderr
    assert not (tmp_path / "b").exists()
