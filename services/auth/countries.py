"""ISO 3166-1 alpha-3 country codes, checked with pycountry."""

from __future__ import annotations

import pycountry


def is_alpha3(code: str) -> bool:
    """True when ``code`` is an assigned ISO 3166-1 alpha-3 code (upper case)."""
    if len(code) != 3 or not code.isascii() or not code.isupper():
        return False
    try:
        return pycountry.countries.get(alpha_3=code) is not None
    except (KeyError, LookupError):
        return False
