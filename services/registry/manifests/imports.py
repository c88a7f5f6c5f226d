"""CSV and XLSX manifests: decoding, header matching, and problems named by row and column.

CSV: comma, semicolon or tab separated (sniffed from the header line); UTF-8
with or without BOM, else Windows-1252/Latin-1. XLSX: the first sheet, read
with openpyxl in read-only mode once the workbook passed the bounds of
``services.common.sheets``, which reads both. Headers are the item field names in English
or French, matched without regard to case, accents, spaces, dashes or
underscores. Row 1 is the header row; data rows are numbered as a spreadsheet
shows them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO, Any, Final

from services.common.errors import FieldProblem
from services.common.sheets import (
    FALSE_WORDS,
    TRUE_WORDS,
    HeaderMap,
    ImportLimits,
    Table,
    header_key,
    read_table,
)
from services.registry.manifests.schemas import MAX_MANIFEST_ITEMS

ROTATION_END: Final = "rotation_end_date"
HEADER_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "kind": ("kind", "type", "nature"),
    "category": ("category", "categorie"),
    "manufacturer": ("manufacturer", "producer", "fabricant", "producteur"),
    "model": ("model", "modele"),
    "calibre": ("calibre", "caliber"),
    "serial_number": ("serial_number", "serial", "numero_de_serie", "no_de_serie"),
    "year_of_manufacture": ("year_of_manufacture", "annee_de_fabrication"),
    "country_of_manufacture": ("country_of_manufacture", "pays_de_fabrication"),
    "markings": ("markings", "marquages", "marquage"),
    "lot_number": ("lot_number", "lot", "numero_de_lot"),
    "ammunition_type": ("ammunition_type", "type_de_munition"),
    "quantity": ("quantity", "quantite"),
    "description": ("description",),
    "ordnance_type": ("ordnance_type", "type_d_engin", "type_de_munition_explosive"),
    "explosive_type": ("explosive_type", "type_d_explosif"),
    "quantity_unit": ("quantity_unit", "unite_de_quantite", "unite_de_mesure"),
    "correction": ("correction",),
    # The manifest's, not an item's: one value, on any row (see ``ParsedSheet``).
    ROTATION_END: (ROTATION_END, "end_of_rotation", "fin_de_rotation", "date_de_fin_de_rotation"),
}
KIND_ALIASES: Final[dict[str, str]] = {
    "weapon": "weapon",
    "arme": "weapon",
    "armes": "weapon",
    "ammunition": "ammunition",
    "munition": "ammunition",
    "munitions": "ammunition",
    "part": "part",
    "parts": "part",
    "piece": "part",
    "pieces": "part",
    "ordnance": "ordnance",
    "engin": "ordnance",
    "engins": "ordnance",
    "munition_explosive": "ordnance",
    "munitions_explosives": "ordnance",
    "explosive": "explosive",
    "explosives": "explosive",
    "explosif": "explosive",
    "explosifs": "explosive",
}
BLANK_OR_FALSE: Final = FALSE_WORDS | {""}
MANIFEST_HEADERS: Final = HeaderMap(
    aliases=HEADER_ALIASES,
    required={"kind": "no kind (type) column"},
    unknown_hint="see GET /registry/v1/manifests/template.csv",
)

_KIND_BY_WORD: Final = {header_key(word): kind for word, kind in KIND_ALIASES.items()}


@dataclass
class ParsedSheet(Table):
    """Items read from a file, with what is needed to name rows and columns in problems."""

    items: list[dict[str, Any]] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    rotation_end_dates: list[tuple[int, str]] = field(default_factory=list)
    """The ``rotation_end_date`` cells written (row number, text): the manifest's one
    planned end of rotation, which a ministry may write on one row or on every row."""

    def locate(self, index: int, field_name: str) -> str:
        """ "row 18, column F (numéro de série)" for item ``index``'s field."""
        row = self.rows[index] if index < len(self.rows) else index + 2
        return self.cell_loc(row, field_name)


def parse_sheet(
    source: bytes | IO[bytes], filename: str | None, limits: ImportLimits | None = None
) -> ParsedSheet:
    """Read items from CSV or XLSX (bytes or a seekable binary file) in bounded memory
    and time; problems name the row and the column. A cap of ``limits`` reached sets
    ``too_large`` and ends the reading there."""
    sheet = ParsedSheet()

    def add_item(number: int, cells: list[str]) -> bool:
        if len(sheet.items) == MAX_MANIFEST_ITEMS:
            sheet.errors.append(
                FieldProblem(
                    loc=f"row {number}",
                    msg=f"more than {MAX_MANIFEST_ITEMS} items; split the manifest",
                )
            )
            return False
        _read_row(sheet, number, cells)
        return True

    read_table(
        source,
        filename,
        headers=MANIFEST_HEADERS,
        on_row=add_item,
        table=sheet,
        limits=limits,
        no_rows="the file has a header row but no items",
    )
    return sheet


def _read_row(sheet: ParsedSheet, number: int, cells: list[str]) -> None:
    item: dict[str, Any] = {}
    index = len(sheet.items)
    sheet.rows.append(number)
    for name, (position, _written) in sheet.columns.items():
        value = cells[position] if position < len(cells) else ""
        if name == ROTATION_END:
            if value.strip():
                sheet.rotation_end_dates.append((number, value.strip()))
        elif name == "correction":
            word = value.casefold()
            if word not in TRUE_WORDS | BLANK_OR_FALSE:
                sheet.errors.append(FieldProblem(loc=sheet.locate(index, name), msg="not yes/no"))
            item[name] = word in TRUE_WORDS
        elif value:
            if name == "kind":
                value = _KIND_BY_WORD.get(header_key(value), value)
            elif name in ("category", "ammunition_type", "ordnance_type", "explosive_type"):
                value = value.strip().lower().replace(" ", "_").replace("-", "_")
            item[name] = value
    sheet.items.append(item)
