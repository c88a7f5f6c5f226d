"""C2SP signed notes (https://c2sp.org/signed-note) with Ed25519 keys.

A signed note is a text ending in a newline, a blank line, then signature
lines `— <key name> <base64(4-byte key ID || signature)>`. Keys travel as the
strings of golang.org/x/mod/sumdb/note: verifier key
`<name>+<hex key ID>+<base64(0x01 || public key)>`, signer key
`PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 || seed)>`.
"""

import base64
import binascii
from collections.abc import Iterable
from dataclasses import dataclass

from services.common.transparency._note_keys import (
    ED25519_TYPE,
    KeyFormatError,
    NoteError,
    Signer,
    Verifier,
    format_signer_key,
    format_verifier_key,
    generate_signer,
    is_valid_key_name,
    key_id,
    parse_signer_key,
    parse_verifier_key,
)

__all__ = [
    "ED25519_TYPE",
    "MAX_SIGNATURES",
    "SIGNATURE_PREFIX",
    "InvalidSignatureError",
    "KeyFormatError",
    "MalformedNoteError",
    "NoteError",
    "NoteSignature",
    "OpenedNote",
    "Signer",
    "UnverifiedNoteError",
    "Verifier",
    "format_signer_key",
    "format_verifier_key",
    "generate_signer",
    "is_valid_key_name",
    "key_id",
    "open_note",
    "parse_signer_key",
    "parse_verifier_key",
    "sign_note",
]

SIGNATURE_PREFIX = "\u2014 "
"""Every signature line starts with an em dash and a space."""

MAX_SIGNATURES = 100
"""Signature lines accepted per note; the specification requires at least 16."""


class MalformedNoteError(NoteError):
    """The message is not a well-formed signed note."""


class InvalidSignatureError(NoteError):
    """A signature by a known key does not verify: the note is rejected."""


class UnverifiedNoteError(NoteError):
    """No signature in the note comes from a known key."""


def _require_note_characters(text: str) -> None:
    # Valid UTF-8 without control characters other than newline, as the
    # specification demands of the whole signed note.
    try:
        text.encode()
    except UnicodeEncodeError as error:
        raise MalformedNoteError("note is not valid UTF-8") from error
    if any(ch < " " and ch != "\n" for ch in text):
        raise MalformedNoteError("note contains a control character")


def sign_note(text: str, *signers: Signer) -> str:
    """Return `text` signed by each signer, as a signed note."""
    if not signers:
        raise ValueError("a note needs at least one signer")
    if not text.endswith("\n"):
        raise MalformedNoteError("note text must end with a newline")
    _require_note_characters(text)
    message = text.encode()
    lines = []
    for signer in signers:
        blob = signer.key_id.to_bytes(4, "big") + signer.sign(message)
        lines.append(f"{SIGNATURE_PREFIX}{signer.name} {base64.b64encode(blob).decode()}\n")
    return text + "\n" + "".join(lines)


@dataclass(frozen=True)
class NoteSignature:
    """One signature line: key name, key ID and the raw signature."""

    name: str
    key_id: int
    signature: bytes


@dataclass(frozen=True)
class OpenedNote:
    """A note whose signatures by known keys all verified."""

    text: str
    verified: tuple[NoteSignature, ...]
    """Signatures by known keys (at least one)."""
    unverified: tuple[NoteSignature, ...]
    """Signatures by unknown keys, ignored as the specification requires."""


def _parse_signature_line(line: str) -> NoteSignature:
    if not line.startswith(SIGNATURE_PREFIX):
        raise MalformedNoteError("signature line does not start with an em dash")
    name, _, encoded = line.removeprefix(SIGNATURE_PREFIX).partition(" ")
    if not is_valid_key_name(name) or not encoded:
        raise MalformedNoteError("signature line has no valid key name and signature")
    try:
        blob = base64.b64decode(encoded, validate=True)
    except binascii.Error as error:
        raise MalformedNoteError("signature is not base64") from error
    if len(blob) < 5:
        raise MalformedNoteError("signature is too short")
    return NoteSignature(name, int.from_bytes(blob[:4], "big"), blob[4:])


def open_note(message: str | bytes, verifiers: Iterable[Verifier]) -> OpenedNote:
    """Parse a signed note and check it against the trusted `verifiers`.

    Signatures by unknown keys are ignored; a bad signature by a known key
    rejects the note (InvalidSignatureError), and so does the absence of any
    signature by a known key (UnverifiedNoteError).
    """
    if isinstance(message, bytes):
        try:
            message = message.decode()
        except UnicodeDecodeError as error:
            raise MalformedNoteError("note is not valid UTF-8") from error
    _require_note_characters(message)
    known: dict[tuple[str, int], Verifier] = {}
    for verifier in verifiers:
        found = known.setdefault((verifier.name, verifier.key_id), verifier)
        if found != verifier:
            raise NoteError(f"two trusted keys share name and ID {verifier.name!r}")
    # The last blank line separates the text (which may hold blank lines of
    # its own) from the signatures; the text keeps its final newline.
    split = message.rfind("\n\n")
    if split < 0 or not message.endswith("\n") or split + 2 == len(message):
        raise MalformedNoteError("note has no signature block after a blank line")
    text, block = message[: split + 1], message[split + 2 :]
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise MalformedNoteError(f"note has more than {MAX_SIGNATURES} signatures")
    payload = text.encode()
    verified: dict[tuple[str, int], NoteSignature] = {}
    unverified: dict[NoteSignature, None] = {}
    for line in lines:
        signature = _parse_signature_line(line)
        key = (signature.name, signature.key_id)
        trusted = known.get(key)
        if trusted is None:
            unverified.setdefault(signature)
        elif key not in verified:
            if not trusted.verify(payload, signature.signature):
                raise InvalidSignatureError(f"bad signature by {signature.name}")
            verified[key] = signature
    if not verified:
        raise UnverifiedNoteError("no signature by a trusted key")
    return OpenedNote(text, tuple(verified.values()), tuple(unverified))
