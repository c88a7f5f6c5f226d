"""Record versions: their canonical bytes, hash, ETag and retention date."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from services.common.errors import ValidationFailed
from services.common.transparency.canonical import sha256_hex
from services.declarations.canonical import fast_canonical_json
from services.declarations.declarations.schemas import DeclarationDocument


def record_of(declaration_id: str, version: int, document: DeclarationDocument) -> dict[str, Any]:
    """The record a version stores and hashes: id, version and the document."""
    return {
        "id": declaration_id,
        "version": version,
        **document.model_dump(mode="json", exclude_none=True),
    }


def document_of(record: dict[str, Any]) -> dict[str, Any]:
    """The amendable document inside a record (without id and version)."""
    return {k: v for k, v in record.items() if k not in ("id", "version")}


def canonical_record(record: dict[str, Any]) -> tuple[str, str]:
    """(canonical JSON text, its SHA-256 hex) of a record; 422 when it has no canonical form."""
    try:
        data = fast_canonical_json(record)
    except ValueError as exc:  # e.g. text with unpaired surrogates: not Unicode, not JSON text
        raise ValidationFailed(
            [{"loc": "body", "msg": f"the declaration cannot be canonicalized: {exc}"}]
        ) from exc
    return data.decode(), sha256_hex(data)


def parse_record(content: str | None) -> dict[str, Any] | None:
    """A stored content back as a JSON object (None once disposed)."""
    if content is None:
        return None
    value = json.loads(content)
    assert isinstance(value, dict)
    return value


def etag_of(record_sha256: str) -> str:
    """The strong ETag of a version: its record hash."""
    return f'"{record_sha256}"'


def add_years(day: date, years: int) -> date:
    """``day`` plus ``years`` calendar years; 29 February moves to 1 March (never earlier)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


def retain_until(*, event_date: date, declared_on: date, years: int) -> date:
    """``years`` after the later of the event and the declaration (art. 22.2: at least 30)."""
    return add_years(max(event_date, declared_on), years)
