"""Ingestion of declarations into the registry's index (fed by the declarations outbox)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from services.common.database import SessionDep
from services.common.errors import problem_responses
from services.common.scopes import Scope
from services.common.security import Principal, require_scope
from services.common.transparency.note import Verifier
from services.registry.index import service
from services.registry.index.schemas import DeclarationDelivery, DeliveryResult

router = APIRouter(prefix="/index", tags=["index"])
IndexWriterDep = Annotated[Principal, Depends(require_scope(Scope.INDEX_WRITE))]


def _log_verifier(request: Request) -> Verifier | None:
    verifier: Verifier | None = request.app.state.declarations_log_verifier
    return verifier


LogVerifierDep = Annotated[Verifier | None, Depends(_log_verifier)]


@router.post(
    "/declarations",
    response_model=DeliveryResult,
    responses=problem_responses(403, 409, 413, 422, 503),
)
def deliver_declaration(
    delivery: DeclarationDelivery,
    principal: IndexWriterDep,
    session: SessionDep,
    log_verifier: LogVerifierDep,
) -> DeliveryResult:
    """Index one declaration version delivered by the declarations service's outbox.

    The index is a projection of the declarations register, whose Merkle log is the
    source of truth; it can be rebuilt by replaying deliveries. Idempotent: a repeated
    ``event_id``, or a ``version`` not newer than the indexed one, changes nothing and
    answers 200 ``{"status": "duplicate"|"stale"}``. A newer ``upsert`` replaces the
    declaration's indexed items and answers ``{"status": "indexed", "alerts": n}`` with
    the number of diversion, linkage and embargo alerts raised in the same transaction.
    ``dispose`` (content disposal after 30 years) removes the declaration's items.
    A concurrent twin of the same delivery may get 409 ``concurrent_delivery``: retry.

    Every delivery is checked against the declarations log before anything is stored:
    ``proof`` holds the entry's logged bytes and its inclusion proof under a checkpoint
    signed by the log's key (``REGISTRY_DECLARATIONS_LOG_KEY``), and an upsert's
    ``record`` must hash to the entry's ``record_sha256`` and state every indexed field.
    403 ``untrusted_checkpoint`` (not signed by that key), 422 ``not_in_log`` or
    ``not_what_the_log_says`` (naming each field), 503 ``log_key_not_configured``.

    Needs ``index:write`` (held only by the operator's service clients, made by
    bootstrap or ``regctl client create``, never over the API).
    """
    return service.ingest_declaration(
        session=session, principal=principal, delivery=delivery, log_verifier=log_verifier
    )
