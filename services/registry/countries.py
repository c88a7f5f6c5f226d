"""ISO 3166-1 alpha-3 country codes as a validated pydantic type."""

from __future__ import annotations

from typing import Annotated, Final

import pycountry
from pydantic import AfterValidator, StringConstraints

ALPHA3: Final[frozenset[str]] = frozenset(c.alpha_3 for c in pycountry.countries)


def _known_alpha3(code: str) -> str:
    if code not in ALPHA3:
        raise ValueError(f"{code!r} is not an ISO 3166-1 alpha-3 country code")
    return code


CountryCode = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_upper=True, min_length=3, max_length=3),
    AfterValidator(_known_alpha3),
]
"""An ISO 3166-1 alpha-3 code such as ``SEN`` (upper-cased on input)."""
