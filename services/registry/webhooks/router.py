"""``/registry/v1/webhooks``: an organisation's endpoints, their delivery log, redelivery."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse, Response

from services.common.database import SessionDep
from services.common.errors import problem_responses
from services.common.idempotency import REPLAYED_HEADER, IdempotencyDep
from services.common.pagination import Page, PageParamsDep
from services.common.security import PrincipalDep, ReadScopeDep
from services.registry.notifications.signing import parse_sealing_key
from services.registry.webhooks import service
from services.registry.webhooks.schemas import (
    DeliveryRead,
    WebhookCreate,
    WebhookCreated,
    WebhookRead,
)

router = APIRouter(prefix="/webhooks", tags=["webhooks"])
EndpointId = Annotated[str, Path(max_length=36)]
DeliveryId = Annotated[int, Path(ge=1, le=2**62)]
NO_STORE = {"Cache-Control": "no-store"}


@router.post(
    "",
    status_code=201,
    response_model=WebhookCreated,
    summary="Register an endpoint; its signing secret is shown once",
    responses=problem_responses(403, 422),
)
def create_webhook(
    data: WebhookCreate,
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    scope: ReadScopeDep,
    idempotency: IdempotencyDep,
) -> Response:
    """Deliver the chosen event types to ``url``, signed (Standard Webhooks).

    By the organisation's ``admin`` person or its API client holding ``register:read``.
    The URL must be HTTPS on a public address: its host is resolved now and at every
    delivery, and a private, loopback, link-local, multicast or reserved address is
    refused (unless the operator set ``REGISTRY_WEBHOOKS_ALLOW_PRIVATE``). Each event
    reaches the endpoint only if its organisation may read what the event is about.

    The secret (``whsec_...``) is in this response only; a replay with the same
    ``Idempotency-Key`` returns the endpoint without it (``secret`` null). Lost it?
    Register a new endpoint and disable this one.
    """
    replayed = idempotency.replay()
    if replayed is not None:
        return replayed
    settings = request.app.state.settings
    created = service.create_endpoint(
        session=session,
        principal=principal,
        scope=scope,
        data=data,
        allow_private=settings.webhooks_allow_private,
        sealing_key=parse_sealing_key(settings.webhook_secrets_key),
    )
    public = WebhookCreated(
        **WebhookRead.model_validate(created.endpoint).model_dump(), secret=None
    )
    location = {"Location": f"/registry/v1/webhooks/{created.endpoint.id}"}
    # The remembered response never holds the secret: only this one answer shows it.
    stored = idempotency.respond(public.model_dump(mode="json"), headers=location)
    if stored.headers.get(REPLAYED_HEADER):
        return stored
    body = public.model_copy(update={"secret": created.secret}).model_dump(mode="json")
    return JSONResponse(body, status_code=201, headers={**location, **NO_STORE})


@router.get(
    "",
    response_model=Page[WebhookRead],
    summary="The organisation's endpoints",
    responses=problem_responses(400, 403),
)
def list_webhooks(
    session: SessionDep, principal: PrincipalDep, scope: ReadScopeDep, page: PageParamsDep
) -> Page[WebhookRead]:
    """Active and disabled endpoints of the caller's organisation, oldest first."""
    rows, cursor = service.list_endpoints(
        session=session, principal=principal, scope=scope, params=page
    )
    return Page(items=[WebhookRead.model_validate(r) for r in rows], next_cursor=cursor)


@router.get(
    "/{endpoint_id}",
    response_model=WebhookRead,
    summary="One endpoint",
    responses=problem_responses(403, 404),
)
def get_webhook(
    endpoint_id: EndpointId, session: SessionDep, principal: PrincipalDep, scope: ReadScopeDep
) -> WebhookRead:
    """An endpoint of the caller's organisation (404 for another's)."""
    endpoint = service.get_endpoint(
        session=session, principal=principal, scope=scope, endpoint_id=endpoint_id
    )
    return WebhookRead.model_validate(endpoint)


@router.delete(
    "/{endpoint_id}",
    response_model=WebhookRead,
    summary="Disable an endpoint (kept with its log)",
    responses=problem_responses(403, 404),
)
def disable_webhook(
    endpoint_id: EndpointId, session: SessionDep, principal: PrincipalDep, scope: ReadScopeDep
) -> WebhookRead:
    """Nothing more is sent to it; its pending deliveries fail. Nothing is deleted, and
    disabling twice changes nothing."""
    endpoint = service.disable_endpoint(
        session=session, principal=principal, scope=scope, endpoint_id=endpoint_id
    )
    return WebhookRead.model_validate(endpoint)


@router.get(
    "/{endpoint_id}/deliveries",
    response_model=Page[DeliveryRead],
    summary="The endpoint's delivery log",
    responses=problem_responses(400, 403, 404),
)
def list_deliveries(
    endpoint_id: EndpointId,
    session: SessionDep,
    principal: PrincipalDep,
    scope: ReadScopeDep,
    page: PageParamsDep,
) -> Page[DeliveryRead]:
    """Every event queued for the endpoint, oldest first: status, attempts, the last
    error, and the payload as signed and sent."""
    rows, cursor = service.list_deliveries(
        session=session, principal=principal, scope=scope, endpoint_id=endpoint_id, params=page
    )
    return Page(items=[DeliveryRead.model_validate(r) for r in rows], next_cursor=cursor)


@router.post(
    "/{endpoint_id}/deliveries/{delivery_id}/redeliver",
    status_code=202,
    response_model=DeliveryRead,
    summary="Send a delivery again",
    responses=problem_responses(403, 404, 409),
)
def redeliver(
    endpoint_id: EndpointId,
    delivery_id: DeliveryId,
    session: SessionDep,
    principal: PrincipalDep,
    scope: ReadScopeDep,
) -> DeliveryRead:
    """Queue the delivery again, with the same ``webhook-id`` and payload (receivers that
    deduplicate by ``webhook-id`` see it once), behind the endpoint's pending ones."""
    delivery = service.redeliver(
        session=session,
        principal=principal,
        scope=scope,
        endpoint_id=endpoint_id,
        delivery_id=delivery_id,
    )
    return DeliveryRead.model_validate(delivery)
