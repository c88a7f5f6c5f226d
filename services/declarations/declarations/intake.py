"""Storing new declarations: the write path shared by single and batch declaring.

The order keeps the log lock short. Checks, ids and canonical records are
made in memory first; the declaration heads and their item index are stored
next (a destruction racing another for the same item fails here, on the
unique ``destroyed_key``, before the log is touched); then the log append
takes the lock and stores every entry, the new subtree nodes and one signed
checkpoint; the versions, which carry their log index, come last. The lock
is released when the request's transaction commits.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from services.common.errors import Conflict
from services.common.security import Principal
from services.declarations.declarations import repository
from services.declarations.declarations.checks import CheckedDocument, item_rows
from services.declarations.declarations.records import (
    canonical_record,
    etag_of,
    record_of,
    retain_until,
)
from services.declarations.declarations.views import DeclarationCreated
from services.declarations.log import service as log
from services.declarations.log.service import LogContext


@dataclass(frozen=True)
class NewDeclaration:
    """A checked document with its new id, canonical record (version 1) and retention date."""

    checked: CheckedDocument
    id: str
    content: str
    record_sha256: str
    retain_until: date


def new_declaration(
    checked: CheckedDocument, *, declared_on: date, retention_years: int
) -> NewDeclaration:
    """Give a checked document its id and canonical record."""
    declaration_id = str(uuid.uuid4())
    document = checked.document
    content, digest = canonical_record(record_of(declaration_id, 1, document))
    keep_until = retain_until(
        event_date=document.event_date, declared_on=declared_on, years=retention_years
    )
    return NewDeclaration(checked, declaration_id, content, digest, keep_until)


def store_item_index(session: Session, rows: Sequence[dict[str, object]]) -> None:
    """Insert item index rows; a concurrent destruction of the same item is a 409."""
    try:
        repository.insert_items(session, rows)
    except IntegrityError as exc:
        # No savepoint: the request's transaction is rolled back with the 409.
        raise Conflict(
            "An item in this destruction was destroyed by another declaration meanwhile",
            code="already_destroyed",
        ) from exc


def store_new_declarations(
    session: Session,
    *,
    principal: Principal,
    declarations: Sequence[NewDeclaration],
    now: datetime,
    log_context: LogContext,
) -> list[DeclarationCreated]:
    """Store heads, item index, one log append (one checkpoint) and version 1 of each."""
    repository.insert_declarations(
        session,
        [
            {
                "id": d.id,
                "type": d.checked.document.type,
                "declaring_country": d.checked.document.declaring_country,
                "declared_at": now,
                "declared_by": principal.client_id,
            }
            for d in declarations
        ],
    )
    store_item_index(
        session,
        [{**row, "declaration_id": d.id} for d in declarations for row in item_rows(d.checked)],
    )
    entries = [
        log.make_entry(
            "declaration_version",
            now,
            declaration_id=d.id,
            version=1,
            record_sha256=d.record_sha256,
            declaration_type=d.checked.document.type,
            declaring_country=d.checked.document.declaring_country,
            # The log covers retention: an archive cannot move it (old entries lack it).
            retain_until=d.retain_until.isoformat(),
            submitted_by=principal.submitted_by(),
        )
        for d in declarations
    ]
    appended = log.append(session, log=log_context, entries=entries, now=now)
    repository.insert_versions(
        session,
        [
            {
                "declaration_id": d.id,
                "version": 1,
                "record_sha256": d.record_sha256,
                "event_date": d.checked.document.event_date,
                "mission": d.checked.document.mission,
                "undeclared": d.checked.undeclared,
                "retain_until": d.retain_until,
                "reason": None,
                "created_at": now,
                "created_by": principal.client_id,
                "created_by_type": principal.subject_type,
                "created_by_org": principal.org,
                "log_index": landed.index,
            }
            for d, landed in zip(declarations, appended, strict=True)
        ],
        [{"declaration_id": d.id, "version": 1, "content": d.content} for d in declarations],
    )
    return [
        DeclarationCreated(
            id=d.id,
            version=1,
            log_index=landed.index,
            retain_until=d.retain_until,
            record_sha256=d.record_sha256,
            etag=etag_of(d.record_sha256),
        )
        for d, landed in zip(declarations, appended, strict=True)
    ]
