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

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

from services.common.errors import FieldProblem
from services.common.tables import column_length
from services.registry.countries import ALPHA3
from services.registry.identifier_keys import calibre_key, manufacturer_key, serial_key
from services.registry.manifests.drafts import ItemLocator, ManifestDraft
from services.registry.manifests.schemas import ManifestItemIn
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


@dataclass
class PreparedItems:
    """Insert rows and the problems found, in item order."""

    rows: list[tuple[Any, ...]] = field(default_factory=list)
    errors: list[FieldProblem] = field(default_factory=list)


def prepare_items(*, manifest_id: str, draft: ManifestDraft) -> PreparedItems:
    """Check every item of ``draft`` and build its insert row; collect every problem, not
    the first.

    ``items[i]`` is None for an item that could not be read at all (its problems are in
    ``item_problems[i]``). Rows are built only with a header (it supplies the mission,
    country, direction and date every row repeats), for the items the database can
    hold: the fields their kind needs present, serial and lot usable, not a repeat.
    """
    out = PreparedItems()
    errors = out.errors
    rows = out.rows
    header = draft.header
    locate = draft.locate
    earlier = draft.item_problems
    repeats = _RepeatedWeapons(locate)
    manifest_correction = header.correction if header is not None else False
    # Rows repeat the header's values; without a header no row is built.
    mission = header.mission if header is not None else None
    country = header.contributing_country if header is not None else None
    direction = header.direction if header is not None else None
    crossing: date | None = header.crossing_date if header is not None else None
    unit = header.unit if header is not None else None
    for index, item in enumerate(draft.items):
        reported = earlier.get(index)
        if reported:
            errors.extend(reported)
        if item is None:
            continue
        found: list[FieldProblem] = []
        get = item.get
        kind = item["kind"]
        missing = _kind_problems(item, index, locate, found)
        serial = item.get("serial_number")
        s_key = serial_key(serial) if serial is not None else None
        maker = get("manufacturer")
        m_key = manufacturer_key(maker) if maker is not None else None
        calibre = get("calibre")
        c_key = calibre_key(calibre) if calibre is not None else None
        lot = item.get("lot_number")
        l_key = serial_key(lot) if lot is not None else None
        blocked = _key_problems(index, locate, found, s_key, m_key, c_key, l_key) or missing
        correction = manifest_correction or item.get("correction", False)
        if kind == "weapon" and s_key and not missing:
            blocked = repeats.refused(index, s_key, m_key, serial, correction, found) or blocked
        if found:
            errors.extend(_not_said_twice(found, reported) if reported else found)
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
                s_key,
                m_key,
                c_key,
                l_key,
            )
        )
    return out


def _kind_problems(
    item: ManifestItemIn, index: int, locate: ItemLocator, found: list[FieldProblem]
) -> bool:
    """Add what pydantic cannot check (the fields the item's kind needs, the country of
    manufacture, a weapon's quantity) to ``found``; True when a needed field is missing."""
    kind = item["kind"]
    get = item.get
    missing = False
    for name in REQUIRED[kind]:
        if get(name) is None:
            missing = True
            found.append(FieldProblem(loc=locate(index, name), msg=f"required for a {kind} item"))
    origin = get("country_of_manufacture")
    if origin is not None and origin not in ALPHA3:
        found.append(
            FieldProblem(
                loc=locate(index, "country_of_manufacture"),
                msg=f"{origin!r} is not an ISO 3166-1 alpha-3 country code",
            )
        )
    if kind == "weapon" and get("quantity") not in (None, 1):
        found.append(
            FieldProblem(
                loc=locate(index, "quantity"),
                msg="a weapon item is one weapon: quantity must be 1 or absent",
            )
        )
    return missing


def _key_problems(
    index: int,
    locate: ItemLocator,
    found: list[FieldProblem],
    s_key: str | None,
    m_key: str | None,
    c_key: str | None,
    l_key: str | None,
) -> bool:
    """Add match keys the register cannot hold to ``found`` (a serial or lot with nothing
    to match on, a key longer than its column); True when there is one."""
    unusable = False
    if s_key == "":
        unusable = True
        found.append(FieldProblem(loc=locate(index, "serial_number"), msg=_NOTHING_TO_MATCH))
    if l_key == "":
        unusable = True
        found.append(FieldProblem(loc=locate(index, "lot_number"), msg=_NOTHING_TO_MATCH))
    for name, key in (
        ("serial_number", s_key),
        ("manufacturer", m_key),
        ("calibre", c_key),
        ("lot_number", l_key),
    ):
        if key is not None and len(key) > KEY_ROOM[name]:
            unusable = True
            found.append(
                FieldProblem(
                    loc=locate(index, name),
                    msg=f"normalizes to a match key of {len(key)} characters;"
                    f" the register holds at most {KEY_ROOM[name]}",
                )
            )
    return unusable


_NOTHING_TO_MATCH: Final = "has no letter or digit to match on"


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
        found: list[FieldProblem],
    ) -> bool:
        """Note item ``index``'s weapon; True (with its problem in ``found``) when an
        earlier item declared it and this one is not a correction."""
        first = self.first_seen.setdefault((s_key, m_key or ""), index)
        if first == index or correction:
            return False
        locate = self.locate
        found.append(
            FieldProblem(
                loc=locate(index, "serial_number"),
                msg=f"the same weapon as {locate(first, 'serial_number')} (serial {serial!r}); "
                "mark it as a correction if this is deliberate",
            )
        )
        return True


def _not_said_twice(found: list[FieldProblem], reported: list[FieldProblem]) -> list[FieldProblem]:
    # A field pydantic refused was set aside: "required" would say it twice.
    said = {problem.loc for problem in reported}
    return [problem for problem in found if problem.loc not in said]
