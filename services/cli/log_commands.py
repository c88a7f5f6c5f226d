"""``regctl log``: verify the declarations log from outside, check fixity, show the key.

``regctl log verify`` is an independent client of the public API: it fetches
the signed checkpoint, checks the signature against a pinned verifier key,
checks consistency with the checkpoint it saved last time, and checks that
chosen declarations' versions are in the log with the hashes of their
records. Exit status: 0 verified, 1 verification failed, 2 could not check.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, cast

import httpx

from services.common.transparency.canonical import canonical_json
from services.common.transparency.checkpoint import Checkpoint, open_checkpoint
from services.common.transparency.merkle import ProofError, verify_consistency, verify_inclusion
from services.common.transparency.note import (
    NoteError,
    Verifier,
    format_verifier_key,
    parse_verifier_key,
)

V1 = "/declarations/v1"
T = TypeVar("T")


class CheckFailed(Exception):
    """The log or a record failed a check, or the server's reply was malformed: says which."""


class StateError(Exception):
    """The saved state file cannot be used."""


@dataclass
class VerifyReport:
    """What ``log verify`` established."""

    checkpoint: Checkpoint
    declarations: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# Every reply is untrusted input: each reading below names what was malformed
# and raises CheckFailed, so a hostile or broken server gets exit 1, never a traceback.


def _b64(text: object, what: str) -> bytes:
    if not isinstance(text, str):
        raise CheckFailed(f"{what} is not a base64 string")
    try:
        return base64.b64decode(text, validate=True)
    except ValueError as exc:  # binascii.Error
        raise CheckFailed(f"{what} is not valid base64") from exc


