"""Amendments: a new version from a merge patch, never an overwrite."""

from __future__ import annotations

from datetime import datetime

from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from services.common.errors import (
    Conflict,
    FieldProblem,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
    ValidationFailed,
    format_loc,
)
from services.common.security import Principal
from services.declarations.amendments.merge_patch import merge_patch
from services.declarations.amendments.schemas import Amendment
from services.declarations.declarations import repository
from services.declarations.declarations.access import Visibility, require_declaring_state
from services.declarations.declarations.checks import check_document, item_rows
from services.declarations.declarations.intake import store_item_index
from services.declarations.declarations.records import (
    canonical_record,
    document_of,
    etag_of,
    parse_record,
    record_of,
    retain_until,
)
from services.declarations.declarations.schemas import DeclarationDocument
from services.declarations.declarations.views import DeclarationCreated
from services.declarations.log import service as log
from services.declarations.log.service import LogContext

IMMUTABLE = ("type", "declaring_country")


def _matches(if_match: str, current_etag: str) -> bool:
    # RFC 9110 13.1.1: If-Match compares strongly, so a weak tag (W/"...") matches
    # nothing; it stays in the list as itself and never equals a strong tag.
    candidates = [tag.strip() for tag in if_match.split(",")]
    return "*" in candidates or current_etag in candidates


def patched_document(current: dict[str, object], amendment: Amendment) -> DeclarationDocument:
    """The current document with the patch applied, validated like a new declaration."""
    document = merge_patch(document_of(current), amendment.changes)
    problems = [
        FieldProblem(loc=f"changes.{name}", msg="cannot be amended; make a new declaration")
        for name in IMMUTABLE
        if name in amendment.changes
    ]
    try:
        parsed = DeclarationDocument.model_validate(document)
    except ValidationError as exc:
        problems += [
            FieldProblem(loc=format_loc(e["loc"]), msg=e["msg"], type=e["type"])
            for e in exc.errors()
        ]
        raise ValidationFailed(problems, detail="The amended declaration is invalid") from exc
    if problems:
        raise ValidationFailed(problems)
    return parsed


def amend(
    session: Session,
    *,
    principal: Principal,
    declaration_id: str,
    amendment: Amendment,
    knowable: Visibility,
    if_match: str | None,
    mission_known: bool | None,
    now: datetime,
    log_context: LogContext,
    retention_years: int,
) -> DeclarationCreated:
    """Append version n+1 of the caller's own declaration.

    404 when the caller may not know the declaration (outside ``knowable``), 403
    when it may know it but is not the declaring state, 428 without
    ``If-Match``, 412 when it names another version than the current one.
    """
    row = repository.find_current(
        session, declaration_id, knowable.scope, own_country=knowable.own_country
    )
    if row is None:
        raise NotFound(f"No declaration {declaration_id}", code="declaration_not_found")
    require_declaring_state(principal, row)
    if if_match is None:
        raise PreconditionRequired(
            "Send If-Match with the ETag of the version you amend", code="if_match_required"
        )
    if not _matches(if_match, etag_of(row.record_sha256)):
        raise PreconditionFailed(
            "The declaration changed since you read it; fetch it again and re-apply",
            code="stale_version",
        )
    current = parse_record(repository.content_of(session, row.id, row.version))
    if row.disposed_at is not None or current is None:
        raise Conflict("The declaration was disposed of", code="disposed")
    document = patched_document(current, amendment)
    checked = check_document(
        session,
        document=document,
        today=now.date(),
        mission_known=mission_known,
        declaration_id=declaration_id,
    )
    version = row.version + 1
    content, digest = canonical_record(record_of(declaration_id, version, document))
    # Retention only ever grows: an amendment is a new declaration date.
    keep_until = max(
        row.retain_until,
        retain_until(event_date=document.event_date, declared_on=now.date(), years=retention_years),
    )
    repository.delete_items(session, declaration_id)
    store_item_index(
        session, [{**row, "declaration_id": declaration_id} for row in item_rows(checked)]
    )
    entry = log.make_entry(
        "amendment",
        now,
        declaration_id=declaration_id,
        version=version,
        record_sha256=digest,
        previous_record_sha256=row.record_sha256,
        reason=amendment.reason,
        retain_until=keep_until.isoformat(),
        submitted_by=principal.submitted_by(),
    )
    (appended,) = log.append(session, log=log_context, entries=[entry], now=now)
    try:
        repository.insert_versions(
            session,
            [
                {
                    "declaration_id": declaration_id,
                    "version": version,
                    "record_sha256": digest,
                    "event_date": document.event_date,
                    "mission": document.mission,
                    "undeclared": checked.undeclared,
                    "retain_until": keep_until,
                    "reason": amendment.reason,
                    "created_at": now,
                    "created_by": principal.client_id,
                    "created_by_type": principal.subject_type,
                    "created_by_org": principal.org,
                    "log_index": appended.index,
                }
            ],
            [{"declaration_id": declaration_id, "version": version, "content": content}],
        )
    except IntegrityError as exc:
        # A racing amendment of the same version committed first (same If-Match):
        # version n+1 exists now. Nothing of this one is kept (the transaction rolls back).
        raise PreconditionFailed(
            "The declaration changed since you read it; fetch it again and re-apply",
            code="stale_version",
        ) from exc
    return DeclarationCreated(
        id=declaration_id,
        version=version,
        log_index=appended.index,
        retain_until=keep_until,
        record_sha256=digest,
        etag=etag_of(digest),
    )
