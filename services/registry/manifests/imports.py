"""CSV and XLSX manifests: decoding, header matching, and problems named by row and column.

CSV: comma, semicolon or tab separated (sniffed from the header line); UTF-8
with or without BOM, else Windows-1252/Latin-1. XLSX: the first sheet, read
with openpyxl in read-only mode once the workbook passed the bounds of
``sheet_readers``. Headers are the item field names in English
or French, matched without regard to case, accents, spaces, dashes or
underscores. Row 1 is the header row; data rows are numbered as a spreadsheet
shows them.
"""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from dataclasses import dataclass, field
from typing import IO, Any, Final

from openpyxl.utils import get_column_letter

from services.common.errors import FieldProblem
from services.registry.manifests.schemas import MAX_MANIFEST_ITEMS
from services.registry.manifests.sheet_readers import (
    Deadline,
    ImportLimits,
    SheetTooLarge,
    SheetUnreadable,
    csv_rows,
    xlsx_rows,
)

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
TRUE_WORDS: Final = frozenset({"true", "yes", "oui", "vrai", "1", "x"})
FALSE_WORDS: Final = frozenset({"false", "no", "non", "faux", "0", ""})
XLSX_MAGIC: Final = b"PK\x03\x04"


def header_key(text: str) -> str:
    """Case, accents and separators removed: "Numéro de série" -> "numerodeserie"."""
    decomposed = unicodedata.normalize("NFKD", text.strip().lstrip("\ufeff"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return "".join(c for c in plain if c.isalnum())


_KIND_BY_WORD: Final = {header_key(word): kind for word, kind in KIND_ALIASES.items()}
_FIELD_BY_HEADER: Final = {
    header_key(alias): name for name, aliases in HEADER_ALIASES.items() for alias in aliases
}


@dataclass
class ParsedSheet:
    """Items read from a file, with what is needed to name rows and columns in problems."""

    items: list[dict[str, Any]] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    columns: dict[str, tuple[int, str]] = field(default_factory=dict)
    errors: list[FieldProblem] = field(default_factory=list)
    too_large: bool = False

    def locate(self, index: int, field_name: str) -> str:
        """ "row 18, column F (numéro de série)" for item ``index``'s field."""
        row = self.rows[index] if index < len(self.rows) else index + 2
        column = self.columns.get(field_name)
        if column is None:
            return f"row {row}, column {field_name} (absent from the file)"
        position, written = column
        return f"row {row}, column {get_column_letter(position + 1)} ({written})"


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_sheet(
    source: bytes | IO[bytes], filename: str | None, limits: ImportLimits | None = None
) -> ParsedSheet:
    """Read items from CSV or XLSX (bytes or a seekable binary file) in bounded memory
    and time; problems name the row and the column. A cap of ``limits`` reached sets
    ``too_large`` and ends the reading there."""
    limits = limits or ImportLimits()
    stream = io.BytesIO(source) if isinstance(source, bytes) else source
    sheet = ParsedSheet()
    stream.seek(0)
    is_xlsx = stream.read(4) == XLSX_MAGIC or (filename or "").lower().endswith(".xlsx")
    stream.seek(0)
    deadline = Deadline(limits.max_seconds)
    kind = "XLSX workbook" if is_xlsx else "CSV file"
    try:
        read = xlsx_rows if is_xlsx else csv_rows
        rows = read(stream, limits, deadline)
        header = next(rows, None)
        if header is None or not any(_cell_text(c) for c in header):
            sheet.errors.append(FieldProblem(loc="file", msg="the file is empty: no header row"))
            return sheet
        _read_header(sheet, [_cell_text(c) for c in header])
        if sheet.errors:
            return sheet
        for number, row in enumerate(rows, start=2):
            if number > limits.max_rows:
                raise SheetTooLarge(
                    f"row {number}", f"more than {limits.max_rows} rows (blank ones count too)"
                )
            cells = [_cell_text(c) for c in row]
            if not any(cells):
                continue
            if len(sheet.items) == MAX_MANIFEST_ITEMS:
                sheet.errors.append(
                    FieldProblem(
                        loc=f"row {number}",
                        msg=f"more than {MAX_MANIFEST_ITEMS} items; split the manifest",
                    )
                )
                return sheet
            _read_row(sheet, number, cells)
    except SheetTooLarge as cap:
        sheet.too_large = True
        sheet.errors = [FieldProblem(loc=cap.loc, msg=cap.msg)]
        return sheet
    except (SheetUnreadable, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        sheet.errors.append(FieldProblem(loc="file", msg=f"not a readable {kind}: {exc}"))
    except (csv.Error, SyntaxError) as exc:
        # SyntaxError: xml.etree's ParseError, should a part still fail in openpyxl.
        sheet.errors.append(FieldProblem(loc="file", msg=f"not a readable {kind}: {exc}"))
    if not sheet.items and not sheet.errors:
        sheet.errors.append(FieldProblem(loc="file", msg="the file has a header row but no items"))
    return sheet


def _read_header(sheet: ParsedSheet, header: list[str]) -> None:
    for position, written in enumerate(header):
        if not written:
            continue
        name = _FIELD_BY_HEADER.get(header_key(written))
        letter = get_column_letter(position + 1)
        if name is None:
            sheet.errors.append(
                FieldProblem(
                    loc=f"row 1, column {letter} ({written})",
                    msg="unknown column; see GET /registry/v1/manifests/template.csv",
                )
            )
        elif name in sheet.columns:
            sheet.errors.append(
                FieldProblem(
                    loc=f"row 1, column {letter} ({written})",
                    msg=f"a second {name} column",
                )
            )
        else:
            sheet.columns[name] = (position, written)
    if "kind" not in sheet.columns and not sheet.errors:
        sheet.errors.append(FieldProblem(loc="row 1", msg="no kind (type) column"))


def _read_row(sheet: ParsedSheet, number: int, cells: list[str]) -> None:
    item: dict[str, Any] = {}
    index = len(sheet.items)
    sheet.rows.append(number)
    for name, (position, _written) in sheet.columns.items():
        value = cells[position] if position < len(cells) else ""
        if name == "correction":
            word = value.casefold()
            if word not in TRUE_WORDS | FALSE_WORDS:
                sheet.errors.append(FieldProblem(loc=sheet.locate(index, name), msg="not yes/no"))
            item[name] = word in TRUE_WORDS
        elif value:
            if name == "kind":
                value = _KIND_BY_WORD.get(header_key(value), value)
            elif name in ("category", "ammunition_type", "ordnance_type", "explosive_type"):
                value = value.strip().lower().replace(" ", "_").replace("-", "_")
            item[name] = value
    sheet.items.append(item)
