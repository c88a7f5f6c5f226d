"""``rotation.ending``: a unit still holding weapons in a mission about to end.

The register knows when a contingent's rotation ends only through its mission's end
date, so the periodic check (the worker's, every ``rotation_check_interval_seconds``)
looks for units of missions ending within ``rotation_ending_days`` that still hold
weapons (in minus out), and writes one event per unit and rotation (mission, country,
unit, end date), to whoever reads that contingent's manifests.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlmodel import Session

from services.registry.notifications import events, repository
from services.registry.notifications.audience import readers_of


def write_rotations_ending(session: Session, *, today: date, days: int) -> int:
    """Write ``rotation.ending`` for each unit and rotation not told yet; how many."""
    written = 0
    for row in repository.rotations_ending(
        session, today=today, until=today + timedelta(days=days)
    ):
        ends_on, last_crossing = _date(row.end_date), _date(row.last_crossing)
        written += events.emit(
            session,
            event_type="rotation.ending",
            subject_id=f"{row.mission_code}:{row.contributing_country}"[:64],
            data={
                "mission": row.mission_code,
                "contributing_country": row.contributing_country,
                "unit": row.unit,
                "rotation_ends_on": ends_on.isoformat(),
                "weapons_held": int(row.held),
                "last_crossing_date": last_crossing.isoformat(),
            },
            grants=readers_of(row.contributing_country, last_crossing),
            dedupe_key=(
                f"rotation.ending:{row.mission_code}:{row.contributing_country}:"
                f"{row.unit}:{ends_on.isoformat()}"
            )[:400],
        )
    return written


def _date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))
