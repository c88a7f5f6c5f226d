"""The declaration behind an alert, as its evidence names it.

Alerts are raised from an indexed declaration (when it is delivered) or from rows of
its items (when a manifest or an embargo arrives later); both give the same evidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from services.registry.models import IndexedDeclaration


@dataclass(frozen=True)
class DeclarationRef:
    """The indexed version of a declaration an alert points to."""

    declaration_id: str
    version: int
    declaration_type: str
    declaring_country: str
    mission_code: str | None
    event_date: date
    location_country: str
    place: str | None

    @classmethod
    def of(cls, d: IndexedDeclaration) -> DeclarationRef:
        """From the indexed declaration itself."""
        return cls(
            declaration_id=d.declaration_id,
            version=d.version,
            declaration_type=d.declaration_type,
            declaring_country=d.declaring_country,
            mission_code=d.mission_code,
            event_date=d.event_date,
            location_country=d.location_country,
            place=d.place,
        )

    @classmethod
    def from_item_row(cls, row: Any) -> DeclarationRef:
        """From a row of ``declared_items`` (each item repeats its declaration's header),
        with the declaration's mission labelled ``declared_mission``."""
        return cls(
            declaration_id=row.declaration_id,
            version=int(row.declaration_version),
            declaration_type=row.declaration_type,
            declaring_country=row.declaring_country,
            mission_code=row.declared_mission,
            event_date=row.event_date,
            location_country=row.location_country,
            place=row.place,
        )

    def evidence(self) -> dict[str, Any]:
        """The ``declaration`` member of an alert's evidence."""
        return {
            "declaration_id": self.declaration_id,
            "version": self.version,
            "type": self.declaration_type,
            "declaring_country": self.declaring_country,
            "mission": self.mission_code,
            "event_date": self.event_date.isoformat(),
            "location_country": self.location_country,
            "place": self.place,
        }
