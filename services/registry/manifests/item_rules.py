"""Per-kind rules on manifest items, and the rows the bulk insert writes.

One pass over the items checks what pydantic cannot (which fields each kind
needs, country codes, usable serials, the same weapon twice in one manifest),
computes the normalized match keys, and builds insert rows as plain tuples in
``ITEM_COLUMNS`` order, so 100,000 items cost one loop and no ORM objects.

Problems found earlier (pydantic's, per item) are listed with the item's own, once per
location. Every item the database could hold gets a row even when the manifest is
refused: the balance rules run on those rows in the same pass, so one refusal lists
every problem (the rows are rolled back with the refusal).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

from services.common.countries import ALPHA3
from services.common.identifiers import calibre_key, manufacturer_key
from services.common.tables import column_length
from services.registry.identifier_keys import serial_key
from services.registry.manifests.schemas import ManifestHeader, ManifestItemIn
from services.registry.models import ManifestItem


def _key_room(column: str) -> int:
    return column_length(ManifestItem.__table__, column)  # type: ignore[attr-defined]


# What each key column holds. ASCII never normalizes longer than it was written, but
# Unicode compatibility forms can spell one character out in many: such a key is
# refused by name, never cut short (it would match wrongly) nor left to the database
# (PostgreSQL refuses the row without naming it; SQLite keeps it).
KEY_ROOM: Final = {
    "serial_number": _key_room("serial_key"),
    "manufacturer": _key_room("manufacturer_key"),
    "calibre": _key_room("calibre_key"),
    "lot_number": _key_room("lot_key"),
}

ITEM_COLUMNS: Final = (
    "manifest_id",
    "line",
    "kind",
    "mission_code",
    "contributing_country",
    "direction",
    "crossing_date",
    "unit",
    "is_correction",
    "category",
    "manufacturer",
    "model",
    "calibre",
    "serial_number",
    "year_of_manufacture",
    "country_of_manufacture",
    "markings",
    "lot_number",
    "ammunition_type",
    "quantity",
    "description",
    "serial_key",
    "manufacturer_key",
    "calibre_key",
    "lot_key",
)
REQUIRED: Final[dict[str, tuple[str, ...]]] = {
    "weapon": ("category", "manufacturer", "model", "calibre", "serial_number"),
    "ammunition": ("calibre", "lot_number", "quantity"),
    "part": ("description", "quantity"),
}
# Locations are "items[17].serial_number" for JSON; imports map them to row and column.
ItemLocator = Callable[[int, str], str]
Problem = dict[str, str]
"""``{"loc": ..., "msg": ...}`` (and pydantic's ``type`` when it found the problem)."""


def json_location(index: int, field_name: str) -> str:
    """``items[17].serial_number`` (``items[17]`` for the whole item)."""
    return f"items[{index}].{field_name}" if field_name else f"items[{index}]"


@dataclass
class PreparedItems:
    """Insert rows and the problems found, in item order."""

    rows: list[tuple[Any, ...]] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)


def prepare_items(
    *,
    manifest_id: str,
    header: ManifestHeader | None,
    items: Sequence[ManifestItemIn | None],
    locate: ItemLocator = json_location,
    earlier: Mapping[int, Sequence[Problem]] | None = None,
) -> PreparedItems:
    """Check every item and build its insert row; collect every problem, not the first.

    ``items[i]`` is None for an item that could not be read at all (its problems are in
    ``earlier[i]``). Rows are built only with a ``header`` (it supplies the mission,
    country, direction and date every row repeats), for the items the database can
    hold: the fields their kind needs present, serial and lot usable, not a repeat.
    """
    out = PreparedItems()
    errors = out.errors
    rows = out.rows
    earlier = earlier or {}
    seen_weapons: dict[tuple[str, str], int] = {}
    manifest_correction = header.correction if header is not None else False
    # Rows repeat the header's values; without a header no row is built.
    mission = header.mission if header is not None else None
    country = header.contributing_country if header is not None else None
    direction = header.direction if header is not None else None
    crossing: date | None = header.crossing_date if header is not None else None
    unit = header.unit if header is not None else None
    for index, item in enumerate(items):
        reported = earlier.get(index)
        if reported:
            errors.extend(reported)
        if item is None:
            continue
        found: list[Problem] = []
        kind = item["kind"]
        get = item.get
        missing = [name for name in REQUIRED[kind] if get(name) is None]
        for name in missing:
            found.append({"loc": locate(index, name), "msg": f"required for a {kind} item"})
        blocked = bool(missing)
        origin = get("country_of_manufacture")
        if origin is not None and origin not in ALPHA3:
            found.append(
                {
                    "loc": locate(index, "country_of_manufacture"),
                    "msg": f"{origin!r} is not an ISO 3166-1 alpha-3 country code",
                }
            )
        quantity = get("quantity")
        if kind == "weapon":
            if quantity not in (None, 1):
                found.append(
                    {
                        "loc": locate(index, "quantity"),
                        "msg": "a weapon item is one weapon: quantity must be 1 or absent",
                    }
                )
            quantity = 1
        serial = item.get("serial_number")
        s_key = serial_key(serial) if serial is not None else None
        if serial is not None and not s_key:
            blocked = True
            found.append(
                {"loc": locate(index, "serial_number"), "msg": "has no letter or digit to match on"}
            )
        maker = get("manufacturer")
        m_key = manufacturer_key(maker) if maker is not None else None
        calibre = get("calibre")
        c_key = calibre_key(calibre) if calibre is not None else None
        lot = item.get("lot_number")
        l_key = serial_key(lot) if lot is not None else None
        if lot is not None and not l_key:
            blocked = True
            found.append(
                {"loc": locate(index, "lot_number"), "msg": "has no letter or digit to match on"}
            )
        for name, key in (
            ("serial_number", s_key),
            ("manufacturer", m_key),
            ("calibre", c_key),
            ("lot_number", l_key),
        ):
            if key is not None and len(key) > KEY_ROOM[name]:
                blocked = True
                found.append(
                    {
                        "loc": locate(index, name),
                        "msg": f"normalizes to a match key of {len(key)} characters;"
                        f" the register holds at most {KEY_ROOM[name]}",
                    }
                )
        correction = manifest_correction or get("correction", False)
        if kind == "weapon" and s_key and not missing:
            weapon = (s_key, m_key or "")
            first = seen_weapons.setdefault(weapon, index)
            if first != index and not correction:
                blocked = True
                found.append(
                    {
                        "loc": locate(index, "serial_number"),
                        "msg": f"the same weapon as {locate(first, 'serial_number')} "
                        f"(serial {serial!r}); "
                        "mark it as a correction if this is deliberate",
                    }
                )
        if found:
            if reported:
                # A field pydantic refused was set aside: "required" would say it twice.
                said = {problem["loc"] for problem in reported}
                found = [problem for problem in found if problem["loc"] not in said]
            errors.extend(found)
        if blocked or header is None:
            continue
        rows.append(
            (
                manifest_id,
                index,
                kind,
                mission,
                country,
                direction,
                crossing,
                unit,
                correction,
                get("category"),
                maker,
                get("model"),
                calibre,
                serial,
                get("year_of_manufacture"),
                origin,
                get("markings"),
                lot,
                get("ammunition_type"),
                quantity,
                get("description"),
                s_key,
                m_key,
                c_key,
                l_key,
            )
        )
    return out
