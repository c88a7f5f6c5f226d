"""Turning an uploaded manifest (form fields + CSV/XLSX file) into a manifest draft."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Final

from services.common.errors import ValidationFailed
from services.registry.manifests.drafts import ManifestDraft, read_header, read_items
from services.registry.manifests.imports import parse_sheet

TEMPLATE_CSV: Final = (
    "kind,category,manufacturer,model,calibre,serial_number,year_of_manufacture,"
    "country_of_manufacture,markings,lot_number,ammunition_type,quantity,description\n"
    "weapon,assault_rifle,Kalashnikov Concern,AK-103,7.62x39mm,KC-0001234,2015,RUS,"
    "SEN-FAR 2016,,,,\n"
    "weapon,revolver_pistol,FN Herstal,Five-seveN,5.7x28mm,386C12345,2019,BEL,,,,,\n"
    "ammunition,,Hirtenberger,,5.56x45mm NATO,,2021,AUT,,HP-21-044,ball,12000,\n"
    "part,,,,,BR-77120,,,,,,4,Spare barrel AK-103\n"
)


@dataclass
class Upload:
    """A read upload: the draft for the manifest service (its problems named by row and
    column) and what identifies the request for idempotency."""

    draft: ManifestDraft
    fingerprint: dict[str, Any]


def read_upload(*, form: dict[str, Any], data: bytes, filename: str | None) -> Upload:
    """Read the form fields and the file together.

    A file that cannot be read as a table (422 at once, with the form's problems) ends
    here; problems in cells are returned for the service to list with the per-kind and
    in/out rules, each named by row and column.
    """
    fields = {k: v for k, v in form.items() if v is not None}
    header, problems = read_header(fields, root="form")
    sheet = parse_sheet(data, filename)
    if sheet.errors:
        errors = problems + sheet.errors
        raise ValidationFailed(errors, detail=f"{len(errors)} problem(s); nothing was stored")
    draft = read_items(
        sheet.items, header=header, problems=problems, locate=sheet.locate, list_loc="file"
    )
    fingerprint = {
        "form": header.model_dump(mode="json") if header is not None else fields,
        "file_sha256": hashlib.sha256(data).hexdigest(),
    }
    return Upload(draft=draft, fingerprint=fingerprint)
