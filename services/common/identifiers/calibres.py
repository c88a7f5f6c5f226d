"""Calibres: one match key for every way of writing a calibre.

"7.62x39", "7,62 × 39 mm", "7.62X39MM" and "7.62 x 39" are one calibre.
`calibre_key` is the one rule both registers match calibres on. It first
reduces any input to a structural form (`structural_calibre_key`):

1. the common folding (NFKD, accents dropped, casefold, look-alikes of any
   script to Latin, UTS #39, so Russian "7,62х39 мм" works too);
2. "×", "*" and similar signs become "x"; a comma between two digits is a
   decimal point;
3. everything but letters, digits and decimal points is dropped (spaces,
   dashes, brackets ...), as is a dot not followed by a digit;
4. "mm" right after a number is dropped ("7.62x39mm" -> "7.62x39").

The structural form is then looked up in `CALIBRE_ALIASES` (data, see
`calibre_aliases`). Unknown calibres keep their structural form, with "mm"
appended when it is purely metric ("5.7 x 28" -> "5.7x28mm"), so equal
inputs still match. The key is idempotent, and like every normalized
identifier it is for matching: records keep the calibre as declared.

The structural form alone is not a match key (it leaves aliases apart); it is
public only for the alias index and for migrations of keys stored under it.
"""

import re
from functools import lru_cache
from typing import Final

from services.common.identifiers._text import (
    build_alias_index,
    fold_text,
    is_word_char,
)
from services.common.identifiers.calibre_aliases import CALIBRE_ALIASES

# NFKD maps none of these to "x". Fold runs first, so upper-case "X" and
# Cyrillic "х" are already "x".
_TIMES_SIGNS: Final = str.maketrans({"×": "x", "*": "x", "✕": "x", "✖": "x", "⨯": "x", "∗": "x"})
_DECIMAL_COMMA: Final = re.compile(r"(?<=\d),(?=\d)")
_STRAY_DOT: Final = re.compile(r"\.(?!\d)")
# One or more "mm" so that "5mmmm" reduces in one pass (idempotence).
_MILLIMETRES: Final = re.compile(r"(?<=\d)(?:mm)+")
_METRIC: Final = re.compile(r"\d+(?:\.\d+)?(?:x\d+(?:\.\d+)?)*")


def structural_calibre_key(raw: str) -> str:
    """The spelling reduced, aliases NOT resolved ("7,62 × 39 mm" -> "7.62x39")."""
    text = _DECIMAL_COMMA.sub(".", fold_text(raw).translate(_TIMES_SIGNS))
    text = "".join(char for char in text if char == "." or is_word_char(char))
    return _MILLIMETRES.sub("", _STRAY_DOT.sub("", text))


_BY_KEY: Final = build_alias_index(CALIBRE_ALIASES, structural_calibre_key)


# Memoized: a manifest or a batch of declarations repeats a few calibres many times.
@lru_cache(maxsize=8192)
def calibre_key(raw: str) -> str:
    """The match key of a calibre: its canonical name, or a structural form if unknown.

    "" means nothing usable was declared; callers decide whether to reject.
    """
    key = structural_calibre_key(raw)
    canonical = _BY_KEY.get(key)
    if canonical is not None:
        return canonical
    if _METRIC.fullmatch(key):
        return key + "mm"
    return key


def is_known_calibre(raw: str) -> bool:
    """True if the calibre is in the alias table (not only structural)."""
    return structural_calibre_key(raw) in _BY_KEY
