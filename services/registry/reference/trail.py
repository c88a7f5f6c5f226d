"""The trail of changes to reference data: who changed which mission, embargo, armed
group or headstamp code, when, from where, why (where the writer asks for a reason), and
what it was before and after.

Writers (missions, embargoes, armed groups, headstamp codes) call :func:`record_change`
in the transaction of the change, so a change and its entry are committed or rolled back
together. The table is insert-only in the database itself (triggers refuse UPDATE, DELETE
and TRUNCATE).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from sqlmodel import Session

from services.common.errors import Forbidden
from services.common.pagination import PageParams
from services.common.security import Principal
from services.registry.models import ReferenceChange
from services.registry.reference import repository

ReferenceEntity = Literal["mission", "embargo", "armed_group", "headstamp"]
ReferenceAction = Literal["create", "update"]


@dataclass(frozen=True)
class ChangeActor:
    """Who changes reference data: the verified client, its organisation, its address and
    the request id (to find the request's log lines)."""

    actor: str
    actor_org: str | None
    address: str | None
    request_id: str | None


def record_change(
    *,
    session: Session,
    actor: ChangeActor,
    entity: ReferenceEntity,
    key: str,
    action: ReferenceAction,
    before: dict[str, Any] | None,
    after: dict[str, Any],
    reason: str | None = None,
) -> ReferenceChange:
    """Append one entry to the trail (values JSON-ready: dates as ISO strings), with why
    when the writer asks for it."""
    change = ReferenceChange(
        actor=actor.actor[:255],
        actor_org=actor.actor_org[:32] if actor.actor_org else None,
        address=actor.address[:64] if actor.address else None,
        request_id=actor.request_id,
        entity=entity,
        key=key,
        action=action,
        before=before,
        after=after,
        reason=reason,
    )
    repository.add_change(session, change)
    return change


def ensure_may_read_trail(principal: Principal) -> None:
    """Secretariats and the operator read the trail; member states do not (403): it names
    other organisations' clients and addresses."""
    if principal.org_type in ("secretariat", "operator"):
        return
    raise Forbidden(
        "The trail of reference data changes is for secretariats and the operator",
        code="forbidden",
    )


def list_changes(
    *,
    session: Session,
    principal: Principal,
    params: PageParams,
    entity: ReferenceEntity | None = None,
    key: str | None = None,
) -> tuple[list[ReferenceChange], str | None]:
    """A page of the trail, oldest first, optionally for one entity kind or one key."""
    ensure_may_read_trail(principal)
    return repository.list_changes(session, params=params, entity=entity, key=key)
