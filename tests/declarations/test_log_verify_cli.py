"""``regctl log verify`` end to end: exit 0 verified, 1 failed or malformed, never a traceback.

Two kinds of server: the real register as a uvicorn process (honest, then
tampered with behind its back), and a small HTTP server that serves a valid
two-entry log except for one malformed reply per case.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from services.cli.main import main as regctl
from services.common.transparency.canonical import canonical_json
from services.common.transparency.checkpoint import Checkpoint, sign_checkpoint
from services.common.transparency.merkle import leaf_hash, node_hash
from services.common.transparency.note import format_verifier_key, generate_signer
from tests.declarations.support import Callers, declaration
from tests.declarations.test_log_verify_and_fixity import tamper
from tests.e2e.live_server import live_register
from tests.support.responses import assert_status

URL = "/declarations/v1/declarations"
V1 = "/declarations/v1"
ORIGIN = "salw-register.local/declarations"
DECLARATION = "0f0e0d0c-0000-4000-8000-000000000001"

Reply = tuple[int, str, bytes]  # status, content type, body


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _json(document: Any) -> Reply:
    return 200, "application/json", json.dumps(document).encode()


HTML: Reply = (200, "text/html", b"<html><body>Bad gateway</body></html>")


class FakeLog:
    """A valid two-entry log: entry 0 is DECLARATION's only version, entry 1 another's."""

    def __init__(self) -> None:
        self.signer = generate_signer(ORIGIN)
        self.record = {"id": DECLARATION, "version": 1, "items": []}
        self.record_sha256 = hashlib.sha256(canonical_json(self.record)).hexdigest()
        self.leaves = [
            canonical_json({"declaration_id": DECLARATION, "record_sha256": self.record_sha256}),
            canonical_json({"declaration_id": "another", "record_sha256": "0" * 64}),
        ]
        self.hashes = [leaf_hash(leaf) for leaf in self.leaves]
        root = node_hash(self.hashes[0], self.hashes[1])
        note = sign_checkpoint(Checkpoint(ORIGIN, 2, root), self.signer)
        self.routes: dict[str, Reply] = {
            f"{V1}/log/checkpoint": (200, "text/plain", note.encode()),
            f"{V1}/log/proof/consistency": _json({"hashes": [_b64(self.hashes[1])]}),
            f"{V1}/log/proof/inclusion": _json({"hashes": [_b64(self.hashes[1])]}),
            f"{V1}/log/entries": _json({"entries": [{"leaf_input": _b64(self.leaves[0])}]}),
            f"{URL}/{DECLARATION}/versions": _json({"items": [self.version()]}),
            f"{URL}/{DECLARATION}": _json({"disposal_log_index": None}),
        }

    def version(self, **changes: Any) -> dict[str, Any]:
        version = {
            "version": 1,
            "record": self.record,
            "record_sha256": self.record_sha256,
            "log_index": 0,
        }
        return {**version, **changes}

    def saved_state(self) -> dict[str, Any]:
        """What a verifier saved when the log held entry 0 only."""
        return {
            "verifier_key": format_verifier_key(self.signer.verifier),
            "tree_size": 1,
            "root_hash": _b64(self.hashes[0]),
        }


@pytest.fixture
def fake_log() -> Iterator[tuple[FakeLog, str]]:
    log = FakeLog()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, kind, body = log.routes.get(
                urlsplit(self.path).path, (404, "text/plain", b"not found")
            )
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield log, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _verify_fake(log: FakeLog, base: str, state_file: Path) -> int:
    state_file.write_text(json.dumps(log.saved_state()))
    arguments = ["--url", base, "--state", str(state_file), "--declaration", DECLARATION]
    return regctl(["log", "verify", *arguments, "--token", "t"])


def test_the_fake_log_verifies_as_served(
    fake_log: tuple[FakeLog, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log, base = fake_log
    assert _verify_fake(log, base, tmp_path / "state.json") == 0, capsys.readouterr().err
    assert json.loads((tmp_path / "state.json").read_text())["tree_size"] == 2


def _versions(log: FakeLog, without: str) -> Reply:
    return _json({"items": [{k: v for k, v in log.version().items() if k != without}]})


MALFORMED: dict[str, tuple[str, Any, str]] = {
    # case: (route, reply or a function of the fake log giving it, words of the message)
    "consistency proof is an HTML page": ("consistency", HTML, "not JSON"),
    "consistency hash is not base64": ("consistency", _json({"hashes": ["%%%"]}), "base64"),
    "consistency hashes missing": ("consistency", _json({}), "no 'hashes'"),
    "consistency hashes null": ("consistency", _json({"hashes": None}), "'hashes' is not"),
    "consistency hash is a number": ("consistency", _json({"hashes": [7]}), "base64"),
    "versions null": ("versions", _json({"items": None}), "'items' is not"),
    "versions an HTML page": ("versions", HTML, "not JSON"),
    "version without log_index": ("versions", lambda log: _versions(log, "log_index"), "no 'log_"),
    "version with a null hash": (
        "versions",
        lambda log: _json({"items": [log.version(record_sha256=None)]}),
        "'record_sha256' is not",
    ),
    "version is a string": ("versions", _json({"items": ["v1"]}), "no 'version'"),
    "entries empty": ("entries", _json({"entries": []}), "0 entries"),
    "leaf input not base64": ("entries", _json({"entries": [{"leaf_input": "@@"}]}), "base64"),
    "leaf input null": ("entries", _json({"entries": [{"leaf_input": None}]}), "not shown"),
    "leaf input not JSON": (
        "entries",
        _json({"entries": [{"leaf_input": _b64(b"\xff\xfe")}]}),
        "not JSON",
    ),
    "leaf input a JSON list": (
        "entries",
        _json({"entries": [{"leaf_input": _b64(b"[1]")}]}),
        "not a JSON object",
    ),
    "inclusion proof null": ("inclusion", _json(None), "no 'hashes'"),
    "inclusion hash too short": (
        "inclusion",
        _json({"hashes": [_b64(b"short")]}),
        "not included",
    ),
    "disposal lookup an HTML page": ("disposed", HTML, "not JSON"),
    "disposal index a string": (
        "disposed",
        _json({"disposal_log_index": "1"}),
        "'disposal_log_index' is not",
    ),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_a_malformed_reply_is_exit_1_with_the_problem_named(
    case: str,
    fake_log: tuple[FakeLog, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    log, base = fake_log
    route, reply, words = MALFORMED[case]
    if route == "disposed":
        # The record is null, so verify asks for its disposal entry.
        log.routes[f"{URL}/{DECLARATION}/versions"] = _json({"items": [log.version(record=None)]})
        route = "declaration"
    path = {
        "consistency": f"{V1}/log/proof/consistency",
        "inclusion": f"{V1}/log/proof/inclusion",
        "entries": f"{V1}/log/entries",
        "versions": f"{URL}/{DECLARATION}/versions",
        "declaration": f"{URL}/{DECLARATION}",
    }[route]
    log.routes[path] = reply(log) if callable(reply) else reply
    assert _verify_fake(log, base, tmp_path / "state.json") == 1
    error = capsys.readouterr().err
    assert error.startswith("FAILED: "), error
    assert words in error, error
    assert "Traceback" not in error


def test_a_damaged_state_file_is_exit_2(
    fake_log: tuple[FakeLog, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _log, base = fake_log
    state_file = tmp_path / "state.json"
    state_file.write_text('{"tree_size": 3, "root_hash": "not base64"}')
    assert regctl(["log", "verify", "--url", base, "--state", str(state_file)]) == 2
    assert "damaged" in capsys.readouterr().err


def test_regctl_log_verify_exits_0_on_the_real_log_and_1_once_a_record_is_altered(
    client: TestClient,
    callers: Callers,
    database_urls: dict[str, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    sen = callers.state("SEN")
    declaration_id = assert_status(client.post(URL, json=declaration(), headers=sen))["id"]
    key = client.get(f"{V1}/log/public-key").text
    state = tmp_path / "verify-state.json"
    with live_register(database_urls, tmp_path / "var") as base:
        arguments = ["--url", base, "--state", str(state), "--declaration", declaration_id]
        arguments += ["--token", callers.token(sen)]
        assert regctl(["log", "verify", "--key", key, *arguments]) == 0, capsys.readouterr().err
        assert "OK: checkpoint of 1 entries verified" in capsys.readouterr().out
        record = client.get(f"{URL}/{declaration_id}", headers=sen).json()["record"]
        record["items"][0]["serial_number"] = "FORGED-1"
        tamper(
            database_urls["declarations"],
            "UPDATE declaration_contents SET content = :content WHERE declaration_id = :id",
            {"content": json.dumps(record), "id": declaration_id},
        )
        assert regctl(["log", "verify", *arguments]) == 1
    assert "does not hash to its recorded SHA-256" in capsys.readouterr().err
