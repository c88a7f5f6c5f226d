"""Queries of declarations, their versions, contents and item index."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, delete, exists, func, or_, select
from sqlalchemy.sql.selectable import ScalarSelect
from sqlmodel import Session

from services.common.pagination import PageParams, paginate
from services.common.security import ReadScope
from services.declarations.bulk_repository import insert_rows
from services.declarations.models import (
    declaration_contents,
    declaration_versions,
    declarations,
    disposals,
    incidents,
    items,
)


@dataclass(frozen=True)
class DeclarationRow:
    """A declaration with its current (latest) version."""

    id: str
    type: str
    declaring_country: str
    declared_at: datetime
    declared_by: str
    version: int
    record_sha256: str
    event_date: date
    mission: str | None
    undeclared: bool
    retain_until: date
    log_index: int
    disposed_at: datetime | None
    disposal_log_index: int | None
    # Who declared it (version 1): person or client and its organisation (None before
    # declarations0010).
    declared_by_type: str | None
    declared_by_org: str | None
    # Who disposed of it (None while kept, and the type and organisation before
    # declarations0010).
    disposed_by: str | None
    disposed_by_type: str | None
    disposed_by_org: str | None


# tenancy: correlated subquery of _current_select, whose callers filter the declaration row
def _latest_version() -> ScalarSelect[Any]:
    inner = declaration_versions.alias("newer")
    return (
        select(func.max(inner.c.version))
        .where(inner.c.declaration_id == declarations.c.id)
        .scalar_subquery()
    )


# The first version, whose actor is the declaration's.
_FIRST = declaration_versions.alias("first_version")


# tenancy: builder; find_current, list_current add _visible(scope), find_many the own country
def _current_select() -> Select[Any]:
    """Declarations joined to their latest version and their disposal, if any."""
    v, first = declaration_versions, _FIRST
    return (
        select(
            declarations.c.id,
            declarations.c.type,
            declarations.c.declaring_country,
            declarations.c.declared_at,
            declarations.c.declared_by,
            v.c.version,
            v.c.record_sha256,
            v.c.event_date,
            v.c.mission,
            v.c.undeclared,
            v.c.retain_until,
            v.c.log_index,
            disposals.c.disposed_at,
            disposals.c.log_index.label("disposal_log_index"),
            first.c.created_by_type.label("declared_by_type"),
            first.c.created_by_org.label("declared_by_org"),
            disposals.c.disposed_by,
            disposals.c.disposed_by_type,
            disposals.c.disposed_by_org,
        )
        .select_from(declarations)
        .join(v, and_(v.c.declaration_id == declarations.c.id, v.c.version == _latest_version()))
        .join(first, and_(first.c.declaration_id == declarations.c.id, first.c.version == 1))
        .outerjoin(disposals, disposals.c.declaration_id == declarations.c.id)
    )


# Every version of a declaration, for visibility (one alias: ReadScope caches its
# clauses per column).
_DATED = declaration_versions.alias("dated")


def _visible(scope: ReadScope, own_country: str | None) -> ColumnElement[bool]:
    """Declarations ``scope`` lets the caller read, by declaring country and the event date
    of any of their versions, and (``own_country``) every declaration of that country.

    Any version, not only the current one: visibility only grows, so amending the event
    date out of a secretariat's membership period does not hide the record, its history
    or its holds from a secretariat that could read it."""
    dated = _DATED
    readable_version = scope.clause(declarations.c.declaring_country, dated.c.event_date)
    readable: ColumnElement[bool] = (
        readable_version
        if scope.everything or not scope.periods
        else exists(
            select(dated.c.version).where(
                dated.c.declaration_id == declarations.c.id, readable_version
            )
        )
    )
    if own_country is None:
        return readable
    # or_() drops a false() ``readable`` and becomes true() with a true() one.
    return or_(declarations.c.declaring_country == own_country, readable)


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; every stored datetime is UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _to_row(row: Any) -> DeclarationRow:
    """A result row of :func:`_current_select` as a :class:`DeclarationRow`."""
    values = dict(row._mapping)
    values["declared_at"] = as_utc(values["declared_at"])
    if values["disposed_at"] is not None:
        values["disposed_at"] = as_utc(values["disposed_at"])
    return DeclarationRow(**values)


def find_current(
    session: Session, declaration_id: str, scope: ReadScope, *, own_country: str | None = None
) -> DeclarationRow | None:
    """The declaration with its latest version, if it exists and the caller sees it.

    The caller sees what ``scope`` lets it read and, when ``own_country`` is given,
    every declaration of that country whatever its date.
    """
    row = session.execute(
        _current_select().where(declarations.c.id == declaration_id, _visible(scope, own_country))
    ).first()
    return None if row is None else _to_row(row)


def find_many(
    session: Session, ids: Sequence[str], *, declaring_country: str
) -> dict[str, DeclarationRow]:
    """The declarations among ``ids`` that ``declaring_country`` declared."""
    if not ids:
        return {}
    rows = session.execute(
        _current_select().where(
            declarations.c.id.in_(ids), declarations.c.declaring_country == declaring_country
        )
    ).all()
    return {r.id: _to_row(r) for r in rows}


def list_current(
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
) -> tuple[list[DeclarationRow], str | None]:
    """Declarations ``scope`` lets the caller read, oldest declared first, one page of them.

    The filters left as None select everything; ``mission`` and ``undeclared``
    are those of the current version.
    """
    filters: list[ColumnElement[bool]] = [_visible(scope, None)]
    if declaration_type is not None:
        filters.append(declarations.c.type == declaration_type)
    if declaring_country is not None:
        filters.append(declarations.c.declaring_country == declaring_country)
    if mission is not None:
        filters.append(declaration_versions.c.mission == mission)
    if undeclared is not None:
        filters.append(declaration_versions.c.undeclared == undeclared)
    if event_from is not None:
        filters.append(declaration_versions.c.event_date >= event_from)
    if event_to is not None:
        filters.append(declaration_versions.c.event_date <= event_to)
    rows, cursor = paginate(
        session,
        _current_select().where(*filters),
        key=[declarations.c.declared_at, declarations.c.id],
        params=page,
        key_of=lambda r: (r.declared_at, r.id),
    )
    return [_to_row(r) for r in rows], cursor


# tenancy: declarations/service.py list_versions checks find_current(scope) first (404)
def versions_of(session: Session, declaration_id: str) -> list[Any]:
    """Every version of a declaration with its content (NULL once disposed), oldest first."""
    v, c = declaration_versions, declaration_contents
    return list(
        session.execute(
            select(v, c.c.content)
            .select_from(v)
            .join(c, and_(c.c.declaration_id == v.c.declaration_id, c.c.version == v.c.version))
            .where(v.c.declaration_id == declaration_id)
            .order_by(v.c.version)
        ).all()
    )


# tenancy: callers check find_current(scope) first: get_declaration, amendments amend_declaration
def content_of(session: Session, declaration_id: str, version: int) -> str | None:
    """The canonical JSON of one version (None once disposed)."""
    return session.execute(
        select(declaration_contents.c.content).where(
            declaration_contents.c.declaration_id == declaration_id,
            declaration_contents.c.version == version,
        )
    ).scalar_one_or_none()


def insert_declarations(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Store the immutable heads of new declarations (one bulk insert)."""
    insert_rows(session, declarations, rows)


