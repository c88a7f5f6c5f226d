"""Rules of the webhooks API: who may manage endpoints, what an endpoint may be.

An organisation's endpoints are managed by its ``admin`` person or by its API client
holding ``register:read`` (a national system), both of which read everything the
events carry; anyone else: 403. Another organisation's endpoint is a 404. An endpoint
records what its organisation may read (its country, or its community's membership
periods, as of its registration; the worker uses the registry's freshest memberships
when it has them), which the worker checks every event against before it is sent.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlmodel import Session

from services.common.errors import Conflict, FieldProblem, Forbidden, NotFound, ValidationFailed
from services.common.pagination import PageParams
from services.common.scopes import Scope
from services.common.security import Principal, ReadScope
from services.common.tables import utcnow
from services.registry.models import WebhookDelivery, WebhookEndpoint
from services.registry.notifications import EVENT_TYPES, signing
from services.registry.notifications import repository as outbox
from services.registry.notifications.addresses import (
    AddressRefused,
    resolve_checked,
    url_problems,
)
from services.registry.notifications.audience import periods_to_json
from services.registry.webhooks import repository
from services.registry.webhooks.schemas import WebhookCreate


@dataclass(frozen=True)
class Created:
    """A new endpoint and its secret (shown once)."""

    endpoint: WebhookEndpoint
    secret: str


def require_manager(principal: Principal) -> None:
    """The organisation's admin person, or its API client holding ``register:read``."""
    reads = principal.has_scope(Scope.REGISTER_READ)
    admin_person = principal.subject_type == "person" and principal.role == "admin"
    if not reads or not (principal.subject_type == "client" or admin_person):
        raise Forbidden(
            "Webhooks are managed by the organisation's admin, or its API client holding"
            f" '{Scope.REGISTER_READ}'",
            code="webhook_management",
        )


def _sync_tenancy(session: Session, principal: Principal, scope: ReadScope) -> None:
    # A secretariat's memberships change over time: a registration refreshes those of
    # its organisation's endpoints (the worker prefers the registry's own directory).
    if principal.org_type == "secretariat" and not scope.everything:
        outbox.refresh_periods(session, org=principal.org, periods=periods_to_json(scope.periods))


def create_endpoint(
    *,
    session: Session,
    principal: Principal,
    scope: ReadScope,
    data: WebhookCreate,
    allow_private: bool,
    sealing_key: bytes | None,
) -> Created:
    """Register an endpoint; 422 naming every problem (URL, address, event types)."""
    require_manager(principal)
    problems = [
        FieldProblem(loc="url", msg=m) for m in url_problems(data.url, allow_private=allow_private)
    ]
    if not problems:
        try:
            resolve_checked(data.url, allow_private=allow_private)
        except AddressRefused as exc:
            problems.append(FieldProblem(loc="url", msg=str(exc)))
    if not data.events:
        problems.append(FieldProblem(loc="events", msg="name at least one event type"))
    for index, name in enumerate(data.events):
        if name not in EVENT_TYPES:
            problems.append(
                FieldProblem(
                    loc=f"events[{index}]",
                    msg=f"unknown event type {name!r}; one of {', '.join(EVENT_TYPES)}",
                )
            )
    if problems:
        raise ValidationFailed(problems)
    _sync_tenancy(session, principal, scope)
    endpoint_id = str(uuid.uuid4())
    secret = signing.new_secret()
    endpoint = WebhookEndpoint(
        id=endpoint_id,
        org=principal.org,
        org_type=principal.org_type,
        country=principal.country,
        community=principal.community,
        periods=[] if scope.everything else periods_to_json(scope.periods),
        reads_everything=scope.everything,
        url=data.url,
        events=list(dict.fromkeys(data.events)),
        secret_sealed=signing.seal(secret, key=sealing_key, endpoint_id=endpoint_id),
        created_by=principal.client_id,
        created_by_type=principal.subject_type,
        created_at=utcnow(),
    )
    outbox.add_endpoint(session, endpoint)
    return Created(endpoint=endpoint, secret=secret)


def list_endpoints(
    *, session: Session, principal: Principal, scope: ReadScope, params: PageParams
) -> tuple[list[WebhookEndpoint], str | None]:
    """The caller's organisation's endpoints."""
    require_manager(principal)
    return repository.list_endpoints(session, org=principal.org, params=params)


def get_endpoint(
    *, session: Session, principal: Principal, scope: ReadScope, endpoint_id: str
) -> WebhookEndpoint:
    """One of the caller's organisation's endpoints (404 for anyone else's)."""
    require_manager(principal)
    endpoint = repository.endpoint_of(session, org=principal.org, endpoint_id=endpoint_id)
    if endpoint is None:
        raise NotFound("No such webhook endpoint", code="webhook_not_found")
    return endpoint


def disable_endpoint(
    *, session: Session, principal: Principal, scope: ReadScope, endpoint_id: str
) -> WebhookEndpoint:
    """Disable the endpoint (kept, with its log; nothing is sent to it any more)."""
    endpoint = get_endpoint(
        session=session, principal=principal, scope=scope, endpoint_id=endpoint_id
    )
    if endpoint.status == "active":
        outbox.disable_endpoint(
            session, endpoint.id, reason=f"disabled by {principal.client_id}", at=utcnow()
        )
        session.refresh(endpoint)
    return endpoint


def list_deliveries(
    *,
    session: Session,
    principal: Principal,
    scope: ReadScope,
    endpoint_id: str,
    params: PageParams,
) -> tuple[list[WebhookDelivery], str | None]:
    """The endpoint's delivery log."""
    get_endpoint(session=session, principal=principal, scope=scope, endpoint_id=endpoint_id)
    return repository.list_deliveries(session, endpoint_id=endpoint_id, params=params)


def redeliver(
    *,
    session: Session,
    principal: Principal,
    scope: ReadScope,
    endpoint_id: str,
    delivery_id: int,
) -> WebhookDelivery:
    """Queue the delivery again (same ``webhook-id`` and body); 409 if the endpoint is
    disabled."""
    endpoint = get_endpoint(
        session=session, principal=principal, scope=scope, endpoint_id=endpoint_id
    )
    original = outbox.get_delivery(session, endpoint_id, delivery_id)
    if original is None:
        raise NotFound("No such delivery of this endpoint", code="delivery_not_found")
    if endpoint.status != "active":
        raise Conflict("A disabled endpoint receives nothing", code="webhook_disabled")
    now = utcnow()
    return outbox.add_delivery(
        session,
        WebhookDelivery(
            endpoint_id=endpoint_id,
            event_id=original.event_id,
            message_id=original.message_id,
            event_type=original.event_type,
            variant=original.variant,
            body=original.body,
            status="pending",
            next_attempt_at=now,
            redelivery_of=original.id,
            created_at=now,
        ),
    )
