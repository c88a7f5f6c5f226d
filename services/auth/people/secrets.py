"""Random one-time values of the people domain (enrolment links, recovery codes) and ids.

They carry 256 bits (links) or 80 bits (recovery codes) of randomness, so a
SHA-256 of each is enough to keep: nothing short enough to guess is stored.
"""

from __future__ import annotations

import base64
import hashlib
import secrets


def new_person_id() -> str:
    """``psn_`` and 128 random bits (client ids contain ``-``, person ids never do)."""
    return "psn_" + secrets.token_hex(16)


def new_link_token() -> str:
    """A URL-safe token of 256 random bits."""
    return secrets.token_urlsafe(32)


def digest(value: str) -> str:
    """The SHA-256 (hex) kept in place of a random token or code."""
    return hashlib.sha256(value.encode()).hexdigest()


def new_recovery_code() -> str:
    """``xxxx-xxxx-xxxx-xxxx``: 80 random bits in base32 (no 0/1/8/9 to misread)."""
    raw = base64.b32encode(secrets.token_bytes(10)).decode().lower()
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def normalise_recovery_code(code: str) -> str:
    """A typed recovery code as stored: lower case, dashes and spaces ignored."""
    compact = "".join(c for c in code.lower() if c.isalnum())
    return "-".join(compact[i : i + 4] for i in range(0, len(compact), 4))
