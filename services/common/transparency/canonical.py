"""Canonical JSON (RFC 8785) and SHA-256 helpers for log entries and records.

A record or log entry is hashed as the SHA-256 of its canonical JSON bytes,
so anyone can recompute the hash from the JSON alone, whatever key order or
number spelling their serializer uses.
"""

import hashlib
from collections.abc import Mapping, Sequence
from typing import TypeAlias

import rfc8785

JsonValue: TypeAlias = (
    bool | int | float | str | Sequence["JsonValue"] | Mapping[str, "JsonValue"] | None
)
"""A JSON value as Python builds it (dicts, lists, scalars)."""


def canonical_json(value: JsonValue) -> bytes:
    """Return the RFC 8785 canonical UTF-8 bytes of `value`.

    Raises rfc8785.CanonicalizationError (a ValueError) for values without a
    canonical form: NaN or infinite floats, integers beyond +/-(2**53 - 1),
    non-string keys, other types.
    """
    return rfc8785.dumps(value)


def sha256(data: bytes) -> bytes:
    """Return the 32-byte SHA-256 digest of `data`."""
    return hashlib.sha256(data).digest()


def sha256_hex(data: bytes) -> str:
    """Return the SHA-256 digest of `data` as 64 lowercase hex digits."""
    return hashlib.sha256(data).hexdigest()


def canonical_sha256_hex(value: JsonValue) -> str:
    """Return the hex SHA-256 of the canonical JSON bytes of `value`."""
    return sha256_hex(canonical_json(value))
