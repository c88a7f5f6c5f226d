"""``embargo`` alerts, from whichever arrives second: the declaration or the embargo.

Items found in a country under embargo, on or after its start, and made after the
year it started (and not after the year it ended) raise one alert per (declaration,
embargo). A declaration indexed while the embargo exists is screened then; an
embargo configured later screens the declarations already indexed. The dedupe key is
the same either way, so nothing is raised twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlmodel import Session

from services.registry.alerts import detection_repository as queries
from services.registry.alerts import repository
from services.registry.alerts.evidence import DeclarationRef
from services.registry.models import Embargo, IndexedDeclaration


def raise_for_declaration(session: Session, d: IndexedDeclaration) -> int:
    """Screen a just-indexed declaration against the embargoes on where it was found."""
    raised = 0
    ref = DeclarationRef.of(d)
    for embargo in queries.embargoes_for(session, d.location_country):
        if d.event_date < embargo.starts_on:
            continue
        count, rows = queries.items_made_between(
            session,
            declaration_id=d.declaration_id,
            after_year=embargo.starts_on.year,
            until_year=embargo.ends_on.year if embargo.ends_on else None,
        )
        if count:
            raised += _raise(session, ref, embargo=embargo, count=count, items=rows)
    return raised


def raise_for_embargo(session: Session, embargo: Embargo) -> int:
    """Screen every declaration already indexed against a just-configured embargo (one
    set-based query: the matching items, counted and capped per declaration)."""
    per_declaration: dict[str, list[Any]] = {}
    for row in queries.items_under_embargo(
        session,
        country=embargo.country,
        starts_on=embargo.starts_on,
        after_year=embargo.starts_on.year,
        until_year=embargo.ends_on.year if embargo.ends_on else None,
    ):
        per_declaration.setdefault(row.declaration_id, []).append(row)
    return sum(
        _raise(
            session,
            DeclarationRef.from_item_row(rows[0]),
            embargo=embargo,
            count=int(rows[0].item_count),
            items=rows,
        )
        for rows in per_declaration.values()
    )


def _raise(
    session: Session, d: DeclarationRef, *, embargo: Embargo, count: int, items: Sequence[Any]
) -> int:
    new = repository.raise_alert(
        session,
        kind="embargo",
        dedupe_key=f"embargo:{d.declaration_id}:{embargo.id}",
        summary=(
            f"{count} item(s) found in {d.location_country} by {d.declaring_country} on "
            f"{d.event_date.isoformat()} were made after the embargo of "
            f"{embargo.starts_on.isoformat()} ({embargo.reference})"
        ),
        country=d.declaring_country,
        mission=d.mission_code,
        declaration_id=d.declaration_id,
        record_date=d.event_date,
        evidence={
            "declaration": d.evidence(),
            "embargo": {
                "id": embargo.id,
                "country": embargo.country,
                "starts_on": embargo.starts_on.isoformat(),
                "ends_on": embargo.ends_on.isoformat() if embargo.ends_on else None,
                "reference": embargo.reference,
            },
            "item_count": count,
            "items": [{k: getattr(r, k) for k in queries.EMBARGO_ITEM_FIELDS} for r in items],
        },
        audience=[(d.declaring_country, d.event_date, False)],
        actor=repository.SYSTEM_ACTOR,
    )
    return int(new is not None)
