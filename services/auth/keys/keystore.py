"""Private signing keys on disk: ES256 (P-256) PEM files readable by the owner only.

Generated keys are written to ``keys_dir/<kid>.pem`` with mode 0600 (the
folder 0700); a configured key file is used as is. The ``kid`` is the RFC 7638
thumbprint of the public key, so the same key always has the same id.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

KEY_FILE_MODE = 0o600


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def public_jwk(private_pem: bytes) -> dict[str, Any]:
    """The public JWK (with ``kid``, ``alg``, ``use``) of a P-256 private key in PEM."""
    key = serialization.load_pem_private_key(private_pem, password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        raise ValueError("the signing key must be an EC P-256 private key (ES256)")
    numbers = key.public_key().public_numbers()
    members = {
        "crv": "P-256",
        "kty": "EC",
        "x": _b64url(numbers.x.to_bytes(32, "big")),
        "y": _b64url(numbers.y.to_bytes(32, "big")),
    }
    canonical = json.dumps(members, separators=(",", ":"), sort_keys=True).encode()
    kid = _b64url(hashlib.sha256(canonical).digest())
    return {**members, "kid": kid, "alg": "ES256", "use": "sig"}


def generate_private_pem() -> bytes:
    """A new P-256 private key as unencrypted PKCS#8 PEM."""
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def key_path(keys_dir: Path, kid: str) -> Path:
    """Where the generated key ``kid`` is stored."""
    return keys_dir / f"{kid}.pem"


def write_private_pem(keys_dir: Path, kid: str, pem: bytes) -> Path:
    """Write a new key file, created with mode 0600 (never readable by others, even briefly)."""
    keys_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(keys_dir, 0o700)
    path = key_path(keys_dir, kid)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, KEY_FILE_MODE)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    return path


def read_private_pem(path: Path) -> bytes | None:
    """The PEM at ``path``, or None when the file is missing."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def remove_private_pem(keys_dir: Path, kid: str) -> bool:
    """Delete a retired key's file; True when there was one."""
    try:
        key_path(keys_dir, kid).unlink()
    except FileNotFoundError:
        return False
    return True
