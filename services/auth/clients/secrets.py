"""Client secrets: random, shown once, kept as argon2id hashes."""

from __future__ import annotations

import secrets
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from services.auth.settings import AuthSettings


def password_hasher(settings: AuthSettings) -> PasswordHasher:
    """The argon2id hasher with the configured cost."""
    return _hasher(
        settings.argon2_time_cost, settings.argon2_memory_cost_kib, settings.argon2_parallelism
    )


@lru_cache(maxsize=8)
def _hasher(time_cost: int, memory_cost: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)


@lru_cache(maxsize=8)
def _dummy_hash(hasher: PasswordHasher) -> str:
    return hasher.hash(secrets.token_urlsafe(32))


def new_client_secret() -> str:
    """A new secret: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def new_client_id(organisation: str) -> str:
    """A new client id: the organisation's code and 64 random bits (no ':' so Basic works)."""
    return f"{organisation.lower()}-{secrets.token_hex(8)}"


def hash_secret(settings: AuthSettings, secret: str) -> str:
    """The argon2id hash to store."""
    return password_hasher(settings).hash(secret)


def verify_secret(settings: AuthSettings, stored_hash: str | None, secret: str) -> bool:
    """Check ``secret``; with no stored hash, spend the same time and answer False."""
    hasher = password_hasher(settings)
    try:
        return bool(hasher.verify(stored_hash or _dummy_hash(hasher), secret)) and bool(stored_hash)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(settings: AuthSettings, stored_hash: str) -> bool:
    """True when the hash was made with other parameters than the configured ones."""
    try:
        return bool(password_hasher(settings).check_needs_rehash(stored_hash))
    except InvalidHashError:
        return True