def insert_items(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Add rows to the item index (one bulk insert; ``destroyed_key`` is unique per
    ``destroyed_country``)."""
    insert_rows(session, items, rows)


def insert_versions(
    session: Session, versions: Sequence[dict[str, Any]], contents: Sequence[dict[str, Any]]
) -> None:
    """Store versions' metadata and their contents (two bulk inserts)."""
    insert_rows(session, declaration_versions, versions)
    insert_rows(session, declaration_contents, contents)


def delete_items(session: Session, declaration_id: str) -> None:
    """Empty a declaration's item index (before rebuilding it for an amendment)."""
    session.execute(delete(items).where(items.c.declaration_id == declaration_id))


# tenancy: ids from find_many of checks.py check_document: the caller's own country's declarations
def recorded_keys(session: Session, declaration_ids: Sequence[str]) -> set[str]:
    """Match keys of items recorded by the given (non-destruction) declarations."""
    if not declaration_ids:
        return set()
    return set(
        session.execute(
            select(items.c.match_key).where(
                items.c.declaration_id.in_(declaration_ids),
                items.c.declaration_type != "destruction",
            )
        ).scalars()
    )


# tenancy: the declaring state's own destructions only (``declaring_country``)
def already_destroyed(
    session: Session, keys: Sequence[str], *, declaring_country: str, excluding: str | None
) -> dict[str, str]:
    """Of ``keys``, those ``declaring_country`` already destroyed, with the destroying
    declaration's id. Other states' destructions are never consulted."""
    if not keys:
        return {}
    statement = select(items.c.destroyed_key, items.c.declaration_id).where(
        items.c.destroyed_key.in_(keys), items.c.destroyed_country == declaring_country
    )
    if excluding is not None:
        statement = statement.where(items.c.declaration_id != excluding)
    return {str(k): str(d) for k, d in session.execute(statement).all()}


# tenancy: any state that knows an incident's id may name it; only its existence is checked
def incident_exists(session: Session, incident_id: str) -> bool:
    """Whether an incident with this id exists (a declaration may name it)."""
    statement = select(incidents.c.id).where(incidents.c.id == incident_id)
    return session.execute(statement).first() is not None
