"""Embargoes: editable reference data screened against declarations (``embargo`` alerts)."""

from __future__ import annotations

import uuid

from sqlmodel import Session

from services.common.errors import Forbidden
from services.common.pagination import PageParams
from services.common.security import Principal
from services.registry.alerts import detection
from services.registry.embargoes import repository
from services.registry.embargoes.schemas import EmbargoCreate
from services.registry.models import Embargo


def create_embargo(*, session: Session, principal: Principal, data: EmbargoCreate) -> Embargo:
    """Configure an embargo; secretariats and the operator only (403 otherwise).

    The declarations already indexed are screened against it in the same transaction
    (``embargo`` alerts for items found there since it started and made after), and
    declarations indexed from now on are screened as they arrive.
    """
    if principal.org_type == "member_state":
        raise Forbidden("Secretariats and the operator manage embargoes", code="forbidden")
    embargo = Embargo(id=str(uuid.uuid4()), created_by=principal.client_id, **data.model_dump())
    repository.add_embargo(session, embargo)
    detection.screen_indexed_for_embargo(session=session, embargo=embargo)
    return embargo


def list_embargoes(
    *, session: Session, country: str | None, params: PageParams
) -> tuple[list[Embargo], str | None]:
    """A page of the configured embargoes (reference data, readable by every caller)."""
    return repository.list_embargoes(
        session, country=country.upper() if country else None, params=params
    )
