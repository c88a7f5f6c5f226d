"""Armed groups and headstamp codes: editable reference data with the reference trail.

Secretariats (``admin`` or ``register:read``) and the operator (``admin``) add and change
entries, as for missions; everyone authenticated reads them. Each addition and each
change (with its required reason) is recorded in the reference trail with the entry
before and after. Declarations indexed afterwards resolve through the new values;
declarations already indexed keep the resolution made when they were delivered (the
index holds neither the declaration's own presumed user nor which maker and year came
from the headstamp rather than the declaration, so it cannot redo it exactly): a new
version of a declaration is resolved again.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from services.common.errors import Conflict, FieldProblem, Forbidden, NotFound, ValidationFailed
from services.common.pagination import PageParams
from services.common.scopes import Scope
from services.common.security import Principal
from services.registry.field_reference import repository
from services.registry.field_reference.resolution import (
    GroupDirectory,
    headstamp_code_key,
    name_key,
)
from services.registry.field_reference.schemas import (
    ArmedGroupCreate,
    ArmedGroupRead,
    ArmedGroupUpdate,
    HeadstampCodeCreate,
    HeadstampCodeRead,
    HeadstampCodeUpdate,
)
from services.registry.models import ArmedGroup, HeadstampCode
from services.registry.reference import trail
from services.registry.reference.trail import ChangeActor


def _ensure_may_manage(principal: Principal) -> None:
    # As for missions: the operator with ``admin``; a secretariat with ``admin`` (a
    # secretariat admin person) or ``register:read`` (its API clients hold no admin).
    allowed = {
        "operator": (Scope.ADMIN,),
        "secretariat": (Scope.ADMIN, Scope.REGISTER_READ),
    }.get(principal.org_type, ())
    if not any(principal.has_scope(scope) for scope in allowed):
        raise Forbidden(
            "Secretariats and the operator manage this list (the operator with 'admin')",
            code="forbidden",
        )


def create_group(
    *, session: Session, principal: Principal, actor: ChangeActor, data: ArmedGroupCreate
) -> ArmedGroup:
    """Add an armed group. 403 unless a secretariat or the operator with ``admin``; 409
    when the code exists; 422 naming each alias (or the name) another group already
    bears, and an unknown ``part_of``."""
    _ensure_may_manage(principal)
    if repository.get_group(session, data.code) is not None:
        raise Conflict(f"An armed group {data.code} exists", code="armed_group_exists")
    directory = GroupDirectory.of(repository.all_groups(session))
    problems = []
    names = [("code", data.code), ("name", data.name)]
    names += [(f"aliases[{i}]", alias) for i, alias in enumerate(data.aliases)]
    for loc, name in names:
        other = directory.by_name.get(name_key(name))
        if other is not None:
            problems.append(FieldProblem(loc=loc, msg=f"already names the group {other}"))
    if data.part_of is not None and data.part_of not in directory.part_of:
        problems.append(FieldProblem(loc="part_of", msg=f"no armed group {data.part_of}"))
    if problems:
        raise ValidationFailed(problems)
    group = ArmedGroup(**data.model_dump())
    repository.add(session, group)
    trail.record_change(
        session=session,
        actor=actor,
        entity="armed_group",
        key=group.code,
        action="create",
        before=None,
        after=_group_snapshot(group),
    )
    return group


def _group_snapshot(group: ArmedGroup) -> dict[str, Any]:
    return ArmedGroupRead.model_validate(group).model_dump(mode="json", exclude={"created_at"})


def _stamp_snapshot(stamp: HeadstampCode) -> dict[str, Any]:
    return HeadstampCodeRead.model_validate(stamp).model_dump(mode="json", exclude={"created_at"})


def get_group(*, session: Session, code: str) -> ArmedGroup:
    """The armed group ``code`` (as listed, or in capitals); 404 if unknown."""
    group = repository.get_group(session, code) or repository.get_group(session, code.upper())
    if group is None:
        raise NotFound(f"No armed group {code!r}", code="armed_group_not_found")
    return group


def get_headstamp(*, session: Session, code: str) -> HeadstampCode:
    """The headstamp code ``code`` (compared without regard to case); 404 if unknown."""
    wanted = headstamp_code_key(code)
    for stamp in repository.all_headstamps(session):
        if headstamp_code_key(stamp.code) == wanted:
            return stamp
    raise NotFound(f"No headstamp code {code!r}", code="headstamp_not_found")


def update_group(
    *,
    session: Session,
    principal: Principal,
    actor: ChangeActor,
    code: str,
    changes: ArmedGroupUpdate,
) -> ArmedGroup:
    """Change an armed group: its name, aliases (added and removed by name), active dates
    (``active_to`` retires it), the group it is part of, source or note. 403 unless a
    secretariat or the operator with ``admin``; 404 for an unknown code; 422 naming each
    problem: a name or added alias another group bears, a removed alias the group does
    not have, dates out of order, an unknown ``part_of`` or one that would make the group
    part of itself. The trail keeps the group before and after, and the reason; a patch
    that changes nothing writes nothing."""
    _ensure_may_manage(principal)
    group = get_group(session=session, code=code)
    fields = changes.model_fields_set
    groups = [g for g in repository.all_groups(session) if g.code != group.code]
    others = GroupDirectory.of(groups)
    problems: list[FieldProblem] = []
    name = changes.name if changes.name is not None else group.name
    aliases = list(group.aliases)
    held = {name_key(alias): alias for alias in aliases}
    for position, alias in enumerate(changes.remove_aliases):
        if name_key(alias) not in held:
            problems.append(
                FieldProblem(loc=f"remove_aliases[{position}]", msg=f"not an alias of {group.code}")
            )
            continue
        aliases.remove(held.pop(name_key(alias)))
    for alias in changes.add_aliases:
        if name_key(alias) not in held:
            held[name_key(alias)] = alias
            aliases.append(alias)
    names = [("name", name)] + [(f"add_aliases[{i}]", a) for i, a in enumerate(changes.add_aliases)]
    for loc, text in names:
        other = others.by_name.get(name_key(text))
        if other is not None:
            problems.append(FieldProblem(loc=loc, msg=f"already names the group {other}"))
    active_from = changes.active_from if "active_from" in fields else group.active_from
    active_to = changes.active_to if "active_to" in fields else group.active_to
    if active_from and active_to and active_to < active_from:
        problems.append(FieldProblem(loc="active_to", msg="before active_from"))
    part_of = changes.part_of if "part_of" in fields else group.part_of
    if "part_of" in fields and part_of is not None:
        if part_of not in others.part_of:
            problems.append(FieldProblem(loc="part_of", msg=f"no armed group {part_of}"))
        elif group.code in others.lineage(part_of):
            problems.append(
                FieldProblem(loc="part_of", msg=f"{part_of} is part of {group.code} already")
            )
    if problems:
        raise ValidationFailed(problems)
    before = _group_snapshot(group)
    group.name = name
    group.aliases = aliases
    group.active_from = active_from
    group.active_to = active_to
    group.part_of = part_of
    group.source = changes.source if changes.source is not None else group.source
    group.note = changes.note if "note" in fields else group.note
    after = _group_snapshot(group)
    if after != before:
        repository.add(session, group)
        trail.record_change(
            session=session,
            actor=actor,
            entity="armed_group",
            key=group.code,
            action="update",
            before=before,
            after=after,
            reason=changes.reason,
        )
    return group


def update_headstamp(
    *,
    session: Session,
    principal: Principal,
    actor: ChangeActor,
    code: str,
    changes: HeadstampCodeUpdate,
) -> HeadstampCode:
    """Correct a headstamp code's maker, country, source or note. 403 unless a secretariat
    or the operator with ``admin``; 404 for an unknown code. The trail keeps the entry
    before and after, and the reason; a patch that changes nothing writes nothing."""
    _ensure_may_manage(principal)
    stamp = get_headstamp(session=session, code=code)
    fields = changes.model_fields_set
    before = _stamp_snapshot(stamp)
    stamp.maker = changes.maker if changes.maker is not None else stamp.maker
    stamp.country = changes.country if "country" in fields else stamp.country
    stamp.source = changes.source if changes.source is not None else stamp.source
    stamp.note = changes.note if "note" in fields else stamp.note
    after = _stamp_snapshot(stamp)
    if after != before:
        repository.add(session, stamp)
        trail.record_change(
            session=session,
            actor=actor,
            entity="headstamp",
            key=stamp.code,
            action="update",
            before=before,
            after=after,
            reason=changes.reason,
        )
    return stamp


def create_headstamp(
    *, session: Session, principal: Principal, actor: ChangeActor, data: HeadstampCodeCreate
) -> HeadstampCode:
    """Add a headstamp code. 403 unless a secretariat or the operator with ``admin``;
    409 when the code (compared without regard to case) exists."""
    _ensure_may_manage(principal)
    known = {headstamp_code_key(c.code) for c in repository.all_headstamps(session)}
    if headstamp_code_key(data.code) in known:
        raise Conflict(f"A headstamp code {data.code} exists", code="headstamp_exists")
    stamp = HeadstampCode(**data.model_dump())
    repository.add(session, stamp)
    trail.record_change(
        session=session,
        actor=actor,
        entity="headstamp",
        key=stamp.code,
        action="create",
        before=None,
        after=_stamp_snapshot(stamp),
    )
    return stamp


def list_groups(*, session: Session, params: PageParams) -> tuple[list[ArmedGroup], str | None]:
    """A page of the armed groups, by code."""
    return repository.list_groups(session, params=params)


def list_headstamps(
    *, session: Session, params: PageParams
) -> tuple[list[HeadstampCode], str | None]:
    """A page of the headstamp codes, by code."""
    return repository.list_headstamps(session, params=params)


def group_directory(session: Session) -> GroupDirectory:
    """The armed groups as a directory for resolving presumed users."""
    return GroupDirectory.of(repository.all_groups(session))


def headstamp_codes(session: Session) -> list[HeadstampCode]:
    """Every headstamp code, for reading headstamps."""
    return repository.all_headstamps(session)
