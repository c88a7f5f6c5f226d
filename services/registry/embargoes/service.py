"""Embargoes: editable reference data screened against declarations (``embargo`` alerts)."""

from __future__ import annotations

import uuid

from sqlmodel import Session

from services.common.errors import Forbidden
from services.common.pagination import PageParams
from services.common.security import Principal
from services.registry.alerts import detection
from services.registry.embargoes import repository
from services.registry.embargoes.schemas import EmbargoCreate, EmbargoRead
from services.registry.models import Embargo
from services.registry.reference import trail
from services.registry.reference.trail import ChangeActor


def create_embargo(
    *, session: Session, principal: Principal, actor: ChangeActor, data: EmbargoCreate
) -> Embargo:
    """Configure an embargo; secretariats and the operator only (403 otherwise). The
    reference trail records it.

    The declarations already indexed are screened against it in the same transaction
    (``embargo`` alerts for items found there since it started and made after), and
    declarations indexed from now on are screened as they arrive.
    """
    if principal.org_type == "member_state":
        raise Forbidden("Secretariats and the operator manage embargoes", code="forbidden")
    embargo = Embargo(id=str(uuid.uuid4()), created_by=principal.client_id, **data.model_dump())
    repository.add_embargo(session, embargo)
    trail.record_change(
        session=session,
        actor=actor,
        entity="embargo",
        key=embargo.id,
        action="create",
        before=None,
        after=EmbargoRead.model_validate(embargo).model_dump(mode="json", exclude={"created_at"}),
    )
    detection.screen_indexed_for_embargo(session=session, embargo=embargo)
    return embargo


def list_embargoes(
    *, session: Session, country: str | None, params: PageParams
) -> tuple[list[Embargo], str | None]:
    """A page of the configured embargoes (reference data, readable by every caller)."""
    return repository.list_embargoes(
        session, country=country.upper() if country else None, params=params
    )
