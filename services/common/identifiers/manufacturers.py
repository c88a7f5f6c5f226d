"""Manufacturers: one match key for the spellings of a maker's name.

`manufacturer_key` is the one rule both registers match makers on. It first
reduces any input to a structural form (`structural_manufacturer_key`):

1. the common folding (NFKD, accents dropped, casefold, look-alikes of any
   script to Latin, UTS #39);
2. "&" reads "and"; dots and apostrophes are deleted so that "S.A.", "H.K."
   and "Colt's" stay one word; every other non-letter, non-digit character
   separates words; runs of separators collapse to one space;
3. legal-form words (LEGAL_FORMS: "corporation", "co", "ltd", "sa", "gmbh",
   "jsc", ...) are dropped at either end, never the last remaining word.

The structural form is looked up in `MANUFACTURER_ALIASES` (data, see
`manufacturer_aliases`): a known maker's key is its canonical name, so
"Izhmash" and "Kalashnikov Concern" are one maker. Unknown makers keep their
structural form, so "Société Générale d'Armes S.A." and
"SOCIETE GENERALE D'ARMES SA" still match. The key is idempotent; records
keep the name as declared.

The structural form alone is not a match key (it leaves aliases apart); it is
public only for the alias index and for migrations of keys stored under it.
"""

from functools import lru_cache
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


def structural_manufacturer_key(raw: str) -> str:
    """The spelling reduced, aliases NOT resolved ("H&K GmbH" -> "h and k")."""
    text = fold_text(raw).replace("&", " and ").translate(_JOINERS)
    words = "".join(char if is_word_char(char) else " " for char in text).split()
    while len(words) > 1 and words[-1] in LEGAL_FORMS:
        words.pop()
    start = 0
    while len(words) - start > 1 and words[start] in LEGAL_FORMS:
        start += 1
    return " ".join(words[start:])


_BY_KEY: Final = build_alias_index(MANUFACTURER_ALIASES, structural_manufacturer_key)


# Memoized: a manifest or a batch of declarations repeats a few makers many times.
@lru_cache(maxsize=8192)
def manufacturer_key(raw: str) -> str:
    """The match key of a maker: its canonical name, or its structural form if unknown.

    "" means nothing usable was declared; callers decide whether to reject.
    """
    key = structural_manufacturer_key(raw)
    return _BY_KEY.get(key, key)


def is_known_manufacturer(raw: str) -> bool:
    """True if the manufacturer is in the alias table (not only structural)."""
    return structural_manufacturer_key(raw) in _BY_KEY
