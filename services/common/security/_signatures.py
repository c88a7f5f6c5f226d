"""ES256 signatures in their one canonical form: 64 bytes, low S.

An ECDSA signature (r, s) stays valid as (r, n - s). OpenSSL, and so python-jose,
accept both, so anyone holding a token can mint a second, different string that
verifies as the same token: a replay that string comparisons (the verified-token
cache, a deny-list of token strings, a log of seen tokens) do not recognise. The
auth service signs with S in the lower half of the group order; verifiers accept
only that form, in exactly 64 bytes (r and s of 32 bytes each, JWS's encoding).
"""

from __future__ import annotations

import base64
import binascii
from typing import Final

# Order of the P-256 group (SEC 2, secp256r1).
P256_ORDER: Final = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
_HALF_ORDER: Final = P256_ORDER // 2
_SIZE: Final = 32


def _decode(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def _encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def has_canonical_es256_signature(token: str) -> bool:
    """True when the compact JWS's signature is 64 bytes with 0 < r, s and s <= n/2."""
    segment = token.rsplit(".", 1)[-1]
    try:
        raw = _decode(segment)
    except (binascii.Error, ValueError):
        return False
    if len(raw) != 2 * _SIZE or _encode(raw) != segment:
        return False
    r = int.from_bytes(raw[:_SIZE], "big")
    s = int.from_bytes(raw[_SIZE:], "big")
    return 0 < r < P256_ORDER and 0 < s <= _HALF_ORDER


def canonical_es256(token: str) -> str:
    """``token`` with its signature's S in the lower half (the same signature, other form)."""
    head, _, segment = token.rpartition(".")
    raw = _decode(segment)
    s = int.from_bytes(raw[_SIZE:], "big")
    if s <= _HALF_ORDER:
        return token
    low = (P256_ORDER - s).to_bytes(_SIZE, "big")
    return f"{head}.{_encode(raw[:_SIZE] + low)}"
