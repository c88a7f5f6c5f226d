"""ISO 3166-1 alpha-3 country codes: one type and one check for every service.

Input is trimmed and upper-cased before the check (``sen`` is stored and
answered as ``SEN``): the codes are upper case by definition, so a lower-case
spelling is unambiguous, and every record then carries one spelling, which
tenancy (a token's ``country``) and the transparency log compare byte for byte.
"""

from __future__ import annotations

from typing import Annotated, Final

import pycountry
from pydantic import AfterValidator, StringConstraints

ALPHA3: Final[frozenset[str]] = frozenset(c.alpha_3 for c in pycountry.countries)
"""Every assigned ISO 3166-1 alpha-3 code, upper case."""


def is_alpha3(code: str) -> bool:
    """True when ``code`` is an assigned ISO 3166-1 alpha-3 code, as written (upper case)."""
    return code in ALPHA3


def _known_alpha3(code: str) -> str:
    if code not in ALPHA3:
        raise ValueError(f"{code!r} is not an ISO 3166-1 alpha-3 country code")
    return code


CountryCode = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_upper=True, min_length=3, max_length=3),
    AfterValidator(_known_alpha3),
]
"""An ISO 3166-1 alpha-3 code such as ``SEN`` (trimmed and upper-cased on input)."""
