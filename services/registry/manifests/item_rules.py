"""Per-kind rules on manifest items, and the rows the bulk insert writes.

One pass over the items (:func:`prepare_items`) computes the normalized match keys,
checks what pydantic cannot (the fields each kind needs and its other rules in
:func:`_kind_problems`; keys that match nothing or outgrow their column in
:func:`_key_problems`; the same weapon twice in one manifest in
:class:`_RepeatedWeapons`), and builds insert rows as plain tuples in ``ITEM_COLUMNS``
order, so 100,000 items cost one loop and no ORM objects.

Problems go to the draft's :class:`ProblemList` through ``add(loc, msg)``: pydantic's
errors in an item first, then the item's own, once per location. Every item the
database could hold gets a row even when the manifest is refused: the balance rules
run on those rows in the same pass, so one refusal lists every problem (the rows are
rolled back with the refusal).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, Final

from pydantic_core import ErrorDetails

from services.common.countries import ALPHA3
from services.common.identifiers import calibre_key, manufacturer_key
from services.common.tables import column_length
from services.registry.identifier_keys import serial_key
from services.registry.manifests.drafts import (
    ItemLocator,
    ManifestDraft,
    ProblemList,
    item_error_loc,
)
from services.registry.manifests.schemas import ManifestItemIn
from services.registry.models.handles import manifest_items


def _key_room(column: str) -> int:
    return column_length(manifest_items, column)


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
    "ordnance_type",
    "explosive_type",
    "quantity_unit",
    "serial_key",
    "manufacturer_key",
    "calibre_key",
    "lot_key",
)
REQUIRED: Final[dict[str, tuple[str, ...]]] = {
    "weapon": ("category", "manufacturer", "model", "calibre", "serial_number"),
    "ammunition": ("calibre", "lot_number", "quantity"),
    "part": ("description", "quantity"),
    "ordnance": ("ordnance_type", "quantity"),
    "explosive": ("explosive_type", "quantity"),
}
# The fields that belong to one kind only: set on another, they are refused by name
# rather than stored where nothing reads them.
ONLY_FOR: Final[dict[str, str]] = {
    "ordnance_type": "ordnance",
    "explosive_type": "explosive",
    "quantity_unit": "explosive",
}


AddProblem = Callable[[str, str], None]
"""Records a problem: ``add(loc, msg)``."""
_NOTHING_TO_MATCH: Final = "has no letter or digit to match on"


def prepare_items(*, manifest_id: str, draft: ManifestDraft) -> list[tuple[Any, ...]]:
    """Check every item of ``draft`` and build its insert row; add every problem to
    ``draft.problems``, not the first.

    ``items[i]`` is None for an item that could not be read at all (its errors are in
    ``item_errors[i]``). Rows are built only with a header (it supplies the mission,
    country, direction and date every row repeats), for the items the database can
    hold: the fields their kind needs present, serial and lot usable, not a repeat.
    """
    rows: list[tuple[Any, ...]] = []
    header = draft.header
    locate = draft.locate
    earlier = draft.item_errors
    add_problem: AddProblem = draft.problems.add
    repeats = _RepeatedWeapons(locate)
    manifest_correction = header.correction if header is not None else False
    # Rows repeat the header's values; without a header no row is built.
    mission = header.mission if header is not None else None
    country = header.contributing_country if header is not None else None
    direction = header.direction if header is not None else None
    crossing: date | None = header.crossing_date if header is not None else None
    unit = header.unit if header is not None else None
    for index, item in enumerate(draft.items):
        add = add_problem
        reported = earlier.get(index)
        if reported:
            add = _after_reported(draft.problems, locate, index, reported)
        if item is None:
            continue
        get = item.get
        kind = item["kind"]
        missing = _kind_problems(item, index, locate, add)
        serial = item.get("serial_number")
        s_key = serial_key(serial) if serial is not None else None
        maker = get("manufacturer")
        m_key = manufacturer_key(maker) if maker is not None else None
        calibre = get("calibre")
        c_key = calibre_key(calibre) if calibre is not None else None
        lot = item.get("lot_number")
        l_key = serial_key(lot) if lot is not None else None
        blocked = _key_problems(index, locate, add, s_key, m_key, c_key, l_key) or missing
        correction = manifest_correction or item.get("correction", False)
        if kind == "weapon" and s_key and not missing:
            blocked = repeats.refused(index, s_key, m_key, serial, correction, add) or blocked
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
                get("country_of_manufacture"),
                get("markings"),
                lot,
                get("ammunition_type"),
                1 if kind == "weapon" else get("quantity"),
                get("description"),
                get("ordnance_type"),
                get("explosive_type"),
                get("quantity_unit"),
                s_key,
                m_key,
                c_key,
                l_key,
            )
        )
    return rows


def _after_reported(
    problems: ProblemList, locate: ItemLocator, index: int, reported: list[ErrorDetails]
) -> AddProblem:
    """List pydantic's errors in item ``index``; return how to add the item's own problems,
    once per location (a field pydantic refused was set aside: "required" would say it
    twice)."""
    said = set()
    for error in reported:
        loc = item_error_loc(locate, index, error)
        said.add(loc)
        problems.add(loc, error["msg"], error["type"])

    def add_unless_said(loc: str, msg: str) -> None:
        if loc not in said:
            problems.add(loc, msg)

    return add_unless_said


def _kind_problems(item: ManifestItemIn, index: int, locate: ItemLocator, add: AddProblem) -> bool:
    """Add what pydantic cannot check: the fields the item's kind needs, the country of
    manufacture, a weapon's quantity; True when a needed field is missing."""
    kind = item["kind"]
    get = item.get
    missing = False
    for name in REQUIRED[kind]:
        if get(name) is None:
            missing = True
            add(locate(index, name), f"required for a {kind} item")
    for name, owner in ONLY_FOR.items():
        if kind != owner and get(name) is not None:
            add(locate(index, name), f"only for an {owner} item")
    origin = get("country_of_manufacture")
    if origin is not None and origin not in ALPHA3:
        add(
            locate(index, "country_of_manufacture"),
            f"{origin!r} is not an ISO 3166-1 alpha-3 country code",
        )
    if kind == "weapon" and get("quantity") not in (None, 1):
        add(locate(index, "quantity"), "a weapon item is one weapon: quantity must be 1 or absent")
    return missing


