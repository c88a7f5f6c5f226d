"""``/declarations/v1/incidents``: record, list and read incidents."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response

from services.common.database import SessionDep
from services.common.errors import problem_responses
from services.common.idempotency import IdempotencyDep
from services.common.pagination import Page, PageParamsDep
from services.common.replica import ReadSessionDep
from services.common.scopes import Scope
from services.common.security import PrincipalDep, ReadScope, read_scope
from services.declarations.deps import NowDep, WriterDep
from services.declarations.incidents import service
from services.declarations.incidents.schemas import IncidentCreate, IncidentView

router = APIRouter(prefix="/incidents", tags=["incidents"])

_NOTHING = ReadScope(everything=False, periods=())
IncidentId = Annotated[str, Path(max_length=36)]


@dataclass(frozen=True)
class IncidentReader:
    """Whose incidents a caller reads: its organisation's, and what ``scope`` covers."""

    scope: ReadScope
    own_org: str


async def incident_reader(request: Request, principal: PrincipalDep) -> IncidentReader:
    """A member state reads the incidents its organisation created; a secretariat (with
    ``register:read``) also those in its members' countries on their dates; the operator
    with ``register:read`` all of them."""
    if principal.org_type != "member_state" and principal.has_scope(Scope.REGISTER_READ):
        return IncidentReader(await read_scope(request, principal), principal.org)
    return IncidentReader(_NOTHING, principal.org)


IncidentReaderDep = Annotated[IncidentReader, Depends(incident_reader)]


@router.post(
    "",
    status_code=201,
    response_model=IncidentView,
    summary="Record an incident materiel was recovered from",
    responses=problem_responses(403, 422),
)
def create_incident(
    incident: IncidentCreate,
    principal: WriterDep,
    session: SessionDep,
    idempotency: IdempotencyDep,
    now: NowDep,
) -> Response:
    """An attack, a cache, a checkpoint seizure...: its type, date, place and presumed
    user (kept as declared). Declarations, of this state or of others that know the
    returned ``id``, name it by ``incident_id``; linkage alerts are raised across
    incidents, never within one. Read by the creating organisation and the secretariats
    covering the incident's country; never changed once created."""
    replayed = idempotency.replay()
    if replayed is not None:
        return replayed
    created = service.create_incident(session, principal=principal, incident=incident, now=now)
    return idempotency.respond(
        created, status_code=201, headers={"Location": f"/declarations/v1/incidents/{created.id}"}
    )


@router.get("", response_model=Page[IncidentView])
def list_incidents(
    reader: IncidentReaderDep, session: ReadSessionDep, page: PageParamsDep
) -> Page[IncidentView]:
    """The incidents the caller may read, oldest recorded first."""
    items, cursor = service.list_incidents(
        session, scope=reader.scope, own_org=reader.own_org, page=page
    )
    return Page(items=items, next_cursor=cursor)


@router.get("/{incident_id}", response_model=IncidentView, responses=problem_responses(404))
def get_incident(
    incident_id: IncidentId, reader: IncidentReaderDep, session: SessionDep
) -> IncidentView:
    """One incident; 404 for an incident the caller may not read (a state that names it
    in its declarations without having created it does not read it)."""
    return service.get_incident(
        session, incident_id=incident_id, scope=reader.scope, own_org=reader.own_org
    )
