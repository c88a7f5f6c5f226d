"""``/declarations/v1/declarations/import``: declarations in bulk from a spreadsheet."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import Annotated

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.responses import Response
from sqlmodel import Session

from services.common.database import run_write_session
from services.common.errors import problem_responses
from services.common.idempotency import PendingIdempotencyDep
from services.common.sheets import read_in_worker
from services.declarations.declarations.schemas import MAX_BATCH_DECLARATIONS, MAX_BATCH_ITEMS
from services.declarations.deps import LogDep, MissionsDep, NowDep, SettingsDep, WriterDep
from services.declarations.imports import service
from services.declarations.imports.columns import COLUMNS
from services.declarations.imports.schemas import ImportCreated
from services.declarations.imports.sheet import read_declarations
from services.declarations.imports.template import TemplateFormat, TemplateLanguage, template

IMPORT_DESCRIPTION = f"""One row is one item; rows sharing a `declaration_ref` (the file's own
reference) make one declaration, whose own columns (type, country, date, place, ...) are
given on its rows. Headers in English or French: see `GET .../import/template`.

Every declaration is checked and logged as by `POST /declarations` (through the batch
write path: one log append, one signed checkpoint); any problem is a 422 naming every
problem by row and column, in the header's language, and nothing is stored. At most
{MAX_BATCH_DECLARATIONS:,} declarations and {MAX_BATCH_ITEMS:,} items; reading is bounded
(bytes, rows, columns, line length, unpacked workbook size, time: settings
`DECLARATIONS_IMPORT_*`); a file over a bound is a 413. Retry with the same
`Idempotency-Key` to get the first answer again."""
router = APIRouter(prefix="/declarations/import", tags=["declarations"])
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@router.post(
    "",
    status_code=201,
    response_model=ImportCreated,
    summary="Declare from a CSV or XLSX file, all or none",
    description=IMPORT_DESCRIPTION,
    responses=problem_responses(403, 409, 413, 415, 422, 503),
)
async def import_declarations(
    request: Request,
    principal: WriterDep,
    pending: PendingIdempotencyDep,
    missions: MissionsDep,
    now: NowDep,
    log: LogDep,
    settings: SettingsDep,
    file: Annotated[
        UploadFile, File(description="CSV (UTF-8 or Windows-1252; , ; or tab) or XLSX")
    ],
) -> Response:
    limits = settings.import_limits(strings_per_row=len(COLUMNS))
    sheet = await read_in_worker(
        request, partial(read_declarations, file.file, file.filename, limits=limits)
    )
    codes = sorted({d.mission for d in sheet.documents if d.mission is not None})
    answers = await asyncio.gather(*(missions.knows(c, principal.token) for c in codes))

    def store(session: Session) -> Response:
        idempotency = pending.bind(session, fingerprint=sheet.fingerprint)
        replayed = idempotency.replay()
        if replayed is not None:
            return replayed
        created = service.store_imported(
            session,
            principal=principal,
            sheet=sheet,
            missions_known={c: bool(a) for c, a in zip(codes, answers, strict=True)},
            now=now,
            log_context=log,
            retention_years=settings.retention_years,
        )
        return idempotency.respond(created, status_code=201)

    return await run_write_session(request, store)


@router.get(
    "/template",
    response_class=Response,
    summary="The import template: every column of every kind, with examples",
    responses={
        200: {
            "description": "The template",
            "content": {MEDIA_TYPES["csv"]: {}, MEDIA_TYPES["xlsx"]: {}},
        },
        **problem_responses(422),
    },
)
def import_template(
    format: Annotated[TemplateFormat, Query(description="csv or xlsx")] = "csv",
    lang: Annotated[TemplateLanguage, Query(description="headers in en or fr")] = "en",
) -> Response:
    """Every column of every kind (weapon, ammunition, part, ordnance, explosive), with
    example rows for a seizure, a DDR collection and a destruction declared by MLI."""
    return Response(
        template(format, lang),
        media_type=MEDIA_TYPES[format],
        headers={
            "Content-Disposition": f'attachment; filename="declarations-template-{lang}.{format}"'
        },
    )