def _key_problems(
    index: int,
    locate: ItemLocator,
    add: AddProblem,
    s_key: str | None,
    m_key: str | None,
    c_key: str | None,
    l_key: str | None,
) -> bool:
    """Add the match keys the register cannot hold (a serial or lot with nothing to match
    on, a key longer than its column); True when there is one."""
    unusable = False
    if s_key == "":
        unusable = True
        add(locate(index, "serial_number"), _NOTHING_TO_MATCH)
    if l_key == "":
        unusable = True
        add(locate(index, "lot_number"), _NOTHING_TO_MATCH)
    for name, key in (
        ("serial_number", s_key),
        ("manufacturer", m_key),
        ("calibre", c_key),
        ("lot_number", l_key),
    ):
        if key is not None and len(key) > KEY_ROOM[name]:
            unusable = True
            add(
                locate(index, name),
                f"normalizes to a match key of {len(key)} characters;"
                f" the register holds at most {KEY_ROOM[name]}",
            )
    return unusable


class _RepeatedWeapons:
    """The same weapon (serial and manufacturer keys) twice in one manifest."""

    def __init__(self, locate: ItemLocator) -> None:
        self.locate = locate
        self.first_seen: dict[tuple[str, str], int] = {}

    def refused(
        self,
        index: int,
        s_key: str,
        m_key: str | None,
        serial: str | None,
        correction: bool,
        add: AddProblem,
    ) -> bool:
        """Note item ``index``'s weapon; True (and its problem added) when an earlier item
        declared it and this one is not a correction."""
        first = self.first_seen.setdefault((s_key, m_key or ""), index)
        if first == index or correction:
            return False
        locate = self.locate
        add(
            locate(index, "serial_number"),
            f"the same weapon as {locate(first, 'serial_number')} (serial {serial!r}); "
            "mark it as a correction if this is deliberate",
        )
        return True
