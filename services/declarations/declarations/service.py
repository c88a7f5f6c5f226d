"""Declaring materiel seized, collected and destroyed; reading declarations."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session

from services.common.errors import NotFound
from services.common.pagination import PageParams
from services.common.security import Principal, ReadScope
from services.common.submitted_by import submitted_by_of
from services.declarations.declarations import repository
from services.declarations.declarations.checks import check_document
from services.declarations.declarations.intake import new_declaration, store_new_declarations
from services.declarations.declarations.records import parse_record
from services.declarations.declarations.schemas import DeclarationDocument
from services.declarations.declarations.views import (
    DeclarationCreated,
    DeclarationSummary,
    DeclarationView,
    VersionView,
)
from services.declarations.log.service import LogContext


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
    new = new_declaration(checked, declared_on=now.date(), retention_years=retention_years)
    (created,) = store_new_declarations(
        session, principal=principal, declarations=[new], now=now, log_context=log_context
    )
    return created


def get_declaration(session: Session, *, declaration_id: str, scope: ReadScope) -> DeclarationView:
    """One declaration the caller may read (404 otherwise), with its current record."""
    row = repository.find_current(session, declaration_id, scope)
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
        submitted_by=submitted_by_of(row.declared_by_type, row.declared_by, row.declared_by_org),
        disposed_at=row.disposed_at,
        disposal_log_index=row.disposal_log_index,
        disposal_submitted_by=submitted_by_of(
            row.disposed_by_type, row.disposed_by, row.disposed_by_org
        ),
        record=parse_record(content),
    )


def list_versions(session: Session, *, declaration_id: str, scope: ReadScope) -> list[VersionView]:
    """Every version of a readable declaration, oldest first."""
    if repository.find_current(session, declaration_id, scope) is None:
        raise NotFound(f"No declaration {declaration_id}", code="declaration_not_found")
    return [
        VersionView(
            version=r.version,
            record_sha256=r.record_sha256,
            log_index=r.log_index,
            reason=r.reason,
            created_at=repository.as_utc(r.created_at),
            created_by=r.created_by,
            submitted_by=submitted_by_of(r.created_by_type, r.created_by, r.created_by_org),
            retain_until=r.retain_until,
            record=parse_record(r.content),
        )
        for r in repository.versions_of(session, declaration_id)
    ]


def list_declarations(
    session: Session,
    *,
    scope: ReadScope,
    page: PageParams,
    declaration_type: str | None = None,
    declaring_country: str | None = None,
    mission: str | None = None,
    undeclared: bool | None = None,
    event_from: date | None = None,
    event_to: date | None = None,
) -> tuple[list[DeclarationSummary], str | None]:
    """Readable declarations, oldest declared first, keyset-paginated; None filters select all."""
    rows, cursor = repository.list_current(
        session,
        scope=scope,
        page=page,
        declaration_type=declaration_type,
        declaring_country=declaring_country,
        mission=mission,
        undeclared=undeclared,
        event_from=event_from,
        event_to=event_to,
    )
    summaries = [
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
            submitted_by=submitted_by_of(
                row.declared_by_type, row.declared_by, row.declared_by_org
            ),
            disposed=row.disposed_at is not None,
        )
        for row in rows
    ]
    return summaries, cursor
