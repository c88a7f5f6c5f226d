"""The tables the statistics page shows (the counts, the DDR people, the trace outcomes),
each as a header and lines, and as files: one table as CSV, every table as XLSX sheets."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook

from services.console.cases.service import ORIGIN_NAMES
from services.console.i18n import N_, Gettext
from services.console.statistics.service import DDR_COLUMNS, GROUPINGS, Filters, Row

TABLE_NAMES: dict[str, str] = {
    "counts": N_("Statistics"),
    "ddr": N_("People (DDR)"),
    "outcomes": N_("Trace outcomes"),
}
RESULT_NAMES: dict[str, str] = {
    "origin_established": N_("Origin established"),
    "not_established": N_("Origin not established"),
}


@dataclass(frozen=True)
class Table:
    """One table of the page: its name (``counts``, ``ddr``, ``outcomes``), sheet title,
    header and lines."""

    name: str
    title: str
    header: list[str]
    lines: list[list[Any]]


@dataclass(frozen=True)
class Outcome:
    """One line of the trace outcomes table, labelled in the person's language."""

    result: str
    kind: str
    requests: int
    weapons: int


def outcomes(found: dict[str, Any], _: Gettext) -> list[Outcome]:
    """The answered trace requests by outcome and kind of origin, labelled."""
    return [
        Outcome(
            result=_(RESULT_NAMES.get(str(o.get("result")), str(o.get("result")))),
            kind=_(ORIGIN_NAMES[str(o["kind"])]) if o.get("kind") in ORIGIN_NAMES else "",
            requests=int(o.get("requests") or 0),
            weapons=int(o.get("weapons") or 0),
        )
        for o in found.get("trace_outcomes") or []
    ]


def tables(
    found: dict[str, Any], counts: Sequence[Row], filters: Filters, _: Gettext
) -> list[Table]:
    """Every table the page shows for ``found`` (the API's statistics), in page order;
    a table with no line is left out, the counts excepted."""
    grouping = _(GROUPINGS.get(filters.group_by, filters.group_by))
    shown = [
        Table(
            "counts",
            _title("counts", _),
            [grouping, _("Source"), _("Item rows"), _("Quantity"), _("Mass (kg)")],
            [[r.key, r.source, r.records, r.quantity, r.mass_kg] for r in counts],
        )
    ]
    people = found.get("ddr_people") or []
    if people:
        shown.append(
            Table(
                "ddr",
                _title("ddr", _),
                [grouping, *(_(label) for _key, label in DDR_COLUMNS)],
                [
                    [p.get("key") or _("Not recorded"), *(p.get(k) for k, _l in DDR_COLUMNS)]
                    for p in people
                ],
            )
        )
    traced = outcomes(found, _)
    if traced:
        shown.append(
            Table(
                "outcomes",
                _title("outcomes", _),
                [_("Outcome"), _("Origin"), _("Trace requests"), _("Weapons")],
                [[o.result, o.kind, o.requests, o.weapons] for o in traced],
            )
        )
    return shown


def _title(name: str, _: Gettext) -> str:
    return _(TABLE_NAMES[name])


def _safe(cell: Any) -> Any:
    # A cell starting with = + - @ would be a formula in a spreadsheet.
    return "'" + cell if isinstance(cell, str) and cell[:1] in "=+-@" else cell


def as_csv(table: Table) -> bytes:
    """One table as CSV (UTF-8 with a BOM so spreadsheets read its accents)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.header)
    for line in table.lines:
        writer.writerow([_safe(c) for c in line])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def as_xlsx(shown: Sequence[Table]) -> bytes:
    """Every table shown, one sheet each, as an XLSX workbook."""
    book = Workbook()
    assert book.active is not None
    book.remove(book.active)
    for table in shown:
        sheet = book.create_sheet(table.title[:31])
        sheet.append(table.header)
        for line in table.lines:
            sheet.append(line)
            # Text cells are stored as strings, never formulas.
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
