"""Rules on manifests: tenancy, all-or-nothing validation, in/out rules, alerts raised."""

from __future__ import annotations

import uuid
from datetime import date

from sqlmodel import Session

from services.common.errors import FieldProblem, NotFound, ValidationFailed
from services.common.pagination import PageParams
from services.common.security import Principal, ReadScope, require_own_country
from services.registry import notifications, serial_index
from services.registry.alerts import detection
from services.registry.ledger.repository import lock_contingent_ledger
from services.registry.manifests import repository
from services.registry.manifests.drafts import (
    MAX_LISTED_PROBLEMS,
    ItemLocator,
    ManifestDraft,
    ProblemList,
)
from services.registry.manifests.item_rules import prepare_items
from services.registry.manifests.schemas import ManifestHeader
from services.registry.missions import repository as missions
from services.registry.models import Manifest, ManifestItem


def _refuse(problems: ProblemList) -> ValidationFailed:
    total = problems.total
    if total <= MAX_LISTED_PROBLEMS:
        return ValidationFailed(problems.listed, detail=f"{total} problem(s); nothing was stored")
    return ValidationFailed(
        problems.listed,
        detail=f"{total} problems; the first {MAX_LISTED_PROBLEMS} are listed; nothing was stored",
        total_problems=total,
    )


def check_header(*, session: Session, header: ManifestHeader) -> tuple[list[FieldProblem], bool]:
    """Problems with the manifest's header (unknown mission, crossing outside the mission),
    and whether the mission exists (the in/out rules can run only then)."""
    errors: list[FieldProblem] = []
    mission = missions.get_mission(session, header.mission)
    if mission is None:
        errors.append(FieldProblem(loc="mission", msg=f"unknown mission {header.mission!r}"))
    elif header.crossing_date < mission.start_date:
        errors.append(
            FieldProblem(
                loc="crossing_date",
                msg=f"before the start of {mission.code} ({mission.start_date.isoformat()})",
            )
        )
    if header.direction == "in" and header.closes_rotation:
        errors.append(
            FieldProblem(loc="closes_rotation", msg="only an 'out' manifest ends a rotation")
        )
    planned_end = header.rotation_end_date
    if planned_end is not None and header.direction == "out":
        errors.append(
            FieldProblem(
                loc="rotation_end_date",
                msg="only an 'in' manifest plans a rotation's end (an 'out' closes it: "
                "closes_rotation)",
            )
        )
    elif planned_end is not None and planned_end < header.crossing_date:
        errors.append(
            FieldProblem(
                loc="rotation_end_date",
                msg=f"before the crossing date ({header.crossing_date.isoformat()})",
            )
        )
    return errors, mission is not None


def create_manifest(*, session: Session, principal: Principal, draft: ManifestDraft) -> Manifest:
    """Store a manifest and all its items, or nothing (422 listing every problem).

    The problems of ``draft`` are what reading the request found (type errors); the
    header rules, the per-kind rules and the in/out rules add theirs, and one refusal
    lists them all, an item's named by ``draft.locate``. A member state posts only for
    its own country (403). Weapons must balance: an ``in`` of a weapon already in the
    area, or an ``out`` of one that never came in or dated before its latest ``in``, is
    refused unless the item or the manifest is marked as a correction. The balance rules
    need a usable header and a known mission; they run on every usable item in the same
    pass as the insert, under a lock on the contingent's ledger, so two concurrent
    manifests cannot both pass. A manifest ``in`` raises diversion alerts for declared
    items it matches; an ``out`` closing a rotation raises ``unreturned`` when the unit
    still holds weapons.
    """
    header = draft.header
    if header is not None:
        require_own_country(principal, header.contributing_country)
    problems = draft.problems
    mission_known = False
    planned_end_refused = False
    if header is not None:
        header_problems, mission_known = check_header(session=session, header=header)
        problems.extend(draft.locate_header(header_problems))
        planned_end_refused = any(p.loc == "rotation_end_date" for p in header_problems)
    manifest_id = str(uuid.uuid4())
    rows = prepare_items(manifest_id=manifest_id, draft=draft)
    if header is None or not mission_known or not rows:
        # Each of these has put its problem in ``problems``; the fallback keeps a refusal
        # (never a 500) should a new path forget to.
        if not problems:
            problems.add("items", "no usable item")
        raise _refuse(problems)
    lock_contingent_ledger(session, mission=header.mission, country=header.contributing_country)
    manifest = Manifest(
        id=manifest_id,
        direction=header.direction,
        mission_code=header.mission,
        contributing_country=header.contributing_country,
        unit=header.unit,
        crossing_date=header.crossing_date,
        crossing_point=header.crossing_point,
        reference=header.reference,
        is_correction=header.correction,
        closes_rotation=header.closes_rotation,
        # A refused planned end is left out: the database would refuse the row before
        # the in/out rules had listed their problems (the manifest is refused anyway).
        rotation_end_date=None if planned_end_refused else header.rotation_end_date,
        item_count=len(rows),
        submitted_by=principal.client_id,
        submitted_by_type=principal.subject_type,
        submitted_by_org=principal.org,
    )
    repository.add_manifest(session, manifest)
    repository.bulk_insert_manifest_items(session, rows)
    serial_index.enqueue(session, "manifest", manifest.id)
    if not header.correction:
        problems.extend(_balance_problems(session=session, manifest=manifest, locate=draft.locate))
    if problems:
        # Raising rolls back the header and the rows just inserted: all or nothing.
        raise _refuse(problems)
    # Same transaction: diversions matched, a rotation closed with weapons still held.
    detection.raise_for_manifest(session=session, manifest=manifest)
    notifications.emit(
        session,
        event_type="manifest.accepted",
        subject_id=manifest.id,
        data={
            "id": manifest.id,
            "direction": manifest.direction,
            "mission": manifest.mission_code,
            "contributing_country": manifest.contributing_country,
            "unit": manifest.unit,
            "crossing_date": manifest.crossing_date.isoformat(),
            "reference": manifest.reference,
            "closes_rotation": manifest.closes_rotation,
            "is_correction": manifest.is_correction,
            "item_count": manifest.item_count,
        },
        grants=notifications.readers_of(manifest.contributing_country, manifest.crossing_date),
    )
    return manifest


