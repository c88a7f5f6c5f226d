"""``/auth/v1/clients``: an organisation's admin person manages its own; the operator, all."""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from services.auth.clients import service
from services.auth.clients.schemas import ClientCreate, ClientCreated, ClientOut, ClientSecret
from services.auth.deps import ActorDep, ClientsAdministratorDep, SettingsDep
from services.auth.models import ApiClient
from services.auth.params import ClientIdPath, OrganisationQuery
from services.auth.responses import NO_STORE
from services.common.database import SessionDep
from services.common.errors import problem_responses
from services.common.idempotency import REPLAYED_HEADER, IdempotencyDep
from services.common.pagination import Page, PageParamsDep
from services.common.tables import utcnow

router = APIRouter(prefix="/clients", tags=["clients"])


def client_out(client: ApiClient) -> ClientOut:
    """The public view of a client."""
    return ClientOut(
        client_id=client.client_id,
        organisation=client.organisation,
        name=client.name,
        scopes=client.scopes.split(),
        enabled=client.enabled,
        created_at=client.created_at,
        updated_at=client.updated_at,
    )


@router.post(
    "",
    status_code=201,
    response_model=ClientCreated,
    summary="Create a client (its organisation's admin, or the operator); the secret is shown once",
    responses=problem_responses(403, 422),
)
def create_client(
    data: ClientCreate,
    session: SessionDep,
    settings: SettingsDep,
    by: ClientsAdministratorDep,
    actor: ActorDep,
    idempotency: IdempotencyDep,
) -> Response:
    """Scopes must suit the organisation: writes for member states, admin for the operator.

    An organisation's `admin` person creates clients of their own organisation only (403
    for another); the operator, of any.

    ``index:write`` (feeding the registry's weapon index) is never granted here: 422
    ``local_only_scope``. Bootstrap makes the relay's client; ``regctl client create
    --scope index:write`` makes another, on the server.

    The secret is in this response only; it is stored as an argon2id hash. A replay with
    the same `Idempotency-Key` returns the client without its secret (`client_secret`
    null). If the first response was lost, rotate the secret with
    `POST /auth/v1/clients/{client_id}/secret`: the new one is shown once and the old
    one stops working.
    """
    replayed = idempotency.replay()
    if replayed is not None:
        return replayed
    created = service.create_client(
        session=session, settings=settings, data=data, by=by, actor=actor, now=utcnow()
    )
    public = ClientCreated(**client_out(created.client).model_dump(), client_secret=None)
    location = {"Location": f"/auth/v1/clients/{created.client.client_id}"}
    # The remembered response never holds the secret: only this one answer shows it.
    stored = idempotency.respond(public.model_dump(mode="json"), headers=location)
    if stored.headers.get(REPLAYED_HEADER):
        return stored
    body = public.model_copy(update={"client_secret": created.secret}).model_dump(mode="json")
    return JSONResponse(body, status_code=201, headers={**location, **NO_STORE})


@router.get(
    "",
    summary="List clients (own organisation's; the operator: all)",
    responses=problem_responses(400, 403),
)
def list_clients(
    session: SessionDep,
    by: ClientsAdministratorDep,
    page: PageParamsDep,
    organisation: OrganisationQuery = None,
) -> Page[ClientOut]:
    """Clients by id, optionally of one organisation; an organisation's admin person sees
    only its own (another organisation asked for: an empty page)."""
    rows, cursor = service.list_clients(
        session=session, params=page, by=by, organisation=organisation
    )
    return Page(items=[client_out(c) for c in rows], next_cursor=cursor)


@router.get(
    "/{client_id}",
    summary="One client (its organisation's admin, or the operator)",
    responses=problem_responses(403, 404),
)
def get_client(
    client_id: ClientIdPath, session: SessionDep, by: ClientsAdministratorDep
) -> ClientOut:
    """A client, without its secret; 404 for another organisation's (its existence is not
    disclosed)."""
    return client_out(service.get_client(session=session, client_id=client_id, by=by))


@router.post(
    "/{client_id}/disable",
    summary="Disable a client (its organisation's admin, or the operator): no new tokens",
    responses=problem_responses(403, 404, 409),
)
def disable_client(
    client_id: ClientIdPath, session: SessionDep, by: ClientsAdministratorDep, actor: ActorDep
) -> ClientOut:
    """Tokens already issued stay valid until they expire (at most 900 s)."""
    client = service.set_enabled(
        session=session, client_id=client_id, enabled=False, by=by, actor=actor, now=utcnow()
    )
    return client_out(client)


@router.post(
    "/{client_id}/enable",
    summary="Enable a client (its organisation's admin, or the operator)",
    responses=problem_responses(403, 404),
)
def enable_client(
    client_id: ClientIdPath, session: SessionDep, by: ClientsAdministratorDep, actor: ActorDep
) -> ClientOut:
    """The client may get tokens again."""
    client = service.set_enabled(
        session=session, client_id=client_id, enabled=True, by=by, actor=actor, now=utcnow()
    )
    return client_out(client)


@router.post(
    "/{client_id}/secret",
    response_model=ClientSecret,
    summary="Rotate a client's secret (its organisation's admin, or the operator); shown once",
    responses=problem_responses(403, 404),
)
def rotate_secret(
    client_id: ClientIdPath,
    session: SessionDep,
    settings: SettingsDep,
    by: ClientsAdministratorDep,
    actor: ActorDep,
) -> JSONResponse:
    """The old secret stops working at once.

    A client holding ``index:write`` is rotated only on the server (``regctl client
    rotate-secret``): 403 ``local_only_scope`` here.
    """
    rotated = service.rotate_secret(
        session=session, settings=settings, client_id=client_id, by=by, actor=actor, now=utcnow()
    )
    body = ClientSecret(client_id=client_id, client_secret=rotated.secret)
    return JSONResponse(body.model_dump(), headers=NO_STORE)
