"""The log's Ed25519 signing key: configured inline, or kept in a 0600 file."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from services.common.transparency.note import (
    Signer,
    format_signer_key,
    generate_signer,
    parse_signer_key,
)
from services.declarations.settings import DeclarationsSettings


def load_signer(settings: DeclarationsSettings) -> Signer:
    """The checkpoint signer: ``log_signing_key`` if set, else the key file (made once)."""
    if settings.log_signing_key:
        return _checked(parse_signer_key(settings.log_signing_key), settings.log_origin)
    return _checked(
        load_or_create_key_file(settings.resolved_log_key_file(), settings.log_origin),
        settings.log_origin,
    )


def load_or_create_key_file(path: Path, name: str) -> Signer:
    """Read the signer key at ``path``; create it (mode 0600, atomically) when absent.

    The key is written and flushed to a private temporary file in the same
    folder, then hard-linked to ``path``: the key file appears complete or not
    at all, and ``link`` refuses to replace an existing file, so of two workers
    starting together one key wins and both read it.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        _create_once(path, format_signer_key(generate_signer(name)) + "\n")
    return parse_signer_key(path.read_text().strip())


def _create_once(path: Path, text: str) -> None:
    # mkstemp creates the file 0600 whatever the umask.
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(descriptor, "w") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        os.unlink(temporary)
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)  # the new name survives a crash
    finally:
        os.close(folder)


def _checked(signer: Signer, origin: str) -> Signer:
    # The key name is the log's origin: verifiers look keys up by that name.
    if signer.name != origin:
        raise ValueError(
            f"the log signing key is named {signer.name!r} but the log origin is {origin!r}"
        )
    return signer
