"""Unicode folding shared by the identifier normalizers (private).

`fold_text` turns arbitrary text into a lower-case, accent-free string in
which every character Unicode lists as confusable with a Latin letter or digit
(UTS #39 confusables: Cyrillic, Greek, Lisu, Cherokee, small capitals, ...)
is replaced by that letter or digit, and decimal digits of any script are
ASCII digits. Characters with no Latin look-alike stay as they are.
Separators and punctuation are left in place: each normalizer decides what a
separator means for its kind of identifier.

Every step is a per-character mapping (NFKD only reorders combining marks,
which are dropped), so properties checked character by character, such as
idempotence, hold for whole strings.
"""

import unicodedata
from collections.abc import Callable
from typing import Final

from services.common.identifiers._confusables import LATIN_CONFUSABLES

# Lower-case forms, because folding runs after casefold(). They stand for the
# upper-case look-alikes seen on stamped metal (Cyrillic "Н" reads as Latin
# "H", even though lower-case "н" does not look like "h").
# fmt: off
_CYRILLIC_LOOKALIKES: Final = {
    "а": "a", "в": "b", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o",
    "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i",
    "ј": "j", "ԛ": "q", "ԝ": "w", "ү": "y", "һ": "h", "ӏ": "i", "ԁ": "d",
}
_GREEK_LOOKALIKES: Final = {
    "α": "a", "β": "b", "ε": "e", "ζ": "z", "η": "h", "ι": "i", "κ": "k",
    "μ": "m", "ν": "n", "ο": "o", "ρ": "p", "τ": "t", "υ": "y", "χ": "x",
    "ϲ": "c", "ϳ": "j",
}
# Latin letters that NFKD does not decompose but that people use for the
# plain letter (and "ø" for a slashed zero).
_LATIN_EXTRAS: Final = {
    "ø": "o", "đ": "d", "ł": "l", "ı": "i", "ȷ": "j", "æ": "ae", "œ": "oe",
}
# fmt: on


_CACHE_LIMIT: Final = 20_000


class _FoldTable(dict[int, str | None]):
    """str.translate table: explicit entries plus rules computed on a miss.

    Results are cached up to _CACHE_LIMIT entries, so text in any script is
    fast after the first sight of a character, yet hostile input covering
    all of Unicode cannot grow the table without bound.
    """

    def __missing__(self, codepoint: int) -> str | None:
        char = chr(codepoint)
        category = unicodedata.category(char)
        result: str | None = char
        if category.startswith("M"):  # spacing marks that read as letters are in the table
            result = None
        elif category == "Nd":
            result = str(unicodedata.decimal(char))
        if len(self) < _CACHE_LIMIT:
            self[codepoint] = result
        return result


def _build_table(*, confusables: bool = True) -> _FoldTable:
    table = _FoldTable({code: chr(code) for code in range(128)})
    if not confusables:  # the rule before UTS #39 (for migrations, see keys_before_uts39)
        for mapping in (_CYRILLIC_LOOKALIKES, _GREEK_LOOKALIKES, _LATIN_EXTRAS):
            table.update({ord(src): dst for src, dst in mapping.items()})
        return table
    # The hand-made tables come last and win the two disagreements: Greek "ν"
    # and "υ" stand for "Ν" and "Υ" (N, Y), where UTS #39 reads "v" and "u".
    # Decimal digits are left out of the confusables table: they keep their
    # value ("৪" is 4, not the 8 it resembles), see the generator's docstring.
    for mapping in (LATIN_CONFUSABLES, _CYRILLIC_LOOKALIKES, _GREEK_LOOKALIKES, _LATIN_EXTRAS):
        table.update({ord(src): dst for src, dst in mapping.items()})
    return table


_FOLD: Final = _build_table()


def use_fold_table(*, confusables: bool) -> None:
    """Switch the folding to or from the UTS #39 table, in place (for migrations)."""
    _FOLD.clear()
    _FOLD.update(_build_table(confusables=confusables))


_WORD_CATEGORIES: Final = frozenset({"Lu", "Ll", "Lt", "Lo", "Nd"})


def fold_text(raw: str) -> str:
    """Casefold, strip accents, fold look-alike letters and foreign digits."""
    # Marks are dropped before casefold because casefold turns some of them
    # into letters (U+0345 COMBINING YPOGEGRAMMENI becomes Greek iota).
    text = unicodedata.normalize("NFKD", raw).translate(_FOLD)
    # casefold can produce decomposable letters again, hence a second pass.
    return unicodedata.normalize("NFKD", text.casefold()).translate(_FOLD)


def is_word_char(char: str) -> bool:
    """True for letters (not modifier letters) and decimal digits."""
    # Modifier letters (Lm) such as U+02BC are apostrophes in practice, and
    # the remaining No/Nl characters (after NFKD) are symbols, not digits.
    return unicodedata.category(char) in _WORD_CATEGORIES


def build_alias_index(
    table: dict[str, tuple[str, ...]], key: Callable[[str], str]
) -> dict[str, str]:
    """Map key(alias) -> canonical name; each canonical name aliases itself.

    Raises ValueError when two canonical names claim the same key, so a bad
    edit of an alias table fails at import instead of merging identities.
    """
    index: dict[str, str] = {}
    for canonical, aliases in table.items():
        for alias in (canonical, *aliases):
            alias_key = key(alias)
            claimed = index.setdefault(alias_key, canonical)
            if not alias_key or claimed != canonical:
                raise ValueError(
                    f"alias {alias!r} of {canonical!r} has key {alias_key!r},"
                    f" already used by {claimed!r} (or empty)"
                )
    return index
