"""Identifier normalization and matching: serials, calibres, manufacturers.

Field identifiers are messy (DOMAIN.md, "Identifiers are messy in the
field"). Records store what was declared exactly; these pure functions give
the normalized forms used to compare them. None of them touches a database.

Both registers match on these and nothing else: `manufacturer_key`,
`calibre_key` and `model_key` (aliases resolved where a table exists) and
`normalize_serial`. Keys stored in a database are these functions' results,
so a change of rule or of an alias table needs a migration that rekeys them.
"""

from services.common.identifiers.calibres import (
    calibre_key,
    is_known_calibre,
)
from services.common.identifiers.manufacturers import (
    is_known_manufacturer,
    manufacturer_key,
)
from services.common.identifiers.serial_matching import (
    MAX_FUZZY_LENGTH,
    MIN_FUZZY_LENGTH,
    MIN_WILDCARD_LITERALS,
    MatchQuality,
    SerialQuery,
    serial_index_keys,
    serial_like_pattern,
    serial_match_quality,
    serial_probe_keys,
    serial_search_keys,
)
from services.common.identifiers.serials import (
    WILDCARD_ANY,
    WILDCARD_ONE,
    has_serial_wildcards,
    normalize_serial,
    normalize_serial_pattern,
    serial_fuzzy_key,
)
from services.common.identifiers.weapon_models import model_key

__all__ = [
    "MAX_FUZZY_LENGTH",
    "MIN_FUZZY_LENGTH",
    "MIN_WILDCARD_LITERALS",
    "WILDCARD_ANY",
    "WILDCARD_ONE",
    "MatchQuality",
    "SerialQuery",
    "calibre_key",
    "has_serial_wildcards",
    "is_known_calibre",
    "is_known_manufacturer",
    "manufacturer_key",
    "model_key",
    "normalize_serial",
    "normalize_serial_pattern",
    "serial_fuzzy_key",
    "serial_index_keys",
    "serial_like_pattern",
    "serial_match_quality",
    "serial_probe_keys",
    "serial_search_keys",
]
