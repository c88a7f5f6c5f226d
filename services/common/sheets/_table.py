"""A CSV or XLSX upload read as a table: its header matched to field names, its rows
handed over one by one as text, every problem named by row and column.

Headers are matched without regard to case, accents, spaces, dashes or underscores
(:func:`header_key`). Row 1 is the header row; data rows are numbered as a spreadsheet
shows them; blank rows are skipped (but count towards ``max_rows``).
"""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import IO, Any, Final

from openpyxl.utils import get_column_letter

from services.common.errors import FieldProblem
from services.common.sheets._readers import (
    Deadline,
    ImportLimits,
    SheetTooLarge,
    SheetUnreadable,
    csv_rows,
    xlsx_rows,
)

XLSX_MAGIC: Final = b"PK\x03\x04"
TRUE_WORDS: Final = frozenset({"true", "yes", "oui", "vrai", "1", "x"})
"""A yes in a cell, in English or French (compared case-folded)."""
FALSE_WORDS: Final = frozenset({"false", "no", "non", "faux", "0"})
"""A no in a cell, in English or French (compared case-folded)."""


def header_key(text: str) -> str:
    """Case, accents and separators removed: "Numéro de série" -> "numerodeserie"."""
    decomposed = unicodedata.normalize("NFKD", text.strip().lstrip("\ufeff"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return "".join(c for c in plain if c.isalnum())


def cell_text(value: Any) -> str:
    """A cell as text: whole floats without ``.0``, a date cell as its ISO date."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


@dataclass(frozen=True)
class HeaderMap:
    """Which field each accepted header names, and what a file must have.

    ``aliases``: field name -> the headers accepted for it (any spelling
    :func:`header_key` folds together). ``required``: field name -> the problem
    when no column names it. ``unknown_hint``: appended to an unknown column's problem
    (where the template is).
    """

    aliases: Mapping[str, Sequence[str]]
    required: Mapping[str, str] = field(default_factory=dict)
    unknown_hint: str = ""

    def field_of(self, written: str) -> str | None:
        """The field a written header names, or None."""
        return self._by_key().get(header_key(written))

    def _by_key(self) -> dict[str, str]:
        cached: dict[str, str] | None = self.__dict__.get("_cache")
        if cached is None:
            cached = {
                header_key(alias): name
                for name, spellings in self.aliases.items()
                for alias in (name, *spellings)
            }
            object.__setattr__(self, "_cache", cached)
        return cached


@dataclass
class Table:
    """What was read of a file's header, and the problems found so far.

    ``columns``: field name -> (0-based position, the header as written), so
    problems name a column the way the file does. ``too_large``: a cap of the
    :class:`ImportLimits` was reached (a 413, not a 422).
    """

    columns: dict[str, tuple[int, str]] = field(default_factory=dict)
    errors: list[FieldProblem] = field(default_factory=list)
    too_large: bool = False

    def cell_loc(self, row: int, field_name: str, absent_name: str | None = None) -> str:
        """``row 18, column F (numéro de série)``; a field without a column is named
        ``absent_name`` (default: the field name) "absent from the file"."""
        column = self.columns.get(field_name)
        if column is None:
            return f"row {row}, column {absent_name or field_name} (absent from the file)"
        position, written = column
        return f"row {row}, column {get_column_letter(position + 1)} ({written})"

    def value(self, cells: Sequence[str], field_name: str) -> str:
        """The text of ``field_name``'s cell in a row ("" when blank or absent)."""
        column = self.columns.get(field_name)
        if column is None or column[0] >= len(cells):
            return ""
        return cells[column[0]]


RowReader = Callable[[int, list[str]], bool]
"""Takes a non-blank data row (its number, its cells as text); False stops the reading."""


def is_xlsx(stream: IO[bytes], filename: str | None) -> bool:
    """A workbook by its first bytes (a zip archive) or its name."""
    stream.seek(0)
    magic = stream.read(4)
    stream.seek(0)
    return magic == XLSX_MAGIC or (filename or "").lower().endswith(".xlsx")


def read_table(
    source: bytes | IO[bytes],
    filename: str | None,
    *,
    headers: HeaderMap,
    on_row: RowReader,
    table: Table | None = None,
    limits: ImportLimits | None = None,
    no_rows: str = "the file has a header row but no rows",
) -> Table:
    """Read a CSV or XLSX file (bytes or a seekable binary file) in bounded memory and
    time, matching its header through ``headers`` and handing each data row to ``on_row``.

    Problems go to ``table.errors`` (``on_row`` may add its own there too). A cap of
    ``limits`` reached sets ``too_large`` and leaves that one problem.
    """
    limits = limits or ImportLimits()
    table = table if table is not None else Table()
    stream = io.BytesIO(source) if isinstance(source, bytes) else source
    workbook = is_xlsx(stream, filename)
    deadline = Deadline(limits.max_seconds)
    kind = "XLSX workbook" if workbook else "CSV file"
    rows_read = 0
    try:
        read = xlsx_rows if workbook else csv_rows
        rows = read(stream, limits, deadline)
        header = next(rows, None)
        if header is None or not any(cell_text(c) for c in header):
            table.errors.append(FieldProblem(loc="file", msg="the file is empty: no header row"))
            return table
        _read_header(table, [cell_text(c) for c in header], headers)
        if table.errors:
            return table
        for number, row in enumerate(rows, start=2):
            if number > limits.max_rows:
                raise SheetTooLarge(
                    f"row {number}", f"more than {limits.max_rows} rows (blank ones count too)"
                )
            cells = [cell_text(c) for c in row]
            if not any(cells):
                continue
            rows_read += 1
            if not on_row(number, cells):
                return table
    except SheetTooLarge as cap:
        table.too_large = True
        table.errors = [FieldProblem(loc=cap.loc, msg=cap.msg)]
        return table
    except (SheetUnreadable, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        table.errors.append(FieldProblem(loc="file", msg=f"not a readable {kind}: {exc}"))
    except (csv.Error, SyntaxError) as exc:
        # SyntaxError: xml.etree's ParseError, should a part still fail in openpyxl.
        table.errors.append(FieldProblem(loc="file", msg=f"not a readable {kind}: {exc}"))
    if not rows_read and not table.errors:
        table.errors.append(FieldProblem(loc="file", msg=no_rows))
    return table


def _read_header(table: Table, header: list[str], headers: HeaderMap) -> None:
    hint = f"; {headers.unknown_hint}" if headers.unknown_hint else ""
    for position, written in enumerate(header):
        if not written:
            continue
        name = headers.field_of(written)
        loc = f"row 1, column {get_column_letter(position + 1)} ({written})"
        if name is None:
            table.errors.append(FieldProblem(loc=loc, msg=f"unknown column{hint}"))
        elif name in table.columns:
            table.errors.append(FieldProblem(loc=loc, msg=f"a second {name} column"))
        else:
            table.columns[name] = (position, written)
    if table.errors:
        return
    for name, problem in headers.required.items():
        if name not in table.columns:
            table.errors.append(FieldProblem(loc="row 1", msg=problem))