def _member(document: object, key: str, kind: type[T], where: str) -> T:
    """``document[key]``, which must be of ``kind`` (bool is no int)."""
    if not isinstance(document, dict) or key not in document:
        raise CheckFailed(f"{where}: the reply has no {key!r}")
    value = document[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise CheckFailed(f"{where}: {key!r} is not a {kind.__name__}")
    return value


def _optional(document: object, key: str, kind: type[T], where: str) -> T | None:
    """Like :func:`_member`, but null is allowed."""
    if isinstance(document, dict) and key in document and document[key] is None:
        return None
    return _member(document, key, kind, where)


def _hashes(document: object, where: str) -> list[bytes]:
    items = _member(document, "hashes", list, where)
    return [_b64(item, f"{where}: hashes[{n}]") for n, item in enumerate(items)]


def _get(
    client: httpx.Client, path: str, token: str | None = None, **params: Any
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = client.get(path, params=params, headers=headers)
    if response.status_code != 200:
        raise CheckFailed(f"GET {path} answered {response.status_code}: {response.text[:200]}")
    return response


def _get_json(client: httpx.Client, path: str, token: str | None = None, **params: Any) -> object:
    response = _get(client, path, token, **params)
    try:
        return cast(object, response.json())
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError
        kind = response.headers.get("content-type", "no content type")
        raise CheckFailed(f"GET {path}: the reply is not JSON ({kind})") from exc


def load_state(path: Path) -> dict[str, Any]:
    """The verifier's saved state (pinned key, last checkpoint), or {}; StateError if unusable."""
    if not path.exists():
        return {}
    try:
        state = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise StateError(f"the state file {path} cannot be read: {exc}") from exc
    if not isinstance(state, dict):
        raise StateError(f"the state file {path} is not a JSON object")
    if "tree_size" in state:
        try:
            _member(state, "tree_size", int, "state")
            if len(_b64(state.get("root_hash"), "state: root_hash")) != 32:
                raise CheckFailed("state: root_hash is not 32 bytes")
        except CheckFailed as exc:
            raise StateError(f"the state file {path} is damaged: {exc}") from exc
    return state


def save_state(path: Path, state: dict[str, Any]) -> None:
    """Save the state atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(state, indent=2) + "\n")
    temporary.replace(path)


def verify_log(
    client: httpx.Client,
    *,
    verifier: Verifier,
    state: dict[str, Any],
    declarations: list[str],
    token: str | None,
) -> VerifyReport:
    """Run every check; raise CheckFailed on the first failure. Updates ``state`` on success."""
    note = _get(client, f"{V1}/log/checkpoint").text
    try:
        checkpoint = open_checkpoint(note, [verifier], origin=verifier.name)
    except (NoteError, ValueError) as exc:
        raise CheckFailed(f"the checkpoint's signature or format is wrong: {exc}") from exc
    report = VerifyReport(checkpoint)
    _check_consistency(client, state, checkpoint, report)
    for declaration_id in declarations:
        _check_declaration(client, checkpoint, declaration_id, token, report)
        report.declarations.append(declaration_id)
    state.update(
        verifier_key=format_verifier_key(verifier),
        tree_size=checkpoint.size,
        root_hash=base64.b64encode(checkpoint.root_hash).decode(),
    )
    return report


def _check_consistency(
    client: httpx.Client, state: dict[str, Any], checkpoint: Checkpoint, report: VerifyReport
) -> None:
    if "tree_size" not in state:
        report.notes.append("no saved checkpoint: this one is saved for next time")
        return
    old_size, old_root = int(state["tree_size"]), _b64(state["root_hash"], "state: root_hash")
    if checkpoint.size < old_size:
        raise CheckFailed(f"the log shrank from {old_size} to {checkpoint.size} entries")
    proof: list[bytes] = []
    if 0 < old_size < checkpoint.size:
        path = f"{V1}/log/proof/consistency"
        body = _get_json(client, path, first=old_size, second=checkpoint.size)
        proof = _hashes(body, f"GET {path}")
    if old_size == 0 and checkpoint.size > 0:
        return
    try:
        verify_consistency(old_size, checkpoint.size, old_root, checkpoint.root_hash, proof)
    except ProofError as exc:
        raise CheckFailed(
            f"the log at {checkpoint.size} entries does not extend the saved one at {old_size}:"
            f" {exc}"
        ) from exc


def _check_declaration(
    client: httpx.Client,
    checkpoint: Checkpoint,
    declaration_id: str,
    token: str | None,
    report: VerifyReport,
) -> None:
    if token is None:
        raise CheckFailed("checking a declaration needs --token (register:read)")
    path = f"{V1}/declarations/{declaration_id}/versions"
    versions = _member(_get_json(client, path, token), "items", list, f"GET {path}")
    removed = False
    for position, version in enumerate(versions):
        where = f"declaration {declaration_id} version {position + 1}"
        number = _member(version, "version", int, where)
        where = f"declaration {declaration_id} version {number}"
        record_sha256 = _member(version, "record_sha256", str, where)
        index = _member(version, "log_index", int, where)
        record = _optional(version, "record", dict, where)
        if record is None:
            # Only a logged disposal may remove a record: checked below, once.
            removed = True
        elif _record_sha256(record, where) != record_sha256:
            raise CheckFailed(f"{where}: the record does not hash to its recorded SHA-256")
        if index >= checkpoint.size:
            report.notes.append(f"{where}: logged after this checkpoint, not checked")
            continue
        leaf_input, logged = _entry(client, index, token)
        if (
            logged.get("declaration_id") != declaration_id
            or logged.get("record_sha256") != record_sha256
        ):
            raise CheckFailed(f"{where}: the log entry at {index} is not this record's")
        _check_included(client, checkpoint, index, leaf_input, where)
    if removed:
        _check_disposal(client, checkpoint, declaration_id, token)


def _record_sha256(record: dict[str, Any], where: str) -> str:
    try:
        return hashlib.sha256(canonical_json(record)).hexdigest()
    except (ValueError, TypeError) as exc:  # e.g. 1e400 parses to an infinity
        raise CheckFailed(f"{where}: the record is not canonical JSON: {exc}") from exc


def _check_disposal(
    client: httpx.Client, checkpoint: Checkpoint, declaration_id: str, token: str
) -> None:
    """A removed record needs its disposal entry in the signed log."""
    where = f"declaration {declaration_id}"
    path = f"{V1}/declarations/{declaration_id}"
    index = _optional(_get_json(client, path, token), "disposal_log_index", int, f"GET {path}")
    if index is None:
        raise CheckFailed(f"{where}: the record is gone but no disposal of it is logged")
    if index >= checkpoint.size:
        raise CheckFailed(
            f"{where}: the record is gone and its disposal entry {index} is outside the signed"
            f" checkpoint of {checkpoint.size} entries (verify again once it is signed)"
        )
    leaf_input, logged = _entry(client, index, token)
    if logged.get("type") != "disposal" or logged.get("declaration_id") != declaration_id:
        raise CheckFailed(
            f"{where}: the record is gone and the log entry at {index} is not its disposal"
        )
    _check_included(client, checkpoint, index, leaf_input, f"{where} disposal")


def _entry(client: httpx.Client, index: int, token: str) -> tuple[bytes, dict[str, Any]]:
    """The bytes of log entry ``index`` and the JSON object they encode."""
    path = f"{V1}/log/entries"
    where = f"GET {path} (entry {index})"
    entries = _member(
        _get_json(client, path, token, start=index, end=index + 1), "entries", list, where
    )
    if len(entries) != 1:
        raise CheckFailed(f"{where}: {len(entries)} entries instead of 1")
    shown = _optional(entries[0], "leaf_input", str, where)
    if shown is None:
        raise CheckFailed(f"{where}: the entry's bytes are not shown to this token")
    leaf_input = _b64(shown, f"{where}: leaf_input")
    try:
        logged = json.loads(leaf_input)
    except ValueError as exc:
        raise CheckFailed(f"{where}: leaf_input is not JSON") from exc
    if not isinstance(logged, dict):
        raise CheckFailed(f"{where}: leaf_input is not a JSON object")
    return leaf_input, logged


def _check_included(
    client: httpx.Client, checkpoint: Checkpoint, index: int, leaf_input: bytes, where: str
) -> None:
    leaf = hashlib.sha256(b"\0" + leaf_input).digest()
    path = f"{V1}/log/proof/inclusion"
    proof = _get_json(client, path, index=index, tree_size=checkpoint.size)
    try:
        verify_inclusion(
            index, checkpoint.size, leaf, _hashes(proof, f"GET {path}"), checkpoint.root_hash
        )
    except ProofError as exc:
        raise CheckFailed(f"{where}: not included in the signed log: {exc}") from exc


def run_verify(args: argparse.Namespace) -> int:
    """``regctl log verify``."""
    state_path = Path(args.state)
    try:
        state = load_state(state_path)
    except StateError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    key_text = args.key or state.get("verifier_key")
    if not key_text:
        print(
            "error: pin the log's verifier key with --key (see GET /log/public-key)",
            file=sys.stderr,
        )
        return 2
    try:
        verifier = parse_verifier_key(key_text)
    except NoteError as exc:
        print(f"error: the verifier key is malformed: {exc}", file=sys.stderr)
        return 2
    if state.get("verifier_key") and state["verifier_key"] != key_text:
        print("error: --key differs from the key pinned in the state file", file=sys.stderr)
        return 2
    try:
        with httpx.Client(base_url=args.url, timeout=30.0) as client:
            report = verify_log(
                client,
                verifier=verifier,
                state=state,
                declarations=args.declaration,
                token=args.token,
            )
    except CheckFailed as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        return 1
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        print(f"error: could not reach {args.url}: {exc}", file=sys.stderr)
        return 2
    save_state(state_path, state)
    for line in report.notes:
        print(f"note: {line}")
    print(
        f"OK: checkpoint of {report.checkpoint.size} entries verified;"
        f" {len(report.declarations)} declaration(s) included"
    )
    return 0


def run_fixity(args: argparse.Namespace) -> int:
    """``regctl log fixity``: recompute from storage, compare, log the outcome."""
    from services.common.database import make_engine, write_session
    from services.declarations.deps import system_clock
    from services.declarations.log import fixity
    from services.declarations.log.keys import load_signer
    from services.declarations.log.service import LogContext
    from services.declarations.settings import DeclarationsSettings

    settings = DeclarationsSettings()
    log = LogContext(signer=load_signer(settings), origin=settings.log_origin)
    engine = make_engine(settings.resolved_database_url())
    try:
        with write_session(engine) as session:
            result = fixity.run_fixity(session, log=log, now=system_clock())
            session.commit()
    finally:
        engine.dispose()
    print(json.dumps(result.model_dump(), indent=2))
    return 0 if result.ok else 1


def run_public_key(_args: argparse.Namespace) -> int:
    """``regctl log public-key``: print the C2SP verifier key of the checkpoint signer."""
    from services.declarations.log.keys import load_signer
    from services.declarations.settings import DeclarationsSettings

    print(format_verifier_key(load_signer(DeclarationsSettings()).verifier))
    return 0


def register(subparsers: Any) -> None:
    """Add ``regctl log ...``."""
    log = subparsers.add_parser("log", help="Verify the declarations transparency log")
    commands = log.add_subparsers(dest="log_command", required=True, metavar="SUBCOMMAND")
    verify = commands.add_parser("verify", help="Verify checkpoint, consistency and inclusion")
    verify.add_argument("--url", default="http://127.0.0.1:8000", help="register base URL")
    verify.add_argument("--key", help="pinned verifier key (saved in the state file)")
    verify.add_argument("--state", default="var/log-verify.json", help="state file")
    verify.add_argument("--declaration", action="append", default=[], metavar="ID")
    verify.add_argument("--token", help="bearer token with register:read (for --declaration)")
    verify.set_defaults(handler=run_verify)
    fix = commands.add_parser("fixity", help="Recompute the root from storage and log the result")
    fix.set_defaults(handler=run_fixity)
    key = commands.add_parser("public-key", help="Print the log's verifier key")
    key.set_defaults(handler=run_public_key)
