"""API clients: creation (secret shown once), secret rotation, enabling and disabling.

Each organisation's ``admin`` person manages its own clients; the operator manages every
organisation's (``Administrator``). Another organisation's client is not found (404): its
existence is not disclosed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from services.auth.actors import Actor, is_local
from services.auth.administrators import Administrator
from services.auth.audit import service as audit
from services.auth.clients import repository, secrets
from services.auth.clients.schemas import ClientCreate
from services.auth.models import ApiClient
from services.auth.organisations import repository as organisations
from services.auth.settings import AuthSettings
from services.common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from services.common.pagination import PageParams
from services.common.scopes import SCOPES, Scope

# Who may hold which scope: writes are a member state's own, admin is the operator's.
SCOPES_BY_ORG_TYPE: dict[str, frozenset[Scope]] = {
    "member_state": frozenset(
        {Scope.MANIFESTS_WRITE, Scope.DECLARATIONS_WRITE, Scope.REGISTER_READ}
    ),
    "secretariat": frozenset({Scope.REGISTER_READ, Scope.ALERTS_TRIAGE}),
    # index:write belongs to the operator's service clients (the declarations relay);
    # metrics:read to the operator's Prometheus; people:read to the registry's mail worker.
    "operator": frozenset(
        {
            Scope.ADMIN,
            Scope.REGISTER_READ,
            Scope.INDEX_WRITE,
            Scope.METRICS_READ,
            Scope.PEOPLE_READ,
        }
    ),
}
# Scopes the API never hands out: a client holding one is made, and its secret rotated,
# only by bootstrap or ``regctl`` on the server. An operator's admin token (or whoever
# steals it) cannot mint a feeder of the registry's index.
LOCAL_ONLY_SCOPES = frozenset({Scope.INDEX_WRITE, Scope.PEOPLE_READ})


@dataclass(frozen=True)
class NewSecret:
    """A client and its plain secret, to show once."""

    client: ApiClient
    secret: str


def create_client(
    *,
    session: Session,
    settings: AuthSettings,
    data: ClientCreate,
    by: Administrator,
    actor: Actor,
    now: datetime,
) -> NewSecret:
    """Create a client of an existing organisation with scopes its type may hold.

    403 when ``by`` may not act for that organisation (an admin person names another).
    """
    code = data.organisation.strip().upper()
    if not by.may_act_on(code):
        raise Forbidden(f"You may not create clients of {code}")
    organisation = organisations.get(session, code)
    if organisation is None:
        raise ValidationFailed([{"loc": "organisation", "msg": f"no organisation {code}"}])
    allowed = SCOPES_BY_ORG_TYPE[organisation.type]
    refused = [s for s in data.scopes if s not in allowed]
    if refused:
        raise ValidationFailed(
            [
                {
                    "loc": f"scopes[{data.scopes.index(s)}]",
                    "msg": f"a {organisation.type} may not hold {s}",
                }
                for s in refused
            ]
        )
    local_only = [s for s in data.scopes if s in LOCAL_ONLY_SCOPES]
    if local_only and not is_local(actor):
        raise ValidationFailed(
            [
                {
                    "loc": f"scopes[{data.scopes.index(s)}]",
                    "msg": f"a client with {s} is made only by bootstrap or"
                    f" `regctl client create --scope {s}`, not over the API",
                    "type": "local_only_scope",
                }
                for s in local_only
            ],
            code="local_only_scope",
        )
    secret = secrets.new_client_secret()
    client = ApiClient(
        client_id=secrets.new_client_id(code),
        organisation=code,
        name=data.name.strip(),
        scopes=" ".join(s for s in SCOPES if s in data.scopes),
        secret_hash=secrets.hash_secret(settings, secret),
        enabled=True,
        created_at=now,
        updated_at=now,
    )
    session.add(client)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        event="client.created",
        subject=client.client_id,
        details={"organisation": code, "name": client.name, "scopes": client.scopes},
        now=now,
    )
    return NewSecret(client=client, secret=secret)


def get_client(*, session: Session, client_id: str, by: Administrator) -> ApiClient:
    """One client ``by`` administers (404 when unknown or another organisation's)."""
    client = repository.get(session, client_id)
    if client is None or not by.may_act_on(client.organisation):
        raise NotFound(f"No client {client_id}")
    return client


def list_clients(
    *, session: Session, params: PageParams, by: Administrator, organisation: str | None
) -> tuple[list[ApiClient], str | None]:
    """A page of clients by id: an admin person's organisation's (another one asked for:
    none), the operator's choice (every organisation's when None)."""
    code = organisation.upper() if organisation else None
    if not by.operator and code is not None and code != by.organisation:
        return [], None
    return repository.page(session, params=params, organisation=by.within(code))


def set_enabled(
    *,
    session: Session,
    client_id: str,
    enabled: bool,
    by: Administrator,
    actor: Actor,
    now: datetime,
) -> ApiClient:
    """Enable or disable a client; a disabled client gets no new token from now on.

    Tokens it already holds stay valid until they expire (at most 900 s).
    """
    client = get_client(session=session, client_id=client_id, by=by)
    if not enabled and client_id == actor.actor:
        raise Conflict("A client cannot disable itself", code="cannot_disable_self")
    if client.enabled != enabled:
        client.enabled = enabled
        client.updated_at = now
        audit.record(
            session=session,
            actor=actor,
            event="client.enabled" if enabled else "client.disabled",
            subject=client_id,
            details={"organisation": client.organisation},
            now=now,
        )
    return client


def rotate_secret(
    *,
    session: Session,
    settings: AuthSettings,
    client_id: str,
    by: Administrator,
    actor: Actor,
    now: datetime,
) -> NewSecret:
    """Replace a client's secret; the old one stops working at once.

    A client holding a local-only scope (``index:write``) is rotated only on the server
    (``regctl client rotate-secret``): over the API, its new secret would hand the caller
    that scope (403 ``local_only_scope``).
    """
    client = get_client(session=session, client_id=client_id, by=by)
    held = set(client.scopes.split()) & LOCAL_ONLY_SCOPES
    if held and not is_local(actor):
        raise Forbidden(
            f"The secret of a client with {', '.join(sorted(held))} is rotated only on the"
            " server: regctl client rotate-secret",
            code="local_only_scope",
        )
    secret = secrets.new_client_secret()
    client.secret_hash = secrets.hash_secret(settings, secret)
    client.updated_at = now
    audit.record(
        session=session,
        actor=actor,
        event="client.secret_rotated",
        subject=client_id,
        details={"organisation": client.organisation},
        now=now,
    )
    return NewSecret(client=client, secret=secret)
