"""Fast access to the shared identifier normalizers for bulk paths.

Manifests carry up to 100,000 items with few distinct calibres and makers, so
those normalizations are memoized; serials are all distinct, so ASCII serials
(nearly all of them) take a one-pass ``str.translate`` equal to
``normalize_serial`` on ASCII input (a property test holds the two equal);
anything else goes through ``normalize_serial`` itself.
"""

from __future__ import annotations

import string
from functools import lru_cache
from typing import Final

from services.common.identifiers import (
    normalize_calibre,
    normalize_manufacturer,
    normalize_serial,
)


def _ascii_serial_table() -> dict[int, int | None]:
    table: dict[int, int | None] = dict.fromkeys(range(128))
    for char in string.digits + string.ascii_uppercase:
        table[ord(char)] = ord(char)
    for char in string.ascii_lowercase:
        table[ord(char)] = ord(char.upper())
    for letter, digit in (("O", "0"), ("I", "1"), ("L", "1")):
        table[ord(letter)] = table[ord(letter.lower())] = ord(digit)
    return table


_ASCII_SERIAL: Final = _ascii_serial_table()


def serial_key(raw: str) -> str:
    """The match key of a serial or lot number (see ``normalize_serial``)."""
    if raw.isascii():
        return raw.translate(_ASCII_SERIAL)
    return normalize_serial(raw)


@lru_cache(maxsize=8192)
def calibre_key(raw: str) -> str:
    """The canonical calibre (memoized ``normalize_calibre``)."""
    return normalize_calibre(raw)


@lru_cache(maxsize=8192)
def manufacturer_key(raw: str) -> str:
    """The canonical manufacturer (memoized ``normalize_manufacturer``)."""
    return normalize_manufacturer(raw)