def _balance_problems(
    *, session: Session, manifest: Manifest, locate: ItemLocator
) -> list[FieldProblem]:
    broken = repository.weapons_breaking_balance(
        session,
        manifest_id=manifest.id,
        mission=manifest.mission_code,
        country=manifest.contributing_country,
        direction=manifest.direction,
    )
    problems = []
    for item in broken:
        serial = item.serial_number
        if manifest.direction == "in":
            msg = (
                f"weapon {serial!r} is already in {manifest.mission_code} for "
                f"{manifest.contributing_country} (declared in {item.held - 1} time(s) more "
                "than out)"
            )
        elif item.held < 0:
            msg = (
                f"weapon {serial!r} was never declared in to {manifest.mission_code} by "
                f"{manifest.contributing_country}, or is already out or reported lost"
            )
        else:
            latest = item.latest_in.isoformat() if item.latest_in else "?"
            msg = (
                f"weapon {serial!r} crosses out on {item.crossing_date.isoformat()}, before "
                f"its latest crossing in to {manifest.mission_code} on {latest}"
            )
        problems.append(
            FieldProblem(
                loc=locate(item.line, "serial_number"),
                msg=msg + "; mark it as a correction if this is deliberate",
            )
        )
    return problems


def get_manifest(*, session: Session, scope: ReadScope, manifest_id: str) -> Manifest:
    """The manifest if the caller may read it; 404 otherwise (its existence stays hidden)."""
    manifest = repository.readable_manifest(session, scope=scope, manifest_id=manifest_id)
    if manifest is None:
        raise NotFound("No such manifest", code="manifest_not_found")
    return manifest


def list_manifests(
    *,
    session: Session,
    scope: ReadScope,
    params: PageParams,
    mission: str | None = None,
    country: str | None = None,
    direction: str | None = None,
    crossed_from: date | None = None,
    crossed_to: date | None = None,
    unit: str | None = None,
) -> tuple[list[Manifest], str | None]:
    """A page of the manifests the caller may read, newest first (``unit``: any case)."""
    return repository.list_manifests(
        session,
        scope=scope,
        params=params,
        mission=mission.upper() if mission else None,
        country=country.upper() if country else None,
        direction=direction,
        crossed_from=crossed_from,
        crossed_to=crossed_to,
        unit=unit.strip() if unit and unit.strip() else None,
    )


def list_manifest_items(
    *,
    session: Session,
    scope: ReadScope,
    manifest_id: str,
    params: PageParams,
    search: str | None = None,
) -> tuple[list[ManifestItem], str | None]:
    """A page of a readable manifest's items in declaration order (404 outside tenancy);
    ``search`` keeps those whose serial, lot, manufacturer or model contains it."""
    get_manifest(session=session, scope=scope, manifest_id=manifest_id)
    return repository.list_manifest_items(
        session,
        manifest_id=manifest_id,
        params=params,
        search=search.strip() if search and search.strip() else None,
    )
