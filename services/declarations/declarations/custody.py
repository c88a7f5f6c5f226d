"""Item identity and the custody chain of destroyed materiel.

A destruction lists the items destroyed and references the declarations
that recorded them. Items are matched on normalized identity (the shared
identifier rules), never on the declared spelling:

- weapon: manufacturer key + serial key; unique, so destroyed at most once;
- part with a serial: description + serial key; unique likewise;
- ammunition: calibre key + lot; lots are counted, not unique;
- part without a serial: description; not unique.

An item no referenced declaration recorded is refused, unless the
destruction is flagged ``undeclared`` (kept and listable by secretariats).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from services.common.errors import FieldProblem
from services.common.identifiers import calibre_key as _calibre_key
from services.common.identifiers import manufacturer_key as _manufacturer_key
from services.common.identifiers import normalize_serial
from services.declarations.declarations.schemas import Ammunition, Item, Part, Weapon

# Pure functions of a spelling; a batch repeats a few makers and calibres many times.
manufacturer_key = lru_cache(maxsize=4096)(_manufacturer_key)
calibre_key = lru_cache(maxsize=4096)(_calibre_key)


@dataclass(frozen=True)
class ItemIdentity:
    """The normalized forms of one declared item."""

    kind: str
    match_key: str
    unique: bool
    serial_key: str | None = None
    manufacturer_key: str | None = None
    calibre_key: str | None = None


def _words(text: str) -> str:
    return " ".join(text.casefold().split())


def identify(item: Item) -> ItemIdentity:
    """The identity an item is matched on."""
    if isinstance(item, Weapon):
        serial = normalize_serial(item.serial_number)
        maker = manufacturer_key(item.manufacturer)
        return ItemIdentity(
            "weapon",
            f"weapon|{maker}|{serial}",
            bool(serial),
            serial,
            maker,
            calibre_key(item.calibre),
        )
    if isinstance(item, Ammunition):
        calibre = calibre_key(item.calibre)
        lot = normalize_serial(item.lot_number)
        return ItemIdentity("ammunition", f"ammunition|{calibre}|{lot}", False, calibre_key=calibre)
    assert isinstance(item, Part)
    serial = normalize_serial(item.serial_number) if item.serial_number else ""
    return ItemIdentity(
        "part", f"part|{_words(item.description)}|{serial}", bool(serial), serial or None
    )


def duplicate_problems(identities: Sequence[ItemIdentity]) -> list[FieldProblem]:
    """The same uniquely identified item listed twice in one declaration."""
    seen: dict[str, int] = {}
    problems = []
    for position, identity in enumerate(identities):
        if not identity.unique:
            continue
        if identity.match_key in seen:
            problems.append(
                FieldProblem(
                    loc=f"items[{position}]",
                    msg=f"the same item as items[{seen[identity.match_key]}]",
                )
            )
        else:
            seen[identity.match_key] = position
    return problems


def undeclared_positions(identities: Sequence[ItemIdentity], recorded_keys: set[str]) -> list[int]:
    """Positions of destroyed items that no referenced declaration recorded."""
    return [i for i, identity in enumerate(identities) if identity.match_key not in recorded_keys]
