"""Manufacturers: one canonical name for the spellings of a maker's name.

`normalize_manufacturer` first reduces any input to a structural key:

1. the common folding (NFKD, accents dropped, casefold, Cyrillic/Greek
   look-alikes to Latin);
2. "&" reads "and"; dots and apostrophes are deleted so that "S.A.", "H.K."
   and "Colt's" stay one word; every other non-letter, non-digit character
   separates words; runs of separators collapse to one space;
3. legal-form words (LEGAL_FORMS: "corporation", "co", "ltd", "sa", "gmbh",
   "jsc", ...) are dropped at either end, never the last remaining word.

The key is looked up in `MANUFACTURER_ALIASES` (data, see
`manufacturer_aliases`). Unknown makers keep their structural key, so
"Société Générale d'Armes S.A." and "SOCIETE GENERALE D'ARMES SA"
still match.
The function is idempotent; records keep the name as declared.
"""

from typing import Final

from services.common.identifiers._text import (
    build_alias_index,
    fold_text,
    is_word_char,
)
from services.common.identifiers.manufacturer_aliases import MANUFACTURER_ALIASES

# fmt: off
LEGAL_FORMS: Final = frozenset(
    {
        # English
        "co", "company", "corp", "corporation", "inc", "incorporated",
        "limited", "llc", "ltd", "plc",
        # Continental Europe
        "ab", "ad", "ag", "as", "bv", "doo", "gmbh", "kft", "kg", "nv",
        "nyrt", "oy", "sa", "sarl", "sas", "spa", "sro", "srl", "zrt",
        # Russia and neighbours (Cyrillic "ООО", "АО" fold to these)
        "ao", "cjsc", "jsc", "jsco", "oao", "ojsc", "ooo", "pao", "pjsc", "zao",
    }
)
# fmt: on

_JOINERS: Final = str.maketrans({".": None, "'": None, "’": None, "ʼ": None})


def manufacturer_key(raw: str) -> str:
    """Return the structural key ("Heckler & Koch GmbH" -> "heckler and koch")."""
    text = fold_text(raw).replace("&", " and ").translate(_JOINERS)
    words = "".join(char if is_word_char(char) else " " for char in text).split()
    while len(words) > 1 and words[-1] in LEGAL_FORMS:
        words.pop()
    start = 0
    while len(words) - start > 1 and words[start] in LEGAL_FORMS:
        start += 1
    return " ".join(words[start:])


_BY_KEY: Final = build_alias_index(MANUFACTURER_ALIASES, manufacturer_key)


def normalize_manufacturer(raw: str) -> str:
    """Return the canonical manufacturer name, or the structural key if unknown.

    "" means nothing usable was declared; callers decide whether to reject.
    """
    key = manufacturer_key(raw)
    return _BY_KEY.get(key, key)


def is_known_manufacturer(raw: str) -> bool:
    """True if the manufacturer is in the alias table (not only structural)."""
    return manufacturer_key(raw) in _BY_KEY
