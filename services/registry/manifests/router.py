"""Deployment manifests: JSON, CSV/XLSX import, template, lists and items."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Body, File, Form, Query, Request, UploadFile
from fastapi.responses import Response, StreamingResponse
from sqlmodel import Session

from services.common.database import SessionDep, run_write_session
from services.common.errors import problem_responses
from services.common.idempotency import IdempotencyDep, PendingIdempotencyDep
from services.common.pagination import Page, PageParamsDep
from services.common.replica import ReadSessionDep
from services.common.security import ReadScopeDep
from services.registry.deps import WriterDep
from services.registry.export import CSV_RESPONSE, csv_response
from services.registry.manifests import service
from services.registry.manifests.drafts import read_manifest
from services.registry.manifests.schemas import (
    Direction,
    ManifestBody,
    ManifestItemRead,
    ManifestRead,
)
from services.registry.manifests.uploads import TEMPLATE_CSV, read_upload_in_worker

router = APIRouter(prefix="/manifests", tags=["manifests"])
WRITE_PROBLEMS = problem_responses(403, 413, 415, 422)


def _created(idempotency: IdempotencyDep, manifest: object) -> Response:
    body = ManifestRead.model_validate(manifest)
    return idempotency.respond(body, headers={"Location": f"/registry/v1/manifests/{body.id}"})


@router.post("", status_code=201, response_model=ManifestRead, responses=WRITE_PROBLEMS)
def create_manifest(
    payload: Annotated[ManifestBody, Body()],
    principal: WriterDep,
    session: SessionDep,
    idempotency: IdempotencyDep,
) -> Response:
    """Declare materiel crossing into or out of a mission area: all items stored or none.

    Up to 100,000 items (body limit: the service's bulk limit, 128 MiB by
    default). Every problem is listed in one 422, located as ``items[17].serial_number``:
    type errors, the fields each kind needs, and the in/out rules together.
    Needs ``manifests:write``; a member state posts only for its own country.
    """
    replayed = idempotency.replay()
    if replayed is not None:
        return replayed
    manifest = service.create_manifest(
        session=session, principal=principal, draft=read_manifest(payload)
    )
    return _created(idempotency, manifest)


@router.post("/import", status_code=201, response_model=ManifestRead, responses=WRITE_PROBLEMS)
async def import_manifest(
    request: Request,
    principal: WriterDep,
    pending: PendingIdempotencyDep,
    file: Annotated[UploadFile, File(description="CSV (UTF-8 or Latin-1, , or ;) or XLSX")],
    direction: Annotated[str | None, Form()] = None,
    mission: Annotated[str | None, Form()] = None,
    contributing_country: Annotated[str | None, Form()] = None,
    unit: Annotated[str | None, Form()] = None,
    crossing_date: Annotated[str | None, Form()] = None,
    crossing_point: Annotated[str | None, Form()] = None,
    reference: Annotated[str | None, Form()] = None,
    correction: Annotated[str | None, Form()] = None,
    closes_rotation: Annotated[str | None, Form()] = None,
    rotation_end_date: Annotated[str | None, Form()] = None,
) -> Response:
    """The same as ``POST /manifests`` from a CSV or XLSX file with the header as form fields.

    Columns are the item field names in English or French (see the template);
    problems name the row and the column, e.g. ``row 18, column F (numéro de série)``.
    An ``in`` manifest's planned end of rotation is the form field ``rotation_end_date``
    or a column of that name (``fin_de_rotation``), written on any row (one value).
    Reading the file is bounded (rows, columns, line length, unpacked workbook size,
    time: settings ``REGISTRY_IMPORT_*``); over a bound the answer is a 413 naming the
    file and the bound. The file is read before any database lock is taken.
    """
    form = {
        "direction": direction,
        "mission": mission,
        "contributing_country": contributing_country,
        "unit": unit,
        "crossing_date": crossing_date,
        "crossing_point": crossing_point,
        "reference": reference,
        "correction": correction,
        "closes_rotation": closes_rotation,
        "rotation_end_date": rotation_end_date,
    }
    upload = await read_upload_in_worker(request, form=form, file=file.file, filename=file.filename)

    def store(session: Session) -> Response:
        idempotency = pending.bind(session, fingerprint=upload.fingerprint)
        replayed = idempotency.replay()
        if replayed is not None:
            return replayed
        manifest = service.create_manifest(session=session, principal=principal, draft=upload.draft)
        return _created(idempotency, manifest)

    return await run_write_session(request, store)


@router.get("/template.csv", response_class=Response, responses=CSV_RESPONSE)
def manifest_template() -> Response:
    """An example CSV manifest with every column (English headers; French ones work too)."""
    return Response(
        TEMPLATE_CSV,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="manifest-template.csv"'},
    )


@router.get("", response_model=Page[ManifestRead], responses=problem_responses(403))
def list_manifests(
    session: ReadSessionDep,
    scope: ReadScopeDep,
    page: PageParamsDep,
    mission: Annotated[str | None, Query(max_length=32)] = None,
    country: Annotated[str | None, Query(min_length=3, max_length=3)] = None,
    direction: Direction | None = None,
    crossed_from: date | None = None,
    crossed_to: date | None = None,
    unit: Annotated[
        str | None, Query(max_length=255, description="The unit, exactly but in any case")
    ] = None,
) -> Page[ManifestRead]:
    """Manifests the caller may read (own country; a secretariat's members by date)."""
    manifests, cursor = service.list_manifests(
        session=session,
        scope=scope,
        params=page,
        mission=mission,
        country=country,
        direction=direction,
        crossed_from=crossed_from,
        crossed_to=crossed_to,
        unit=unit,
    )
    return Page(items=[ManifestRead.model_validate(m) for m in manifests], next_cursor=cursor)


@router.get("/{manifest_id}", response_model=ManifestRead, responses=problem_responses(403, 404))
def get_manifest(manifest_id: str, session: SessionDep, scope: ReadScopeDep) -> ManifestRead:
    """One manifest (404 if it does not exist or the caller may not read it)."""
    manifest = service.get_manifest(session=session, scope=scope, manifest_id=manifest_id)
    return ManifestRead.model_validate(manifest)


@router.get(
    "/{manifest_id}/items",
    response_model=Page[ManifestItemRead],
    responses=problem_responses(403, 404),
)
def list_manifest_items(
    manifest_id: str,
    session: SessionDep,
    scope: ReadScopeDep,
    page: PageParamsDep,
    q: Annotated[
        str | None,
        Query(
            max_length=100,
            description="Only items whose serial number, lot number, manufacturer or model"
            " contains this text (any case)",
        ),
    ] = None,
) -> Page[ManifestItemRead]:
    """A manifest's items in declaration order, as declared and normalized."""
    items, cursor = service.list_manifest_items(
        session=session, scope=scope, manifest_id=manifest_id, params=page, search=q
    )
    return Page(items=[ManifestItemRead.model_validate(i) for i in items], next_cursor=cursor)


ITEMS_CSV_HEADER = (
    "line",
    "kind",
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
)


@router.get(
    "/{manifest_id}/items/export.csv",
    response_class=StreamingResponse,
    responses={**CSV_RESPONSE, **problem_responses(403, 404)},
)
def export_manifest_items(
    manifest_id: str, request: Request, session: SessionDep, scope: ReadScopeDep
) -> StreamingResponse:
    """A manifest's items as CSV (the import columns), streamed page by page: 100,000
    items never sit in memory at once."""
    service.get_manifest(session=session, scope=scope, manifest_id=manifest_id)
    return csv_response(
        request.app.state.engine,
        filename=f"manifest-{manifest_id}.csv",
        header=ITEMS_CSV_HEADER,
        fetch_page=lambda s, p: service.list_manifest_items(
            session=s, scope=scope, manifest_id=manifest_id, params=p
        ),
        to_row=lambda item: [getattr(item, column) for column in ITEMS_CSV_HEADER],
    )
