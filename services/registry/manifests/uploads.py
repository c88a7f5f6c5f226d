"""Turning an uploaded manifest (form fields + CSV/XLSX file) into a header and items."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Final

from pydantic import TypeAdapter, ValidationError

from services.common.errors import ValidationFailed
from services.registry.manifests.imports import ParsedSheet, parse_sheet
from services.registry.manifests.item_rules import REQUIRED
from services.registry.manifests.schemas import ManifestHeader, ManifestItemIn

ITEMS_ADAPTER: Final = TypeAdapter(list[ManifestItemIn])

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
    """A validated upload, ready for the manifest service."""

    header: ManifestHeader
    items: list[ManifestItemIn]
    sheet: ParsedSheet
    fingerprint: dict[str, Any]


def _header_problems(exc: ValidationError) -> list[dict[str, str]]:
    return [
        {"loc": ".".join(str(p) for p in e["loc"]) or "form", "msg": e["msg"]}
        for e in exc.errors(include_url=False)
    ]


def _cell_problems(sheet: ParsedSheet, exc: ValidationError) -> list[dict[str, str]]:
    """Type errors and missing fields together, in row order (the service would only see
    the missing fields once the types are right)."""
    found: list[tuple[int, int, str, str]] = []
    for error in exc.errors(include_url=False):
        loc = error["loc"]
        index = loc[0] if loc and isinstance(loc[0], int) else 0
        name = str(loc[1]) if len(loc) > 1 else "kind"
        found.append((index, 0, sheet.locate(index, name), error["msg"]))
    for index, item in enumerate(sheet.items):
        kind = item.get("kind")
        for name in REQUIRED.get(kind, ()) if isinstance(kind, str) else ():
            if item.get(name) is None:
                found.append((index, 1, sheet.locate(index, name), f"required for a {kind} item"))
    return [{"loc": loc, "msg": msg} for _, _, loc, msg in sorted(found)]


def read_upload(*, form: dict[str, Any], data: bytes, filename: str | None) -> Upload:
    """Validate the form fields and the file together; 422 naming every row and column."""
    errors: list[dict[str, str]] = []
    header: ManifestHeader | None = None
    try:
        header = ManifestHeader.model_validate({k: v for k, v in form.items() if v is not None})
    except ValidationError as exc:
        errors.extend(_header_problems(exc))
    sheet = parse_sheet(data, filename)
    errors.extend(sheet.errors)
    items: list[ManifestItemIn] = []
    if not sheet.errors:
        try:
            items = ITEMS_ADAPTER.validate_python(sheet.items)
        except ValidationError as exc:
            errors.extend(_cell_problems(sheet, exc))
    if errors or header is None:
        raise ValidationFailed(errors, detail=f"{len(errors)} problem(s); nothing was stored")
    fingerprint = {
        "form": header.model_dump(mode="json"),
        "file_sha256": hashlib.sha256(data).hexdigest(),
    }
    return Upload(header=header, items=items, sheet=sheet, fingerprint=fingerprint)
