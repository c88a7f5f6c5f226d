"""regctl archive import trusts nothing its signed log does not cover.

Each test edits an exported bag as whoever holds it could, reseals it (RFC 8493
checksums recomputed, so the bag itself validates) and imports it: the import
must refuse, and write nothing.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, select

from services.cli.main import main as regctl
from services.common import migrations
from services.common.transparency.canonical import canonical_json
from services.common.transparency.checkpoint import Checkpoint, sign_checkpoint
from services.common.transparency.merkle import leaf_hash, root_from_leaf_hashes
from services.common.transparency.note import Signer, generate_signer
from services.declarations.log.keys import load_signer
from services.declarations.models import declaration_versions, declarations
from services.declarations.settings import DeclarationsSettings
from tests.declarations.support import Callers, declaration
from tests.declarations.test_archive import _import, _reseal, _use
from tests.support.responses import assert_status

URL = "/declarations/v1/declarations"
Rows = list[dict[str, Any]]


def _read(path: Path) -> Rows:
    return [json.loads(line) for line in path.read_text().splitlines()]


def _write(path: Path, rows: Rows) -> None:
    path.write_text("".join(json.dumps(r, separators=(",", ":")) + "\n" for r in rows))


def _edit(bag: Path, name: str, change: Callable[[Rows], None]) -> None:
    rows = _read(bag / "data" / name)
    change(rows)
    _write(bag / "data" / name, rows)


class Scene:
    """One seizure (held by the operator), exported; the import target migrated to head."""

    def __init__(
        self,
        client: TestClient,
        callers: Callers,
        settings: DeclarationsSettings,
        source_url: str,
        target_url: str,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        self.client, self.settings, self.target_url = client, settings, target_url
        created = client.post(URL, json=declaration(), headers=callers.state("SEN"))
        self.declaration_id = str(assert_status(created)["id"])
        hold = {"reason": "Panel of Experts inquiry"}
        operator = callers.operator(("admin", "register:read"))
        assert_status(
            client.post(f"{URL}/{self.declaration_id}/holds", json=hold, headers=operator)
        )
        self.bag = tmp_path / "bag"
        _use(monkeypatch, source_url, settings)
        assert regctl(["archive", "export", "--out", str(self.bag)]) == 0
        migrations.upgrade("declarations", target_url)
        _use(monkeypatch, target_url, settings)

    def refused(self, capsys: pytest.CaptureFixture[str]) -> str:
        """Reseal, import: refused (exit 1), nothing written; the reason given."""
        _reseal(self.bag)
        capsys.readouterr()
        assert regctl(_import(self.client, str(self.bag))) == 1
        assert self.imported() == []
        return capsys.readouterr().err

    def imported(self) -> list[Any]:
        """(id, declaring_country) of every declaration in the target database."""
        engine = create_engine(self.target_url)
        try:
            with engine.connect() as connection:
                query = select(declarations.c.id, declarations.c.declaring_country)
                return [tuple(r) for r in connection.execute(query).all()]
        finally:
            engine.dispose()

    def retained_until(self) -> list[str]:
        engine = create_engine(self.target_url)
        try:
            with engine.connect() as connection:
                query = select(declaration_versions.c.retain_until)
                return [str(r[0]) for r in connection.execute(query).all()]
        finally:
            engine.dispose()


@pytest.fixture
def scene(
    client: TestClient,
    callers: Callers,
    declarations_settings: DeclarationsSettings,
    declarations_url: str,
    empty_database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Scene:
    return Scene(
        client,
        callers,
        declarations_settings,
        declarations_url,
        empty_database_url,
        tmp_path,
        monkeypatch,
    )


def test_a_record_edited_in_the_bag_is_refused(
    scene: Scene, capsys: pytest.CaptureFixture[str]
) -> None:
    def edit(rows: Rows) -> None:
        assert "AK-123456" in rows[0]["content"]
        rows[0]["content"] = rows[0]["content"].replace("AK-123456", "AK-999999")

    _edit(scene.bag, "versions.jsonl", edit)
    assert "does not hash to its logged record_sha256" in scene.refused(capsys)


def test_a_record_edited_with_its_hash_is_refused_by_the_log(
    scene: Scene, capsys: pytest.CaptureFixture[str]
) -> None:
    def edit(rows: Rows) -> None:
        rows[0]["content"] = rows[0]["content"].replace("AK-123456", "AK-999999")
        rows[0]["record_sha256"] = hashlib.sha256(rows[0]["content"].encode()).hexdigest()

    _edit(scene.bag, "versions.jsonl", edit)
    assert "differs from log entry 0" in scene.refused(capsys)


def test_a_declaration_moved_to_another_state_in_the_bag_is_refused(
    scene: Scene, capsys: pytest.CaptureFixture[str]
) -> None:
    def edit(rows: Rows) -> None:
        rows[0]["declaring_country"] = "CIV"

    _edit(scene.bag, "declarations.jsonl", edit)
    assert "head differs from its log entry" in scene.refused(capsys)


def test_checkpoints_signed_by_another_key_are_refused(
    scene: Scene, capsys: pytest.CaptureFixture[str]
) -> None:
    forger = generate_signer(scene.settings.log_origin)

    def edit(rows: Rows) -> None:
        for row in rows:
            root = base64.b64decode(row["root_hash"])
            checkpoint = Checkpoint(scene.settings.log_origin, row["tree_size"], root)
            row["signed_note"] = sign_checkpoint(checkpoint, forger)

    _edit(scene.bag, "checkpoints.jsonl", edit)
    assert "checkpoint 1:" in scene.refused(capsys)


def test_a_garbage_checkpoint_signature_is_refused(
    scene: Scene, capsys: pytest.CaptureFixture[str]
) -> None:
    def edit(rows: Rows) -> None:
        body, signature = rows[-1]["signed_note"].rsplit(" ", 1)
        garbage = base64.b64decode(signature)[:4] + bytes(64)
        rows[-1]["signed_note"] = f"{body} {base64.b64encode(garbage).decode()}\n"

    _edit(scene.bag, "checkpoints.jsonl", edit)
    assert "checkpoint 2:" in scene.refused(capsys)


def test_import_without_a_verifier_key_does_not_run(scene: Scene) -> None:
    with pytest.raises(SystemExit) as stopped:
        regctl(["archive", "import", "--bag", str(scene.bag)])
    assert stopped.value.code == 2
    assert scene.imported() == []


def test_a_malformed_verifier_key_does_not_run(scene: Scene) -> None:
    command = ["archive", "import", "--bag", str(scene.bag), "--verifier-key", "not-a-key"]
    assert regctl(command) == 2
    assert scene.imported() == []


def test_a_retention_moved_back_in_the_bag_is_refused(
    scene: Scene, capsys: pytest.CaptureFixture[str]
) -> None:
    def edit(rows: Rows) -> None:
        rows[0]["retain_until"] = "2000-01-01"

    _edit(scene.bag, "versions.jsonl", edit)
    assert "retain_until differs from its log entry" in scene.refused(capsys)


def test_a_hold_dropped_from_the_bag_is_refused(
    scene: Scene, capsys: pytest.CaptureFixture[str]
) -> None:
    _edit(scene.bag, "holds.jsonl", lambda rows: rows.clear())
    assert "holds the bag lacks" in scene.refused(capsys)


def _as_older_log(
    bag: Path, signer: Signer, origin: str, drop: tuple[str, ...] = ("retain_until",)
) -> None:
    """The bag as a log written before entries carried ``drop`` fields, signed by the log."""
    entries = _read(bag / "data" / "log_entries.jsonl")
    for row in entries:
        entry = json.loads(base64.b64decode(row["leaf_input"]))
        for name in drop:
            entry.pop(name, None)
        data = canonical_json(entry)
        row["leaf_input"] = base64.b64encode(data).decode()
        row["leaf_hash"] = base64.b64encode(leaf_hash(data)).decode()
    _write(bag / "data" / "log_entries.jsonl", entries)
    root = root_from_leaf_hashes([base64.b64decode(r["leaf_hash"]) for r in entries])
    checkpoints = _read(bag / "data" / "checkpoints.jsonl")[-1:]
    checkpoints[0]["root_hash"] = base64.b64encode(root).decode()
    checkpoints[0]["signed_note"] = sign_checkpoint(Checkpoint(origin, len(entries), root), signer)
    _write(bag / "data" / "checkpoints.jsonl", checkpoints)
    info = (bag / "bag-info.txt").read_text().splitlines()
    info = [
        f"Log-Root-Hash: {base64.b64encode(root).decode()}" if i.startswith("Log-Root-Hash") else i
        for i in info
    ]
    (bag / "bag-info.txt").write_text("\n".join(info) + "\n")


def test_without_a_logged_retention_the_import_recomputes_it_by_the_rule(
    scene: Scene, capsys: pytest.CaptureFixture[str]
) -> None:
    _as_older_log(scene.bag, load_signer(scene.settings), scene.settings.log_origin)
    kept = _read(scene.bag / "data" / "versions.jsonl")[0]["retain_until"]

    def edit(rows: Rows) -> None:
        rows[0]["retain_until"] = "2000-01-01"

    _edit(scene.bag, "versions.jsonl", edit)
    _reseal(scene.bag)
    capsys.readouterr()
    assert regctl(_import(scene.client, str(scene.bag))) == 0, capsys.readouterr().err
    assert scene.retained_until() == [kept]


def test_a_version_given_another_submitter_in_the_bag_is_refused(
    scene: Scene, capsys: pytest.CaptureFixture[str]
) -> None:
    def edit(rows: Rows) -> None:
        assert rows[0]["created_by_type"] == "client"
        rows[0]["created_by_type"], rows[0]["created_by"] = "person", "psn_" + "0" * 32

    _edit(scene.bag, "versions.jsonl", edit)
    assert "who submitted it differs from its log entry" in scene.refused(capsys)


def test_a_hold_moved_to_another_organisation_in_the_bag_is_refused(
    scene: Scene, capsys: pytest.CaptureFixture[str]
) -> None:
    """Only the placing organisation (or the operator) may lift a hold: a bag must not
    hand it to another one."""

    def edit(rows: Rows) -> None:
        rows[0]["placed_by_org"] = "ECOWAS"

    _edit(scene.bag, "holds.jsonl", edit)
    assert "who submitted it differs from its log entry" in scene.refused(capsys)


def test_records_whose_entries_name_nobody_cannot_be_given_an_actor_in_the_bag(
    scene: Scene, capsys: pytest.CaptureFixture[str]
) -> None:
    """A log written before entries carried ``submitted_by``: the bag's rows must name
    nobody either (as the migration left them), and then they load."""
    _as_older_log(
        scene.bag, load_signer(scene.settings), scene.settings.log_origin, ("submitted_by",)
    )
    assert "names an actor its log entry does not" in scene.refused(capsys)

    def unknown(*columns: str) -> Callable[[Rows], None]:
        def edit(rows: Rows) -> None:
            for row in rows:
                row.update(dict.fromkeys(columns))

        return edit

    _edit(scene.bag, "versions.jsonl", unknown("created_by_type", "created_by_org"))
    _edit(scene.bag, "holds.jsonl", unknown("placed_by_type"))
    _reseal(scene.bag)
    capsys.readouterr()
    assert regctl(_import(scene.client, str(scene.bag))) == 0, capsys.readouterr().err
    assert len(scene.imported()) == 1
