"""The log signing key file: created once, complete when it appears, 0600, never overwritten."""

from __future__ import annotations

import stat
import threading
from pathlib import Path

from services.common.transparency.note import format_signer_key, generate_signer, parse_signer_key
from services.declarations.log.keys import load_or_create_key_file

NAME = "salw-register.local/declarations"


def test_a_new_key_file_is_complete_0600_and_alone_in_its_folder(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "log-signer.key"
    signer = load_or_create_key_file(path, NAME)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert parse_signer_key(path.read_text().strip()).verifier == signer.verifier
    assert path.read_text() == format_signer_key(signer) + "\n"
    assert [p.name for p in path.parent.iterdir()] == ["log-signer.key"]


def test_an_existing_key_file_is_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "log-signer.key"
    existing = generate_signer(NAME)
    path.write_text(format_signer_key(existing) + "\n")
    assert load_or_create_key_file(path, NAME).verifier == existing.verifier
    assert path.read_text() == format_signer_key(existing) + "\n"


def _race(path: Path, workers: int) -> tuple[list[str], list[BaseException]]:
    """``workers`` threads released together, each loading (or creating) the key at ``path``."""
    start = threading.Barrier(workers)
    keys: list[str] = []
    errors: list[BaseException] = []

    def worker() -> None:
        start.wait()
        try:
            keys.append(format_signer_key(load_or_create_key_file(path, NAME)))
        except Exception as exc:  # collected and asserted by the caller
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return keys, errors


def test_workers_starting_together_all_read_one_complete_key(tmp_path: Path) -> None:
    # A key file that appeared before it was written would make a worker read an
    # empty key (the previous O_EXCL-then-write did, in every round).
    for round_number in range(40):
        path = tmp_path / f"round-{round_number}" / "log-signer.key"
        keys, errors = _race(path, 8)
        assert errors == []
        assert len(set(keys)) == 1
        assert path.read_text() == keys[0] + "\n"
        assert [p.name for p in path.parent.iterdir()] == ["log-signer.key"]
