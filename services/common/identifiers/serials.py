"""Serial numbers: the normalized match key and the fuzzy key.

The normalized key is a MATCH KEY, not a display form
-----------------------------------------------------
Serials are read off worn metal and typed on whatever keyboard is at hand, so
one stamping arrives as "56 OOOO123", "56-0000123" or "56–ООOО123" (Cyrillic
О). `normalize_serial` maps all of these to one key, "560000123":

1. NFKD, combining marks dropped (accents), casefold;
2. every character Unicode lists as confusable with a Latin letter or digit
   (UTS #39 confusables: Cyrillic А В Е К М Н О Р С Т Х У ..., Greek Α Β Ε Ζ
   Η Ι Κ Μ Ν Ο Ρ Τ Υ Χ ..., Lisu ꓗ ꓚ, Cherokee Ꮶ Ꮯ, small capitals ᴄ ᴏ ...)
   becomes that letter or digit, and the small form of such a capital too
   ("з" as "З", 3); decimal digits of any script become ASCII digits by
   value ("৪" is 4, though it looks like 8);
3. everything that is not a letter or a digit is dropped: spaces, every kind
   of dash, slashes, dots, underscores, "№", other punctuation and symbols;
4. upper case, then the letter O becomes the digit 0 and the letters I and L
   become the digit 1 (after upper-casing, so "l" too).

Two genuinely different serials such as "AO1" and "A01" therefore share a
key ON PURPOSE: a reader cannot tell them apart on a worn stamping. The
register keeps the serial exactly as declared; the key only decides which
records are compared. An empty key means nothing usable was declared, and
callers must reject it. The function is idempotent.

The fuzzy key
-------------
S/5, B/8, Z/2 and G/6 are confused too, but folding them into the match key
would merge far too many real serials. `serial_fuzzy_key` folds them (S->5,
B->8, Z->2, G->6) on top of the match key; it only feeds the "possible" match
class in `serial_matching`, which a human then reviews.
"""

import unicodedata
from typing import Final

from services.common.identifiers._text import fold_text, is_word_char

# After NFKD "№" would become the letters "No" and then the key "N0"; it is a
# label ("number"), not part of the serial.
_LABELS: Final = str.maketrans({"№": " "})
_DIGIT_LOOKALIKES: Final = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SECONDARY_LOOKALIKES: Final = str.maketrans({"S": "5", "B": "8", "Z": "2", "G": "6"})

WILDCARD_ANY: Final = "*"
"""In a query, stands for any run (possibly empty) of obliterated characters."""
WILDCARD_ONE: Final = "?"
"""In a query, stands for exactly one obliterated character."""
_WILDCARDS: Final = frozenset({WILDCARD_ANY, WILDCARD_ONE})


def normalize_serial(raw: str) -> str:
    """Return the match key of a serial as declared ("" if nothing usable).

    See the module docstring: the key is for comparison only and must never
    replace the declared serial in a record.
    """
    folded = fold_text(raw.translate(_LABELS))
    kept = "".join(char for char in folded if is_word_char(char))
    return kept.upper().translate(_DIGIT_LOOKALIKES)


def fold_secondary_lookalikes(key: str) -> str:
    """Fold S/5, B/8, Z/2, G/6 in an already normalized key."""
    return key.translate(_SECONDARY_LOOKALIKES)


def serial_fuzzy_key(raw: str) -> str:
    """Return the fuzzy key: the match key with S/5, B/8, Z/2, G/6 folded."""
    return fold_secondary_lookalikes(normalize_serial(raw))


def has_serial_wildcards(raw: str) -> bool:
    """True if a query uses `*` or `?` for obliterated characters."""
    # NFKC so that full-width "＊" and "？" typed on East Asian keyboards count.
    return any(char in _WILDCARDS for char in unicodedata.normalize("NFKC", raw))


def normalize_serial_pattern(raw: str) -> str:
    """Normalize a wildcard query: literal parts as keys, wildcards kept.

    Runs of `*` collapse to one. A wildcard stands for characters of the
    normalized key, so a `?` typed in place of a dash matches nothing.
    Normalizing part by part gives the same literals as normalizing the
    whole query, because `normalize_serial` works character by character.
    """
    pieces: list[str] = []
    literal: list[str] = []
    for char in unicodedata.normalize("NFKC", raw):
        if char not in _WILDCARDS:
            literal.append(char)
            continue
        pieces.append(normalize_serial("".join(literal)))
        literal.clear()
        if not pieces[-1]:
            pieces.pop()  # keeps "* - *" a single run of `*`
        if not (char == WILDCARD_ANY and pieces and pieces[-1] == WILDCARD_ANY):
            pieces.append(char)
    pieces.append(normalize_serial("".join(literal)))
    return "".join(pieces)


def wildcard_matches(pattern: str, key: str) -> bool:
    """Match a normalized wildcard pattern against a whole normalized key.

    Greedy two-pointer glob matching: O(len(pattern) * len(key)) in the worst
    case, linear for the usual single `*`; callers cap the lengths.
    """
    p_idx = k_idx = 0
    star_idx, star_key_idx = -1, 0
    while k_idx < len(key):
        if p_idx < len(pattern) and pattern[p_idx] in (WILDCARD_ONE, key[k_idx]):
            p_idx += 1
            k_idx += 1
        elif p_idx < len(pattern) and pattern[p_idx] == WILDCARD_ANY:
            star_idx, star_key_idx = p_idx, k_idx
            p_idx += 1
        elif star_idx >= 0:
            # Let the last `*` swallow one more character and retry.
            star_key_idx += 1
            p_idx, k_idx = star_idx + 1, star_key_idx
        else:
            return False
    return all(char == WILDCARD_ANY for char in pattern[p_idx:])


def within_one_edit(left: str, right: str) -> bool:
    """True if equal or one substitution, insertion/deletion or adjacent
    transposition apart (optimal string alignment distance <= 1). Linear."""
    if left == right:
        return True
    if len(left) > len(right):
        left, right = right, left
    if len(right) - len(left) > 1:
        return False
    idx = 0
    while idx < len(left) and left[idx] == right[idx]:
        idx += 1
    if len(left) < len(right):
        return left[idx:] == right[idx + 1 :]
    if left[idx + 1 :] == right[idx + 1 :]:
        return True
    return (
        idx + 1 < len(left)
        and left[idx] == right[idx + 1]
        and left[idx + 1] == right[idx]
        and left[idx + 2 :] == right[idx + 2 :]
    )
