"""C2SP tlog checkpoints (https://c2sp.org/tlog-checkpoint).

A checkpoint is the text of a signed note:

    <origin>
    <tree size, decimal, no leading zeros>
    <base64 root hash>
    [extension lines, each non-empty]
"""

import base64
import binascii
import re
from collections.abc import Iterable
from dataclasses import dataclass

from services.common.transparency._hashing import HASH_SIZE
from services.common.transparency.note import Signer, Verifier, open_note, sign_note

_TREE_SIZE = re.compile(r"0|[1-9][0-9]*", re.ASCII)
# Sizes are uint64 in every other checkpoint implementation; a larger one
# could not be checked by them and can only be a forgery or a bug.
_MAX_TREE_SIZE = 2**64 - 1


class CheckpointError(ValueError):
    """A checkpoint body is malformed, or is not the expected log's."""


@dataclass(frozen=True)
class Checkpoint:
    """A log's tree head: origin, tree size and root hash."""

    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()


def _check_line(line: str, what: str) -> None:
    if not line or "\n" in line:
        raise CheckpointError(f"{what} must be one non-empty line")


def format_checkpoint(checkpoint: Checkpoint) -> str:
    """Return the note text of `checkpoint`, ending in a newline."""
    _check_line(checkpoint.origin, "origin")
    for extension in checkpoint.extensions:
        _check_line(extension, "extension line")
    if not 0 <= checkpoint.size <= _MAX_TREE_SIZE:
        raise CheckpointError(f"tree size {checkpoint.size} is out of range")
    if len(checkpoint.root_hash) != HASH_SIZE:
        raise CheckpointError(f"root hash must be {HASH_SIZE} bytes")
    lines = [
        checkpoint.origin,
        str(checkpoint.size),
        base64.b64encode(checkpoint.root_hash).decode(),
        *checkpoint.extensions,
    ]
    return "\n".join(lines) + "\n"


def parse_checkpoint(text: str) -> Checkpoint:
    """Parse checkpoint note text strictly; CheckpointError if malformed.

    Only the exact output of `format_checkpoint` is accepted: the root hash
    must be canonical base64 of 32 bytes and the size plain decimal.
    """
    if not text.endswith("\n"):
        raise CheckpointError("checkpoint must end with a newline")
    lines = text[:-1].split("\n")
    if len(lines) < 3:
        raise CheckpointError("checkpoint needs origin, tree size and root hash lines")
    origin, size_line, root_line, *extensions = lines
    if not origin:
        raise CheckpointError("origin line is empty")
    if any(not line for line in extensions):
        raise CheckpointError("extension lines must be non-empty")
    if not _TREE_SIZE.fullmatch(size_line) or int(size_line) > _MAX_TREE_SIZE:
        raise CheckpointError(f"tree size {size_line!r} is not a decimal uint64")
    try:
        root_hash = base64.b64decode(root_line, validate=True)
    except binascii.Error as error:
        raise CheckpointError("root hash is not base64") from error
    # Re-encoding catches non-canonical base64 (stray padding bits), so one
    # tree head has exactly one checkpoint text.
    if len(root_hash) != HASH_SIZE or base64.b64encode(root_hash).decode() != root_line:
        raise CheckpointError(f"root hash is not canonical base64 of {HASH_SIZE} bytes")
    return Checkpoint(origin, int(size_line), root_hash, tuple(extensions))


def sign_checkpoint(checkpoint: Checkpoint, signer: Signer) -> str:
    """Return `checkpoint` as a signed note, signed by `signer`."""
    return sign_note(format_checkpoint(checkpoint), signer)


def open_checkpoint(
    signed_note: str | bytes,
    verifiers: Iterable[Verifier],
    *,
    origin: str | None = None,
) -> Checkpoint:
    """Verify a signed checkpoint against trusted keys and parse it.

    Raises the `note` errors for signature problems, and CheckpointError if
    the body is malformed or its origin is not the expected `origin`.
    """
    opened = open_note(signed_note, verifiers)
    checkpoint = parse_checkpoint(opened.text)
    if origin is not None and checkpoint.origin != origin:
        raise CheckpointError(f"checkpoint is for log {checkpoint.origin!r}, not {origin!r}")
    return checkpoint
