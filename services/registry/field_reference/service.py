"""Armed groups and headstamp codes: editable reference data with the reference trail.

Secretariats (``admin`` or ``register:read``) and the operator (``admin``) add entries,
as for missions; everyone authenticated reads them. Each addition is recorded in the
reference trail. Declarations already indexed keep the resolution made when they were
delivered.
"""

from __future__ import annotations

from sqlmodel import Session

from services.common.errors import Conflict, FieldProblem, Forbidden, ValidationFailed
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
    HeadstampCodeCreate,
    HeadstampCodeRead,
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
        after=ArmedGroupRead.model_validate(group).model_dump(mode="json", exclude={"created_at"}),
    )
    return group


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
        after=HeadstampCodeRead.model_validate(stamp).model_dump(
            mode="json", exclude={"created_at"}
        ),
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
