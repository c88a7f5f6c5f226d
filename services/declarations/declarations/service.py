"""Declaring materiel seized, collected and destroyed; reading declarations."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ColumnElement
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from services.common.errors import Conflict, NotFound
from services.common.pagination import PageParams, paginate
from services.common.security import Principal
from services.declarations.declarations import repository
from services.declarations.declarations.checks import CheckedDocument, check_document, item_rows
from services.declarations.declarations.records import (
    canonical_record,
    etag_of,
    parse_record,
    record_of,
    retain_until,
)
from services.declarations.declarations.schemas import (
    DeclarationCreated,
    DeclarationDocument,
    DeclarationSummary,
    DeclarationView,
    VersionView,
)
from services.declarations.log import service as log
from services.declarations.log.service import LogContext
from services.declarations.models import declarations


def store_items(session: Session, declaration_id: str, checked: CheckedDocument) -> None:
    """Rebuild the item index; a concurrent destruction of the same item is a 409."""
    try:
        with session.begin_nested():
            repository.replace_items(session, declaration_id, item_rows(checked))
    except IntegrityError as exc:
        raise Conflict(
            "An item in this destruction was destroyed by another declaration meanwhile",
            code="already_destroyed",
        ) from exc


def create_declaration(
    session: Session,
    *,
    principal: Principal,
    document: DeclarationDocument,
    mission_known: bool | None,
    now: datetime,
    log_context: LogContext,
    retention_years: int,
) -> DeclarationCreated:
    """Check, store and log version 1 of a new declaration."""
    checked = check_document(
        session, document=document, today=now.date(), mission_known=mission_known
    )
    declaration_id = str(uuid.uuid4())
    record = record_of(declaration_id, 1, document)
    content, digest = canonical_record(record)
    keep_until = retain_until(
        event_date=document.event_date, declared_on=now.date(), years=retention_years
    )
    repository.insert_declaration(
        session,
        id=declaration_id,
        type=document.type,
        declaring_country=document.declaring_country,
        declared_at=now,
        declared_by=principal.client_id,
    )
    store_items(session, declaration_id, checked)
    entry = log.make_entry(
        "declaration_version",
        now,
        declaration_id=declaration_id,
        version=1,
        record_sha256=digest,
        declaration_type=document.type,
        declaring_country=document.declaring_country,
    )
    (appended,) = log.append(session, log=log_context, entries=[entry], now=now)
    repository.insert_version(
        session,
        content=content,
        declaration_id=declaration_id,
        version=1,
        record_sha256=digest,
        event_date=document.event_date,
        mission=document.mission,
        undeclared=checked.undeclared,
        retain_until=keep_until,
        reason=None,
        created_at=now,
        created_by=principal.client_id,
        log_index=appended.index,
    )
    return DeclarationCreated(
        id=declaration_id,
        version=1,
        log_index=appended.index,
        retain_until=keep_until,
        record_sha256=digest,
        etag=etag_of(digest),
    )


def get_declaration(
    session: Session, *, declaration_id: str, readable: ColumnElement[bool]
) -> DeclarationView:
    """One declaration the caller may read (404 otherwise), with its current record."""
    row = repository.find_current(session, declaration_id, readable)
    if row is None:
        raise NotFound(f"No declaration {declaration_id}", code="declaration_not_found")
    content = repository.content_of(session, row.id, row.version)
    return DeclarationView(
        id=row.id,
        type=row.type,
        declaring_country=row.declaring_country,
        version=row.version,
        event_date=row.event_date,
        mission=row.mission,
        undeclared=row.undeclared,
        declared_at=row.declared_at,
        retain_until=row.retain_until,
        record_sha256=row.record_sha256,
        log_index=row.log_index,
        disposed_at=row.disposed_at,
        record=parse_record(content),
    )


def list_versions(
    session: Session, *, declaration_id: str, readable: ColumnElement[bool]
) -> list[VersionView]:
    """Every version of a readable declaration, oldest first."""
    if repository.find_current(session, declaration_id, readable) is None:
        raise NotFound(f"No declaration {declaration_id}", code="declaration_not_found")
    return [
        VersionView(
            version=r.version,
            record_sha256=r.record_sha256,
            log_index=r.log_index,
            reason=r.reason,
            created_at=repository.as_utc(r.created_at),
            created_by=r.created_by,
            retain_until=r.retain_until,
            record=parse_record(r.content),
        )
        for r in repository.versions_of(session, declaration_id)
    ]


def list_declarations(
    session: Session,
    *,
    readable: ColumnElement[bool],
    filters: list[ColumnElement[bool]],
    page: PageParams,
) -> tuple[list[DeclarationSummary], str | None]:
    """Readable declarations, oldest declared first, keyset-paginated."""
    statement = repository.current_select().where(readable, *filters)
    rows, cursor = paginate(
        session,
        statement,
        key=[declarations.c.declared_at, declarations.c.id],
        params=page,
        key_of=lambda r: (r.declared_at, r.id),
    )
    summaries = []
    for raw in rows:
        row = repository.to_row(raw)
        summaries.append(
            DeclarationSummary(
                id=row.id,
                type=row.type,
                declaring_country=row.declaring_country,
                version=row.version,
                event_date=row.event_date,
                mission=row.mission,
                undeclared=row.undeclared,
                declared_at=row.declared_at,
                retain_until=row.retain_until,
                disposed=row.disposed_at is not None,
            )
        )
    return summaries, cursor
