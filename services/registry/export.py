"""Streaming CSV export of any keyset-paginated list, without materializing it.

The response body is generated page by page: each page of ``EXPORT_PAGE`` rows is
fetched with the list's own keyset query in a short session of its own (the request's
session has closed by the time the body streams), written as CSV lines and released.
Memory stays bounded by one page whatever the list's length.

Text cells that a spreadsheet would run as a formula (starting with ``=``, ``+``,
``-``, ``@``, tab or carriage return: declared text is anyone's text) are prefixed
with an apostrophe, as OWASP advises against CSV injection; numbers are left alone.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from fastapi.responses import StreamingResponse
from sqlalchemy import Engine
from sqlmodel import Session

from services.common.pagination import PageParams

EXPORT_PAGE = 1000
PageFetcher = Callable[[Session, PageParams], tuple[Sequence[Any], str | None]]

CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "CSV, UTF-8"}
}


_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """A cell value a spreadsheet shows as text instead of evaluating it."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_TRIGGERS):
        return "'" + value
    return value


def _line(values: Sequence[Any]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow([spreadsheet_safe(v) for v in values])
    return buffer.getvalue()


def csv_rows(
    engine: Engine,
    *,
    header: Sequence[str],
    fetch_page: PageFetcher,
    to_row: Callable[[Any], Sequence[Any]],
) -> Iterator[str]:
    """The CSV text, one page of rows at a time."""
    yield "\ufeff" + _line(header)  # BOM: spreadsheet software then reads UTF-8
    cursor: str | None = None
    while True:
        with Session(engine) as session:
            rows, cursor = fetch_page(session, PageParams(limit=EXPORT_PAGE, cursor=cursor))
            chunk = "".join(_line(to_row(row)) for row in rows)
        yield chunk
        if cursor is None:
            return


def csv_response(
    engine: Engine,
    *,
    filename: str,
    header: Sequence[str],
    fetch_page: PageFetcher,
    to_row: Callable[[Any], Sequence[Any]],
) -> StreamingResponse:
    """A streamed ``text/csv`` attachment of the whole list."""
    return StreamingResponse(
        csv_rows(engine, header=header, fetch_page=fetch_page, to_row=to_row),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
