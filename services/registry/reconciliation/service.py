"""Reconciliation: in − out − lost − destroyed per weapon and lot, discrepancies first."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session

from services.common.pagination import PageParams
from services.common.security import ReadScope
from services.registry.holdings.service import ALL_KINDS
from services.registry.missions import repository as missions
from services.registry.reconciliation import repository
from services.registry.reconciliation.schemas import Evidence, ReconciliationLine

_EVIDENCE = (
    ("last_in", "in", "manifest"),
    ("last_out", "out", "manifest"),
    ("last_loss", "lost", "loss_report"),
    ("last_destroyed", "destroyed", "declaration"),
)


def _evidence(row: Any) -> list[Evidence]:
    found = []
    for column, movement, record in _EVIDENCE:
        stamp = getattr(row, column)
        if stamp:
            day, record_id = str(stamp).split(" ", 1)
            found.append(
                Evidence(
                    movement=movement,
                    record=record,
                    id=record_id,
                    date=date.fromisoformat(day[:10]),
                )
            )
    return found


def reconcile(
    *,
    session: Session,
    scope: ReadScope,
    mission: str,
    country: str | None,
    kind: str | None,
    discrepancies_only: bool,
    params: PageParams,
) -> tuple[list[ReconciliationLine], str | None]:
    """A page of reconciliation lines of one mission, discrepancies first.

    A weapon still held after its contingent's rotation ended (mission end date
    passed, or an ``out`` manifest of the unit that brought it in last marked
    ``closes_rotation``) is ``not_taken_out``.
    """
    from services.registry.holdings.service import require_mission

    code = require_mission(session, mission)
    known = missions.get_mission(session, code)
    assert known is not None
    ended = known.end_date is not None and known.end_date < repository.today()
    rows, cursor = repository.list_lines(
        session,
        mission=code,
        mission_ended=ended,
        country=country.upper() if country else None,
        kinds=(kind,) if kind else ALL_KINDS,
        scope=scope,
        discrepancies_only=discrepancies_only,
        params=params,
    )
    lines = [
        ReconciliationLine(
            kind=row.kind,
            mission=row.mission_code,
            contributing_country=row.contributing_country,
            unit=row.unit,
            category=row.category,
            manufacturer=row.manufacturer,
            model=row.model,
            calibre=row.calibre,
            serial_number=row.serial_number if row.kind == "weapon" else None,
            lot_number=row.lot_number,
            quantity_in=int(row.qty_in),
            quantity_out=int(row.qty_out),
            quantity_lost=int(row.qty_lost),
            quantity_destroyed=int(row.qty_destroyed),
            balance=int(row.balance),
            status=row.status,
            discrepancy=row.rank == 0,
            rotation_ended=bool(row.rotation_ended),
            evidence=_evidence(row),
            match_key=[row.key1, row.key2],
        )
        for row in rows
    ]
    return lines, cursor
