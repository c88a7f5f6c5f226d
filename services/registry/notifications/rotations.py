"""``rotation.ending``: a unit still holding weapons as its rotation is about to end.

A unit's rotation ends on the ``rotation_end_date`` of its latest ``in`` manifest, else
on its mission's end date (``services.registry.rotations``). The periodic check (the
worker's, every ``rotation_check_interval_seconds``) looks for units whose rotation
ends within ``rotation_ending_days`` that still hold weapons (in minus out), and writes
one event per unit and rotation (mission, country, unit, end date), to whoever reads
that contingent's manifests. A changed planned end is a new rotation end: told again.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session

from services.registry.notifications import events
from services.registry.notifications.audience import readers_of
from services.registry.rotations import repository as rotations
from services.registry.rotations.service import to_rotation


def write_rotations_ending(session: Session, *, today: date, days: int) -> int:
    """Write ``rotation.ending`` for each unit and rotation not told yet; how many."""
    written = 0
    for row in rotations.every_unit_ending(
        session, today=today, until=today + timedelta(days=days)
    ):
        rotation = to_rotation(row)
        ends_on = rotation.rotation_ends_on.isoformat()
        written += events.emit(
            session,
            event_type="rotation.ending",
            subject_id=f"{rotation.mission}:{rotation.contributing_country}"[:64],
            data={
                "mission": rotation.mission,
                "contributing_country": rotation.contributing_country,
                "unit": rotation.unit,
                "rotation_ends_on": ends_on,
                "weapons_held": rotation.weapons_held,
                "last_crossing_date": rotation.last_crossing_date.isoformat(),
            },
            grants=readers_of(rotation.contributing_country, rotation.last_crossing_date),
            dedupe_key=(
                f"rotation.ending:{rotation.mission}:{rotation.contributing_country}:"
                f"{rotation.unit}:{ends_on}"
            )[:400],
        )
    return written
