"""Turning an uploaded manifest (form fields + CSV/XLSX file) into a manifest draft."""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import partial
from typing import IO, Any, Final

from fastapi import Request

from services.common.errors import FieldProblem, PayloadTooLarge, ValidationFailed
from services.common.sheets import ImportLimits, file_sha256, read_in_worker
from services.registry.manifests.drafts import (
    ManifestDraft,
    locate_header,
    read_header,
    read_items,
)
from services.registry.manifests.imports import ROTATION_END, ParsedSheet, parse_sheet

TEMPLATE_CSV: Final = (
    "kind,category,manufacturer,model,calibre,serial_number,year_of_manufacture,"
    "country_of_manufacture,markings,lot_number,ammunition_type,quantity,description,"
    "ordnance_type,explosive_type,quantity_unit,rotation_end_date\n"
    "weapon,assault_rifle,Kalashnikov Concern,AK-103,7.62x39mm,KC-0001234,2015,RUS,"
    "SEN-FAR 2016,,,,,,,,\n"
    "weapon,revolver_pistol,FN Herstal,Five-seveN,5.7x28mm,386C12345,2019,BEL,,,,,,,,,\n"
    "weapon,shotgun,Beretta,1301 Tactical,12 gauge,XA123456,2020,ITA,,,,,,,,,\n"
    "ammunition,,Hirtenberger,,5.56x45mm NATO,,2021,AUT,,HP-21-044,ball,12000,,,,,\n"
    "part,,,,,BR-77120,,,,,,4,Spare barrel AK-103,,,,\n"
    "ordnance,,Hirtenberger,M6C-210,60 mm,,2018,AUT,,HG-18-3,,48,,mortar_bomb,,,\n"
    "explosive,,,,,,2022,,,PE-22-9,,25,Plastic explosive in 1 kg blocks,,"
    "bulk_explosive,kg,\n"
)


@dataclass
class Upload:
    """A read upload: the draft for the manifest service (its problems named by row and
    column) and what identifies the request for idempotency."""

    draft: ManifestDraft
    fingerprint: dict[str, Any]


def read_upload(
    *,
    form: dict[str, Any],
    data: bytes | IO[bytes],
    filename: str | None,
    limits: ImportLimits | None = None,
) -> Upload:
    """Read the form fields and the file together, in the bounded memory and time of
    ``limits`` (see ``services.common.sheets``).

    A file over a cap is a 413 naming the file and the cap; a file that cannot be read
    as a table (422 at once, with the form's problems) ends here; problems in cells are
    returned for the service to list with the per-kind and in/out rules, each named by
    row and column.
    """
    stream = io.BytesIO(data) if isinstance(data, bytes) else data
    fields = {k: v for k, v in form.items() if v is not None}
    sheet = parse_sheet(stream, filename, limits)
    name = filename or "the file"
    if sheet.too_large:
        raise PayloadTooLarge(
            f"{name}: over an import limit; nothing was stored",
            code="upload_too_large",
            errors=[p.model_dump(exclude_none=True) for p in sheet.errors],
        )
    header_locs, column_problems = rotation_end_from_file(sheet, fields)
    header, header_problems = read_header(fields, root="form")
    problems = locate_header(header_problems, header_locs) + column_problems
    if sheet.errors:
        errors = problems + sheet.errors
        raise ValidationFailed(
            errors, detail=f"{name}: {len(errors)} problem(s); nothing was stored"
        )
    draft = read_items(
        sheet.items, header=header, problems=problems, locate=sheet.locate, list_loc="file"
    )
    draft.header_locs = header_locs
    fingerprint = {
        "form": header.model_dump(mode="json") if header is not None else fields,
        "file_sha256": file_sha256(stream),
    }
    return Upload(draft=draft, fingerprint=fingerprint)


def rotation_end_from_file(
    sheet: ParsedSheet, fields: dict[str, Any]
) -> tuple[dict[str, str], list[FieldProblem]]:
    """Move the file's ``rotation_end_date`` (one value, on any of its rows) into the
    header ``fields``; where the header's problems with it are then to be named (its first
    cell), and the problems of the column itself: rows that disagree, or a file that
    disagrees with the form field. A blank form field is no planned end."""
    if fields.get(ROTATION_END) == "":
        del fields[ROTATION_END]
    written = sheet.rotation_end_dates
    if not written:
        return {}, []
    first_row, value = written[0]
    loc = sheet.cell_loc(first_row, ROTATION_END)
    problems = [
        FieldProblem(
            loc=sheet.cell_loc(row, ROTATION_END),
            msg=f"differs from row {first_row} ({value}): a manifest has one planned end of "
            "rotation",
        )
        for row, other in written[1:]
        if other != value
    ]
    in_form = fields.get(ROTATION_END)
    if in_form not in (None, "") and in_form != value:
        problems.append(
            FieldProblem(loc=loc, msg=f"differs from the form field {ROTATION_END} ({in_form})")
        )
        return {}, problems
    fields[ROTATION_END] = value
    return {ROTATION_END: loc}, problems


async def read_upload_in_worker(
    request: Request, *, form: dict[str, Any], file: IO[bytes], filename: str | None
) -> Upload:
    """:func:`read_upload` in a worker thread, at most ``REGISTRY_IMPORT_PARSE_CONCURRENCY``
    at once, with the limits of the registry's settings (before any database session)."""
    limits: ImportLimits = request.app.state.settings.import_limits()
    work = partial(read_upload, form=form, data=file, filename=filename, limits=limits)
    return await read_in_worker(request, work)


def read_upload_as_body(
    *,
    form: dict[str, Any],
    data: bytes | IO[bytes],
    filename: str | None,
    limits: ImportLimits | None = None,
) -> dict[str, Any]:
    """The form fields and the file's rows as the JSON body ``POST /manifests`` takes, for
    a draft: cell values are kept as written (the draft lists their problems, located as
    ``items[17].serial_number``). A file over a cap is a 413; a file that cannot be read
    as a table, or cells the reader itself refuses, a 422 naming each (nothing stored)."""
    stream = io.BytesIO(data) if isinstance(data, bytes) else data
    sheet = parse_sheet(stream, filename, limits)
    name = filename or "the file"
    if sheet.too_large:
        raise PayloadTooLarge(
            f"{name}: over an import limit; nothing was stored",
            code="upload_too_large",
            errors=[p.model_dump(exclude_none=True) for p in sheet.errors],
        )
    if sheet.errors:
        raise ValidationFailed(
            sheet.errors, detail=f"{name}: {len(sheet.errors)} problem(s); nothing was stored"
        )
    body: dict[str, Any] = {k: v for k, v in form.items() if v not in (None, "")}
    _, column_problems = rotation_end_from_file(sheet, body)
    if column_problems:
        raise ValidationFailed(
            column_problems, detail=f"{name}: {len(column_problems)} problem(s); nothing was stored"
        )
    body["items"] = sheet.items
    return {"body": body, "file_sha256": file_sha256(stream)}


async def read_upload_as_body_in_worker(
    request: Request, *, form: dict[str, Any], file: IO[bytes], filename: str | None
) -> dict[str, Any]:
    """:func:`read_upload_as_body` in a worker thread, bounded like the import."""
    limits: ImportLimits = request.app.state.settings.import_limits()
    work = partial(read_upload_as_body, form=form, data=file, filename=filename, limits=limits)
    return await read_in_worker(request, work)
