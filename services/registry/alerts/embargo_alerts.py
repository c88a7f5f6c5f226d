"""``embargo`` alerts, from whichever arrives second: the declaration or the embargo.

Items found in a country under embargo, on or after its start, and made after the
year it started (and not after the year it ended) raise one alert per (declaration,
embargo), when the embargo applies to the declaration's presumed user
(:func:`embargo_applies`). A declaration indexed while the embargo exists is screened
then; an embargo configured later screens the declarations already indexed. The
dedupe key is the same either way, so nothing is raised twice. An embargo withdrawn
or narrowed closes the alerts it no longer raises (:func:`close_no_longer_raised`).
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from datetime import date
from typing import Any

from sqlmodel import Session

from services.registry.alerts import embargo_repository as queries
from services.registry.alerts import repository
from services.registry.alerts.evidence import DeclarationRef
from services.registry.field_reference.service import group_directory
from services.registry.models import Embargo, IndexedDeclaration

GOVERNMENT_FORCES = "government_forces"
LISTED_ENTITIES = "listed_entities"


def embargo_applies(
    embargo: Embargo,
    *,
    presumed_user_kind: str | None,
    on: date,
    armed_groups: AbstractSet[str] = frozenset(),
) -> bool:
    """Whether ``embargo`` covers materiel found on ``on`` with a presumed user of that
    kind. A withdrawn entry covers nothing; a ``non_state`` embargo does not cover the
    government's forces; a ``listed_entities`` one covers only a presumed user resolved
    to a listed group or one ``part_of`` it (``armed_groups``: the resolved group and
    the groups it is part of); an exemption covers nothing of its party from its start
    (to its end). An unknown or undeclared presumed user stays covered by a territorial
    embargo: the alert is for an analyst to weigh, and silence would hide materiel of
    armed groups."""
    if embargo.withdrawn_at is not None:
        return False
    if embargo.scope == LISTED_ENTITIES and not armed_groups & set(embargo.listed_groups):
        return False
    if embargo.scope == "non_state" and presumed_user_kind == GOVERNMENT_FORCES:
        return False
    for exemption in embargo.exemptions:
        if exemption.get("party") != presumed_user_kind:
            continue
        ends_on = exemption.get("ends_on")
        if date.fromisoformat(exemption["starts_on"]) <= on and (
            ends_on is None or on <= date.fromisoformat(ends_on)
        ):
            return False
    return True


def raise_for_declaration(session: Session, d: IndexedDeclaration) -> int:
    """Screen a just-indexed declaration against the embargoes on where it was found: its
    incident's country when it names one, else its own location's."""
    raised = 0
    ref = DeclarationRef.of(d)
    lineage = group_directory(session).lineage(d.armed_group)
    screened = queries.embargoes_for(session, d.incident_country or d.location_country)
    if lineage:
        screened += queries.listed_embargoes(session)
    for embargo in screened:
        if d.event_date < embargo.starts_on:
            continue
        if not embargo_applies(
            embargo, presumed_user_kind=d.presumed_user_kind, on=d.event_date, armed_groups=lineage
        ):
            continue
        count, rows = queries.items_made_between(
            session,
            declaration_id=d.declaration_id,
            after_year=embargo.starts_on.year,
            until_year=embargo.ends_on.year if embargo.ends_on else None,
        )
        if count:
            raised += _raise(
                session, ref, embargo=embargo, count=count, items=rows, armed_group=d.armed_group
            )
    return raised


def raise_for_embargo(session: Session, embargo: Embargo) -> int:
    """Screen every declaration already indexed against a just-configured embargo (one
    set-based query: the matching items, counted and capped per declaration)."""
    if embargo.withdrawn_at is not None:
        return 0
    directory = group_directory(session)
    groups = None
    if embargo.scope == LISTED_ENTITIES:
        listed = set(embargo.listed_groups)
        groups = [code for code in directory.part_of if directory.lineage(code) & listed]
    per_declaration: dict[str, list[Any]] = {}
    for row in queries.items_under_embargo(
        session,
        country=embargo.country,
        armed_groups=groups,
        starts_on=embargo.starts_on,
        after_year=embargo.starts_on.year,
        until_year=embargo.ends_on.year if embargo.ends_on else None,
    ):
        if embargo_applies(
            embargo,
            presumed_user_kind=row.presumed_user_kind,
            on=row.event_date,
            armed_groups=directory.lineage(row.armed_group),
        ):
            per_declaration.setdefault(row.declaration_id, []).append(row)
    return sum(
        _raise(
            session,
            DeclarationRef.from_item_row(rows[0]),
            embargo=embargo,
            count=int(rows[0].item_count),
            items=rows,
            armed_group=rows[0].armed_group,
        )
        for rows in per_declaration.values()
    )


def close_no_longer_raised(session: Session, embargo: Embargo, *, why: str) -> int:
    """Close the open or acknowledged alerts of ``embargo`` that it no longer raises (it
    was withdrawn, or an exemption or its scope now leaves their presumed user out), each
    with the outcome ``other`` and an event whose note says why. Nothing is deleted.
    Returns how many."""
    closed = 0
    note = f"Closed: embargo {embargo.id} ({embargo.reference}) no longer covers it. {why}"
    directory = group_directory(session)
    for row in queries.alerts_of_embargo(session, embargo.id):
        if embargo_applies(
            embargo,
            presumed_user_kind=row.presumed_user_kind,
            on=row.event_date,
            armed_groups=directory.lineage(row.armed_group),
        ):
            continue
        closed += repository.transition(
            session,
            alert_id=row.id,
            from_statuses=("open", "acknowledged"),
            to_status="closed",
            note=note[:1000],
            actor=repository.SYSTEM_ACTOR,
            actor_org=repository.SYSTEM_ACTOR,
            actor_type=None,  # the registry itself, as for the events it raises
            outcome="other",  # not a finding about the materiel: the note says why
        )
    return closed


def _raise(
    session: Session,
    d: DeclarationRef,
    *,
    embargo: Embargo,
    count: int,
    items: Sequence[Any],
    armed_group: str | None,
) -> int:
    new = repository.raise_alert(
        session,
        kind="embargo",
        dedupe_key=f"embargo:{d.declaration_id}:{embargo.id}",
        summary=(
            f"{count} item(s) found in {d.location_country} by {d.declaring_country} on "
            f"{d.event_date.isoformat()} were made after the embargo of "
            f"{embargo.starts_on.isoformat()} ({embargo.reference})"
            + (f" on listed {armed_group}" if embargo.scope == LISTED_ENTITIES else "")
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
                "paragraph": embargo.paragraph,
                "scope": embargo.scope,
                "listed_groups": embargo.listed_groups,
            },
            "armed_group": armed_group,
            "item_count": count,
            "items": [{k: getattr(r, k) for k in queries.EMBARGO_ITEM_FIELDS} for r in items],
        },
        audience=[(d.declaring_country, d.event_date, False)],
        actor=repository.SYSTEM_ACTOR,
    )
    return int(new is not None)
