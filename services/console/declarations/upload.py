"""The declarations upload: a CSV or XLSX file sent to the API's import, all or none,
its refusal placed by row and column as the manifest upload does."""

from __future__ import annotations

import re
from dataclasses import dataclass

from services.console.clients.base import ApiProblem, FieldProblem

MAX_UPLOAD_BYTES = 128 * 1024 * 1024
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_ROW_COLUMN = re.compile(r"^row (\d+)(?:, column (.+))?$")


@dataclass(frozen=True)
class CellProblem:
    """A problem of a refused file, by row and column (``field`` is the input it names)."""

    row: str
    column: str
    field: str
    message: str


def cell_problems(problem: ApiProblem) -> list[CellProblem]:
    """Every problem of a refused import, by row and column where the API placed it."""
    cells = []
    for error in problem.errors or [FieldProblem("", problem.detail)]:
        place = _ROW_COLUMN.match(error.loc)
        if place is not None:
            cells.append(CellProblem(place.group(1), place.group(2) or "", "file", error.msg))
        else:
            cells.append(CellProblem("", error.loc, "file", error.msg))
    return cells
