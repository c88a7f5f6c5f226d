"""Standard Webhooks signatures, and the signing secrets sealed at rest.

A secret is ``whsec_`` and the base64 of 32 random bytes; a delivery carries
``webhook-id``, ``webhook-timestamp`` (Unix seconds) and ``webhook-signature``:
``v1,`` and the base64 HMAC-SHA256, keyed with the secret's bytes, of
``<id>.<timestamp>.<body>`` (https://www.standardwebhooks.com/). The server must keep
the secret to sign, so it cannot store a hash: with ``REGISTRY_WEBHOOK_SECRETS_KEY``
set (the base64 of 32 bytes) each secret is sealed with AES-256-GCM (``aesgcm:``),
bound to its endpoint's id; unset, it is stored as it is (``plain:``), which only a
local install should accept.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

SECRET_PREFIX = "whsec_"  # noqa: S105 (the format's prefix, not a secret)


def new_secret() -> str:
    """A fresh signing secret, as shown once to the endpoint's owner."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def secret_bytes(secret: str) -> bytes:
    """The HMAC key a ``whsec_`` secret stands for."""
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def signature(secret: str, *, message_id: str, timestamp: int, body: str) -> str:
    """The ``webhook-signature`` header value of one delivery."""
    signed = f"{message_id}.{timestamp}.{body}".encode()
    digest = hmac.new(secret_bytes(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def parse_sealing_key(value: str) -> bytes | None:
    """The sealing key from its setting (base64 of 32 bytes); None when unset."""
    value = value.strip()
    if not value:
        return None
    key = base64.b64decode(value, validate=True)
    if len(key) != 32:
        raise ValueError("the webhook secrets key must be the base64 of 32 bytes")
    return key


def seal(secret: str, *, key: bytes | None, endpoint_id: str) -> str:
    """The stored form of ``secret``."""
    if key is None:
        return "plain:" + secret
    nonce = os.urandom(12)
    sealed = AESGCM(key).encrypt(nonce, secret.encode(), endpoint_id.encode())
    return "aesgcm:" + base64.b64encode(nonce + sealed).decode("ascii")


def unseal(stored: str, *, key: bytes | None, endpoint_id: str) -> str:
    """The secret from its stored form (ValueError if the key cannot open it)."""
    method, _, value = stored.partition(":")
    if method == "plain":
        return value
    if method != "aesgcm" or key is None:
        raise ValueError("this secret is sealed: set REGISTRY_WEBHOOK_SECRETS_KEY")
    raw = base64.b64decode(value)
    try:
        return AESGCM(key).decrypt(raw[:12], raw[12:], endpoint_id.encode()).decode()
    except Exception as exc:  # InvalidTag: another key, or a row copied to another id
        raise ValueError("the webhook secrets key does not open this secret") from exc
