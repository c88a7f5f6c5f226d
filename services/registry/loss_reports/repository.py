"""Queries on loss reports and on the declarations they refer to."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, insert, select
from sqlmodel import Session

from services.common.pagination import PageParams, paginate
from services.common.security import ReadScope
from services.registry.ledger.repository import balance, movements
from services.registry.models import LossReport, LossReportItem
from services.registry.models.handles import loss_items, loss_reports, manifest_items

_CHUNK = 500


# tenancy: write path: create_loss_report, the caller's own contingent (require_own_country)
def declared_weapons(
    session: Session, *, mission: str, country: str, serial_keys: Iterable[str]
) -> list[tuple[str, str, str | None, str | None, str | None]]:
    """Distinct weapons declared in by the contingent with these serial keys:
    (serial_key, manufacturer_key, manufacturer, model, calibre)."""
    mi = manifest_items
    keys = sorted(set(serial_keys))
    found: list[tuple[str, str, str | None, str | None, str | None]] = []
    for start in range(0, len(keys), _CHUNK):
        statement = (
            select(
                mi.c.serial_key,
                mi.c.manufacturer_key,
                mi.c.manufacturer,
                mi.c.model,
                mi.c.calibre,
            )
            .where(
                mi.c.mission_code == mission,
                mi.c.contributing_country == country,
                mi.c.kind == "weapon",
                mi.c.direction == "in",
                mi.c.serial_key.in_(keys[start : start + _CHUNK]),
            )
            .distinct()
        )
        seen: set[tuple[str, str]] = set()
        for row in session.execute(statement):
            identity = (row[0], row[1])
            if identity not in seen:
                seen.add(identity)
                found.append((row[0], row[1], row[2], row[3], row[4]))
    return found


# tenancy: write path: create_loss_report, the caller's own contingent (require_own_country)
def declared_lots(
    session: Session, *, mission: str, country: str, lots: Iterable[tuple[str, str]]
) -> set[tuple[str, str]]:
    """Which (calibre_key, lot_key) pairs the contingent declared in."""
    mi = manifest_items
    wanted = sorted(set(lots))
    found: set[tuple[str, str]] = set()
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        # Filter by lot in SQL and by (calibre, lot) here: SQLite has no tuple IN lists.
        statement = (
            select(mi.c.calibre_key, mi.c.lot_key)
            .where(
                mi.c.mission_code == mission,
                mi.c.contributing_country == country,
                mi.c.kind == "ammunition",
                mi.c.direction == "in",
                mi.c.lot_key.in_(sorted({lot for _, lot in chunk})),
            )
            .distinct()
        )
        pairs = set(chunk)
        found.update((r[0], r[1]) for r in session.execute(statement) if (r[0], r[1]) in pairs)
    return found


def add_loss_report(session: Session, report: LossReport, rows: Sequence[dict[str, Any]]) -> None:
    """Stage the report and its items (Core executemany; at most 1,000 items)."""
    session.add(report)
    session.flush()
    session.execute(insert(loss_items), list(rows))


# tenancy: write path: create_loss_report, the caller's own contingent (require_own_country)
def overdrawn_items(
    session: Session, *, report_id: str, mission: str, country: str
) -> list[tuple[int, int]]:
    """Items of a just-inserted report whose weapon or lot balance is now below zero:
    (line, balance)."""
    li = loss_items
    problems: list[tuple[int, int]] = []
    for kind, keys in (
        ("weapon", ("serial_key", "manufacturer_key")),
        ("ammunition", ("calibre_key", "lot_key")),
    ):
        m = movements(mission=mission, country=country, kinds=(kind,))
        grouped = (
            select(*(m.c[k] for k in keys), balance(m).label("held"))
            .group_by(*(m.c[k] for k in keys))
            .subquery()
        )
        joined: ColumnElement[bool] = and_(*(grouped.c[k] == li.c[k] for k in keys))
        statement = (
            select(li.c.line, grouped.c.held)
            .join(grouped, joined)
            .where(li.c.loss_report_id == report_id, li.c.kind == kind, grouped.c.held < 0)
        )
        problems.extend((int(r[0]), int(r[1])) for r in session.execute(statement))
    return sorted(problems)


def get_loss_report(session: Session, report_id: str) -> LossReport | None:
    """The report with this id, or None."""
    return session.get(LossReport, report_id)


# tenancy: callers check the report: get_loss_report (scope.allows), create_loss_report (own)
def report_items(session: Session, report_id: str) -> list[LossReportItem]:
    """A report's items in order."""
    statement = (
        select(LossReportItem)
        .where(loss_items.c.loss_report_id == report_id)
        .order_by(loss_items.c.line)
    )
    return [row[0] for row in session.execute(statement)]


def list_loss_reports(
    session: Session,
    *,
    scope: ReadScope,
    params: PageParams,
    mission: str | None,
    country: str | None,
) -> tuple[list[LossReport], str | None]:
    """A page of the loss reports ``scope`` may read (by country and loss date), oldest
    first."""
    t = loss_reports
    statement = select(LossReport).where(scope.clause(t.c.contributing_country, t.c.loss_date))
    if mission is not None:
        statement = statement.where(t.c.mission_code == mission)
    if country is not None:
        statement = statement.where(t.c.contributing_country == country)
    rows, cursor = paginate(
        session,
        statement,
        key=[t.c.created_at, t.c.id],
        params=params,
        key_of=lambda row: [row[0].created_at, row[0].id],
    )
    return [row[0] for row in rows], cursor
