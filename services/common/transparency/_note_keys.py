"""Ed25519 keys of C2SP signed notes and their string forms."""

import base64
import binascii
import hashlib
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

ED25519_TYPE = 0x01
"""Signature type byte of Ed25519 in the signed-note specification."""

_ED25519_KEY_SIZE = 32
_ED25519_SIGNATURE_SIZE = 64
_PRIVATE_KEY_PREFIX = "PRIVATE+KEY+"


class NoteError(ValueError):
    """Base class of every signed-note error."""


class KeyFormatError(NoteError):
    """A key name, verifier key string or signer key string is invalid."""


def is_valid_key_name(name: str) -> bool:
    """Return whether `name` may name a key: non-empty UTF-8, no spaces, no '+'."""
    try:
        name.encode()
    except UnicodeEncodeError:
        return False
    return bool(name) and "+" not in name and not any(ch.isspace() for ch in name)


def key_id(name: str, public_key: bytes) -> int:
    """Return the key ID: SHA-256(name || 0x0A || 0x01 || public key)[:4]."""
    digest = hashlib.sha256(name.encode() + b"\n" + bytes([ED25519_TYPE]) + public_key).digest()
    return int.from_bytes(digest[:4], "big")


def _require_name(name: str) -> None:
    if not is_valid_key_name(name):
        raise KeyFormatError(f"invalid key name {name!r}")


@dataclass(frozen=True)
class Verifier:
    """An Ed25519 public key under its name: checks signatures."""

    name: str
    public_key: bytes

    def __post_init__(self) -> None:
        _require_name(self.name)
        if len(self.public_key) != _ED25519_KEY_SIZE:
            raise KeyFormatError("an Ed25519 public key is 32 bytes")

    @property
    def key_id(self) -> int:
        """The 32-bit key ID, derived from name and key."""
        return key_id(self.name, self.public_key)

    def verify(self, message: bytes, signature: bytes) -> bool:
        """Return whether `signature` is this key's signature of `message`."""
        if len(signature) != _ED25519_SIGNATURE_SIZE:
            return False
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except (InvalidSignature, ValueError):
            return False
        return True


@dataclass(frozen=True)
class Signer:
    """An Ed25519 private key (its 32-byte seed) under its name."""

    name: str
    seed: bytes = field(repr=False)

    def __post_init__(self) -> None:
        _require_name(self.name)
        if len(self.seed) != _ED25519_KEY_SIZE:
            raise KeyFormatError("an Ed25519 seed is 32 bytes")

    @property
    def verifier(self) -> Verifier:
        """The matching public key, to publish."""
        private = Ed25519PrivateKey.from_private_bytes(self.seed)
        return Verifier(self.name, private.public_key().public_bytes_raw())

    @property
    def key_id(self) -> int:
        """The 32-bit key ID of the matching public key."""
        return self.verifier.key_id

    def sign(self, message: bytes) -> bytes:
        """Return the 64-byte Ed25519 signature of `message`."""
        return Ed25519PrivateKey.from_private_bytes(self.seed).sign(message)


def generate_signer(name: str) -> Signer:
    """Return a new random Ed25519 signer named `name`."""
    _require_name(name)
    return Signer(name, Ed25519PrivateKey.generate().private_bytes_raw())


def format_verifier_key(verifier: Verifier) -> str:
    """Return `<name>+<hex key ID>+<base64(0x01 || public key)>`."""
    encoded = base64.b64encode(bytes([ED25519_TYPE]) + verifier.public_key).decode()
    return f"{verifier.name}+{verifier.key_id:08x}+{encoded}"


def format_signer_key(signer: Signer) -> str:
    """Return `PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 || seed)>` (secret)."""
    encoded = base64.b64encode(bytes([ED25519_TYPE]) + signer.seed).decode()
    return f"{_PRIVATE_KEY_PREFIX}{signer.name}+{signer.key_id:08x}+{encoded}"


def _parse_key(text: str, what: str) -> tuple[str, int, bytes]:
    """Split `<name>+<hex id>+<base64(0x01 || key)>` into its parts."""
    # The base64 part may itself contain '+', so split at most twice.
    parts = text.split("+", 2)
    if len(parts) != 3:
        raise KeyFormatError(f"{what} is not <name>+<key id>+<key>")
    name, hex_id, encoded = parts
    _require_name(name)
    if len(hex_id) != 8 or any(ch not in "0123456789abcdefABCDEF" for ch in hex_id):
        raise KeyFormatError(f"{what} key ID is not 8 hex digits")
    try:
        raw = base64.b64decode(encoded, validate=True)
    except binascii.Error as error:
        raise KeyFormatError(f"{what} key is not base64") from error
    if len(raw) != 1 + _ED25519_KEY_SIZE or raw[0] != ED25519_TYPE:
        raise KeyFormatError(f"{what} is not an Ed25519 key")
    return name, int(hex_id, 16), raw[1:]


def parse_verifier_key(text: str) -> Verifier:
    """Parse a verifier key string; KeyFormatError if malformed or if the key
    ID does not match the name and key.
    """
    name, claimed_id, public_key = _parse_key(text, "verifier key")
    verifier = Verifier(name, public_key)
    if verifier.key_id != claimed_id:
        raise KeyFormatError("verifier key ID does not match its name and key")
    return verifier


def parse_signer_key(text: str) -> Signer:
    """Parse a signer key string; KeyFormatError if malformed or if the key
    ID does not match the derived public key.
    """
    if not text.startswith(_PRIVATE_KEY_PREFIX):
        raise KeyFormatError("signer key does not start with PRIVATE+KEY+")
    name, claimed_id, seed = _parse_key(text.removeprefix(_PRIVATE_KEY_PREFIX), "signer key")
    signer = Signer(name, seed)
    if signer.key_id != claimed_id:
        raise KeyFormatError("signer key ID does not match its name and key")
    return signer
