"""Item identity and the custody chain of destroyed materiel.

A destruction lists the items destroyed and references the declarations
that recorded them. Items are matched on normalized identity, never on the
declared spelling: the match keys of ``services.common.identifiers``, the same
the registry traces on (so "Izhmash" and "Kalashnikov Concern" are one maker):

- weapon: manufacturer key + serial key; unique, so destroyed at most once;
- part with a serial: description + serial key; unique likewise;
- ammunition: calibre key + lot; without a lot, calibre key + headstamp (or the calibre
  alone); counted, not unique;
- part without a serial: description; not unique;
- weapon whose serial is ``partial``: manufacturer key + the legible part; not unique
  (two weapons may share what is left legible); ``obliterated`` or ``none``: the
  manufacturer, category and calibre keys and the status; not unique;
- ordnance: type + calibre key + lot; explosive: type + unit; counted, not unique.

A part's description enters its key as its words, or as their SHA-256 when longer
than ``DESCRIPTION_WORDS_IN_KEY`` (a 4,000-character description would not fit the
indexed key). A key longer than its indexed column (Unicode compatibility forms can
spell one character out in many) is refused with a 422 naming the item.

An item no referenced declaration recorded is refused, unless the
destruction is flagged ``undeclared`` (kept and listable by secretariats).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from services.common.errors import FieldProblem
from services.common.identifiers import calibre_key, manufacturer_key, normalize_serial
from services.common.tables import column_length
from services.declarations.declarations.schemas import (
    WEAPON_KINDS,
    Ammunition,
    AnyWeapon,
    Explosive,
    Item,
    Ordnance,
    Part,
)
from services.declarations.models import items as item_index

DESCRIPTION_WORDS_IN_KEY = 200


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
    words = " ".join(text.casefold().split())
    if len(words) <= DESCRIPTION_WORDS_IN_KEY:
        return words
    return "sha256:" + hashlib.sha256(words.encode()).hexdigest()


def identify(item: Item) -> ItemIdentity:
    """The identity an item is matched on."""
    if isinstance(item, WEAPON_KINDS):
        return _weapon_identity(item)
    if isinstance(item, Ammunition):
        calibre = calibre_key(item.calibre)
        if item.lot_number is not None:  # as before lots became optional: keys unchanged
            lot = normalize_serial(item.lot_number)
        elif item.headstamp is not None:
            lot = "headstamp:" + normalize_serial(item.headstamp)
        else:
            lot = ""
        return ItemIdentity("ammunition", f"ammunition|{calibre}|{lot}", False, calibre_key=calibre)
    if isinstance(item, Ordnance):
        calibre = calibre_key(item.calibre) if item.calibre else ""
        lot = normalize_serial(item.lot_number) if item.lot_number else ""
        return ItemIdentity(
            "ordnance",
            f"ordnance|{item.ordnance_type}|{calibre}|{lot}",
            False,
            calibre_key=calibre or None,
        )
    if isinstance(item, Explosive):
        unit = item.quantity_unit or "units"
        return ItemIdentity("explosive", f"explosive|{item.explosive_type}|{unit}", False)
    assert isinstance(item, Part)
    serial = normalize_serial(item.serial_number) if item.serial_number else ""
    return ItemIdentity(
        "part", f"part|{_words(item.description)}|{serial}", bool(serial), serial or None
    )


def _weapon_identity(item: AnyWeapon) -> ItemIdentity:
    maker_key = manufacturer_key(item.manufacturer) if item.manufacturer is not None else None
    maker = maker_key or ""
    calibre = calibre_key(item.calibre)
    status = item.serial_status or "present"
    if status == "present":
        # As before the statuses existed: old records keep their keys.
        serial = normalize_serial(getattr(item, "serial_number", None) or "")
        return ItemIdentity(
            "weapon", f"weapon|{maker}|{serial}", bool(serial), serial, maker_key, calibre
        )
    if status == "partial":
        legible = normalize_serial(getattr(item, "serial_number", None) or "")
        match_key = f"weapon|{maker}|partial:{legible}"
    else:
        match_key = f"weapon|{maker}|{status}|{item.category}|{calibre}"
    # No serial key: neither a fragment nor a missing serial identifies one weapon.
    return ItemIdentity("weapon", match_key, False, None, maker_key, calibre)


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


def _room(column: str) -> int:
    return column_length(item_index, column)


# (identity attribute, where a problem with it is located within the item)
_KEYED_FIELDS = (
    ("serial_key", "serial_number"),
    ("manufacturer_key", "manufacturer"),
    ("calibre_key", "calibre"),
    ("match_key", None),
)


def key_length_problems(identities: Sequence[ItemIdentity]) -> list[FieldProblem]:
    """Items whose normalized keys would not fit the item index, each located."""
    problems = []
    for position, identity in enumerate(identities):
        for attribute, field in _KEYED_FIELDS:
            key = getattr(identity, attribute)
            if key is not None and len(key) > _room(attribute):
                where = f"items[{position}]" + (f".{field}" if field else "")
                problems.append(
                    FieldProblem(
                        loc=where,
                        msg=f"too long once normalized ({len(key)} characters; at most"
                        f" {_room(attribute)}): Unicode compatibility forms spell some"
                        " characters out; send the identifier as written on the item",
                    )
                )
                break
    return problems


def undeclared_positions(identities: Sequence[ItemIdentity], recorded_keys: set[str]) -> list[int]:
    """Positions of destroyed items that no referenced declaration recorded."""
    return [i for i, identity in enumerate(identities) if identity.match_key not in recorded_keys]
