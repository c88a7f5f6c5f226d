"""A declarations spreadsheet read into declaration documents, every problem named by
row and column in the file's language.

Rows are grouped by ``declaration_ref`` in the order the references first appear. A
declaration's own columns may be filled on every one of its rows or on one: two rows
of one declaration that disagree are a problem at the later one. Each group is
validated as the body of ``POST /declarations`` is; pydantic's locations
(``items[2].weapon.serial_number``) and the service's
(``declarations[1].event_date``) are turned back into the row and the column the
value came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import IO, Any, Final

from pydantic import ValidationError

from services.common.errors import (
    AppError,
    FieldProblem,
    PayloadTooLarge,
    UnsupportedMediaType,
    ValidationFailed,
)
from services.common.sheets import ImportLimits, Table, file_sha256, header_key, read_table
from services.declarations.declarations.schemas import (
    MAX_BATCH_DECLARATIONS,
    MAX_BATCH_ITEMS,
    DeclarationDocument,
)
from services.declarations.imports.columns import (
    BY_NAME,
    DECLARATION_COLUMNS,
    DECLARATION_HEADERS,
    FRENCH_HEADERS,
    ITEM_COLUMNS,
    Column,
)

MAX_LISTED_PROBLEMS: Final = 1000
ITEM_TAGS: Final = frozenset(
    {
        "weapon",
        "weapon_without_serial",
        "craft_made_weapon",
        "ammunition",
        "part",
        "ordnance",
        "explosive",
    }
)
# Problems the rules locate at a group of fields: the column a person would fix first.
GROUP_COLUMNS: Final[dict[tuple[str, ...], str]] = {
    ("collection",): "ddr",
    ("destruction",): "destruction_method",
}
# First bytes of files people upload by mistake, named so the refusal says what was sent.
NOT_A_TABLE: Final = (
    (b"%PDF", "a PDF document"),
    (b"\xd0\xcf\x11\xe0", "an Excel 97-2003 (.xls) or other OLE file: save it as .xlsx"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x1f\x8b", "a gzip archive"),
)
_SERVICE_LOC: Final = re.compile(r"^declarations\[(\d+)\](?:\.(.*))?$")
_PATH_PART: Final = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
# Items a service message names: ``items[0]`` (of the same declaration) or
# ``declarations[2].items[1]``.
_ITEM_IN_MSG: Final = re.compile(r"(?:declarations\[(\d+)\]\.)?items\[(\d+)\]")


@dataclass
class DeclarationRows:
    """One declaration of the file: its rows (one an item) and what they say."""

    ref: str
    rows: list[int] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=lambda: {"items": []})
    given: dict[str, tuple[int, Any]] = field(default_factory=dict)


@dataclass
class DeclarationSheet(Table):
    """The file's declarations, in order, and how to name their cells."""

    groups: dict[str, DeclarationRows] = field(default_factory=dict)
    documents: list[DeclarationDocument] = field(default_factory=list)
    item_count: int = 0
    fingerprint: dict[str, Any] = field(default_factory=dict)

    @property
    def french(self) -> bool:
        """True when the header is mostly French: absent columns are named in French."""
        keys = [header_key(written) for _, written in self.columns.values()]
        return sum(key in FRENCH_HEADERS for key in keys) * 2 > len(keys)

    def cell(self, row: int, column: Column) -> str:
        """``row 7, column F (numéro de série)``."""
        return self.cell_loc(row, column.name, column.header(self.french))

    def locate(
        self, position: int, path: tuple[str | int, ...], *, whole_item: str | None = None
    ) -> str:
        """Where declaration ``position``'s value at ``path`` came from; a problem with a
        whole item is at its row (and at column ``whole_item`` when given)."""
        group = list(self.groups.values())[position]
        if path and path[0] == "items" and len(path) > 1 and isinstance(path[1], int):
            row = self._item_row(group, path[1])
            rest = [p for p in path[2:] if p not in ITEM_TAGS]
            name = str(rest[0]) if rest else whole_item if len(path) == 2 else None
            column = BY_NAME.get(name) if name else None
            return self.cell(row, column) if column else f"row {row}"
        column = _declaration_column(path)
        if path == ("location",):
            # The location as a whole: a lone coordinate, or no location at all.
            given = [name for name in ("lat", "lon") if name in group.given]
            column = BY_NAME[given[0] if given else "country"]
        if column is None:
            return f"rows of {group.ref!r} (from row {group.rows[0]})"
        row = group.given.get(column.name, (group.rows[0], None))[0]
        return self.cell(row, column)

    @staticmethod
    def _item_row(group: DeclarationRows, index: int) -> int:
        return group.rows[index] if index < len(group.rows) else group.rows[0]

    def relocated(self, error: AppError) -> AppError:
        """The service's ``error`` with its locations (and the items its messages name)
        turned into rows and columns."""
        problems = error.extra.get("errors")
        if not problems:
            return error
        error.extra["errors"] = [self._from_service(p) for p in problems]
        if error.detail:
            error.detail = error.detail.replace("in the batch", "in the file")
        return error

    def _from_service(self, problem: dict[str, Any]) -> dict[str, Any]:
        match = _SERVICE_LOC.match(problem["loc"])
        if match is None or int(match[1]) >= len(self.groups):
            return problem
        position = int(match[1])
        group = list(self.groups.values())[position]
        path = tuple(
            int(index) if index else name for name, index in _PATH_PART.findall(match[2] or "")
        )

        def row_of(named: re.Match[str]) -> str:
            if named[1] is None:
                return f"row {self._item_row(group, int(named[2]))}"
            other = list(self.groups.values())[int(named[1])]
            return f"row {self._item_row(other, int(named[2]))}"

        msg = _ITEM_IN_MSG.sub(row_of, str(problem.get("msg", "")))
        msg = msg.replace("in this batch", "in this file")
        return {**problem, "loc": self.locate(position, path), "msg": msg}


