"""Storing an imported file's declarations through the batch write path, all or none."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlmodel import Session

from services.common.errors import AppError
from services.common.security import Principal
from services.declarations.declarations import batch
from services.declarations.imports.schemas import ImportCreated, ImportedDeclaration
from services.declarations.imports.sheet import DeclarationSheet
from services.declarations.log.service import LogContext


def store_imported(
    session: Session,
    *,
    principal: Principal,
    sheet: DeclarationSheet,
    missions_known: Mapping[str, bool],
    now: datetime,
    log_context: LogContext,
    retention_years: int,
) -> ImportCreated:
    """Check, store and log every declaration of ``sheet`` as ``POST /declarations/batch``
    does (the same rules, one log append); a refusal names rows and columns."""
    try:
        batch.require_own_countries(principal, sheet.documents)
        created = batch.create_batch(
            session,
            principal=principal,
            documents=sheet.documents,
            missions_known=missions_known,
            now=now,
            log_context=log_context,
            retention_years=retention_years,
        )
    except AppError as error:
        sheet.relocated(error)
        raise
    return ImportCreated(
        items=[
            ImportedDeclaration(**stored.model_dump(), declaration_ref=group.ref, rows=group.rows)
            for stored, group in zip(created.items, sheet.groups.values(), strict=True)
        ],
        tree_size=created.tree_size,
    )
