"""A fast serial key for the registry's bulk paths.

Manifests carry up to 100,000 items, all with distinct serials, so ASCII
serials (nearly all of them) take a one-pass ``str.translate`` equal to
``normalize_serial`` on ASCII input (a property test holds the two equal);
anything else goes through ``normalize_serial`` itself. Makers, calibres and
models have one match key each in ``services.common.identifiers`` (memoized
there), which both registers use.
"""

from __future__ import annotations

import string
from typing import Final

from services.common.identifiers import normalize_serial


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