def _declaration_column(path: tuple[str | int, ...]) -> Column | None:
    names = tuple(p for p in path if isinstance(p, str))
    best: Column | None = None
    for column in DECLARATION_COLUMNS:
        if names[: len(column.target)] == column.target and (
            best is None or len(column.target) > len(best.target)
        ):
            best = column
    if best is None and names:
        fallback = GROUP_COLUMNS.get(names[:1])
        best = BY_NAME.get(fallback) if fallback else None
    return best


def _set(raw: dict[str, Any], target: tuple[str, ...], value: Any) -> None:
    for key in target[:-1]:
        raw = raw.setdefault(key, {})
    raw[target[-1]] = value


def refuse_other_formats(stream: IO[bytes], filename: str | None) -> None:
    """415 for a file that is plainly not CSV or XLSX, saying what it is."""
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    for magic, what in NOT_A_TABLE:
        if head.startswith(magic):
            raise UnsupportedMediaType(
                f"{filename or 'the file'} is {what}; the import reads CSV (UTF-8 or"
                " Windows-1252, comma, semicolon or tab) or XLSX (Excel 2007 and later)",
                code="unsupported_file_type",
            )


class _Reader:
    def __init__(self, sheet: DeclarationSheet) -> None:
        self.sheet = sheet

    def problem(self, loc: str, msg: str) -> None:
        self.sheet.errors.append(FieldProblem(loc=loc, msg=msg))

    def row(self, number: int, cells: list[str]) -> bool:
        sheet = self.sheet
        ref = sheet.value(cells, "declaration_ref")
        if not ref:
            self.problem(
                sheet.cell(number, BY_NAME["declaration_ref"]),
                "required: the reference (of your choice) of the declaration this row's item"
                " belongs to",
            )
            return True
        group = sheet.groups.get(ref)
        if group is None:
            if len(sheet.groups) == MAX_BATCH_DECLARATIONS:
                self.problem(
                    f"row {number}",
                    f"more than {MAX_BATCH_DECLARATIONS} declarations; split the file",
                )
                return False
            group = sheet.groups[ref] = DeclarationRows(ref)
        if sheet.item_count == MAX_BATCH_ITEMS:
            self.problem(f"row {number}", f"more than {MAX_BATCH_ITEMS} items; split the file")
            return False
        sheet.item_count += 1
        for column in DECLARATION_COLUMNS:
            text = sheet.value(cells, column.name)
            if text:
                self.declaration_value(group, number, column, column.read(text))
        item: dict[str, Any] = {}
        for column in ITEM_COLUMNS:
            text = sheet.value(cells, column.name)
            if text:
                item[column.target[0]] = column.read(text)
        group.raw["items"].append(item)
        group.rows.append(number)
        return True

    def declaration_value(
        self, group: DeclarationRows, number: int, column: Column, value: Any
    ) -> None:
        earlier = group.given.get(column.name)
        if earlier is None:
            group.given[column.name] = (number, value)
            _set(group.raw, column.target, value)
        elif earlier[1] != value:
            self.problem(
                self.sheet.cell(number, column),
                f"differs from row {earlier[0]} of {group.ref!r}: the rows of one declaration"
                " give it one value (or leave it blank)",
            )


def _validate(sheet: DeclarationSheet) -> None:
    for position, group in enumerate(sheet.groups.values()):
        try:
            sheet.documents.append(DeclarationDocument.model_validate(group.raw))
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                loc = sheet.locate(position, tuple(error["loc"]), whole_item="kind")
                msg = error["msg"]
                if error["type"] == "extra_forbidden" and error["loc"][0] == "items":
                    kind = group.raw["items"][int(error["loc"][1])].get("kind")
                    msg = f"not a field of {kind!r} items: leave it blank on this row"
                sheet.errors.append(FieldProblem(loc=loc, msg=msg, type=error["type"]))


def read_declarations(
    stream: IO[bytes], filename: str | None, *, limits: ImportLimits | None = None
) -> DeclarationSheet:
    """The declarations of an uploaded file, each validated as ``POST /declarations``
    validates a body; 413 over a limit, 415 for a file that is not a table, 422 naming
    every problem by row and column."""
    name = filename or "the file"
    refuse_other_formats(stream, filename)
    sheet = DeclarationSheet()
    read_table(
        stream,
        filename,
        headers=DECLARATION_HEADERS,
        on_row=_Reader(sheet).row,
        table=sheet,
        limits=limits,
    )
    if sheet.too_large:
        raise PayloadTooLarge(
            f"{name}: over an import limit; nothing was stored",
            code="upload_too_large",
            errors=[p.model_dump(exclude_none=True) for p in sheet.errors],
        )
    _validate(sheet)
    if sheet.errors:
        count = len(sheet.errors)
        listed = sheet.errors[:MAX_LISTED_PROBLEMS]
        if count > MAX_LISTED_PROBLEMS:
            listed.append(
                FieldProblem(loc="file", msg=f"and {count - MAX_LISTED_PROBLEMS} more problems")
            )
        raise ValidationFailed(listed, detail=f"{name}: {count} problem(s); nothing was stored")
    sheet.fingerprint = {"file_sha256": file_sha256(stream)}
    return sheet
