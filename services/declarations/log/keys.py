"""The log's Ed25519 signing key: configured inline, or kept in a 0600 file."""

from __future__ import annotations

import contextlib
import os
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
    """Read the signer key at ``path``; create it (mode 0600, atomically) when absent."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        text = format_signer_key(generate_signer(name)) + "\n"
        # O_EXCL: of two workers starting together, one writes and both read its key.
        with contextlib.suppress(FileExistsError):
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "w") as handle:
                handle.write(text)
    return parse_signer_key(path.read_text().strip())


def _checked(signer: Signer, origin: str) -> Signer:
    # The key name is the log's origin: verifiers look keys up by that name.
    if signer.name != origin:
        raise ValueError(
            f"the log signing key is named {signer.name!r} but the log origin is {origin!r}"
        )
    return signer
