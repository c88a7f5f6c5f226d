"""Password rules and hashing for people.

Rules (NIST SP 800-63B section 3.1.1.2): at least 12 characters (at most 1,024, so
hashing is bounded), not one of the 19,640 most common passwords, and not
containing the person's email or name. The common list is Django's
(``data/common-passwords.txt.gz``, BSD 3-clause; see
``data/COMMON-PASSWORDS-LICENSE.txt``). Hashing is argon2id with the same
parameters as client secrets.
"""

from __future__ import annotations

import gzip
from functools import lru_cache
from pathlib import Path

from services.auth.clients import secrets
from services.auth.settings import AuthSettings

MIN_LENGTH = 12
MAX_LENGTH = 1024
COMMON_LIST = Path(__file__).parent / "data" / "common-passwords.txt.gz"


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The bundled list, lower case."""
    with gzip.open(COMMON_LIST, "rt", encoding="utf-8") as handle:
        return frozenset(line.strip().lower() for line in handle if line.strip())


def _compact(text: str) -> str:
    return "".join(c for c in text.casefold() if c.isalnum())


def problems(password: str, *, email: str, name: str) -> list[str]:
    """What is wrong with ``password`` (message ids, English); empty when it is acceptable."""
    found: list[str] = []
    if len(password) < MIN_LENGTH:
        found.append("Your password must be at least 12 characters long")
    elif len(password) > MAX_LENGTH:
        found.append("Your password must be at most 1,024 characters long")
    if password.strip().lower() in common_passwords():
        found.append("This password is among the most commonly used: choose another")
    folded = _compact(password)
    local = email.split("@", 1)[0]
    identities = [email, local, name, *name.split()]
    if any(len(_compact(part)) >= 3 and _compact(part) in folded for part in identities):
        found.append("Your password must not contain your email or your name")
    return found


def hash_password(settings: AuthSettings, password: str) -> str:
    """The argon2id hash to store."""
    return secrets.hash_secret(settings, password)


def verify_password(settings: AuthSettings, stored_hash: str | None, password: str) -> bool:
    """Check a password; with no stored hash (unknown email) spend the same time, False."""
    return secrets.verify_secret(settings, stored_hash, password[:MAX_LENGTH])
