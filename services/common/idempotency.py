"""``Idempotency-Key`` for creating POSTs.

A retry with the same key and body returns the first response (with
``Idempotent-Replayed: true``); the same key with another body is a 422
``idempotency_key_reused``. The remembered response is inserted in the same
transaction as the record it describes, under a primary key of (client, key):
of two concurrent duplicates one commits and the other's insert fails, rolls
back its own record and replays the winner's response. Keys are per service
and per client, so two clients can never see each other's responses.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import Response
from sqlalchemy import Table, insert, select, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from services.common.database import SessionDep
from services.common.errors import ValidationFailed
from services.common.tables import utcnow

REPLAYED_HEADER = "Idempotent-Replayed"
_KEPT_HEADERS = ("etag", "location")


@dataclass
class Idempotency:
    """The idempotency context of one creating request."""

    session: Session
    table: Table
    client_id: str
    key: str | None
    fingerprint: str

    def use_fingerprint(self, parts: Mapping[str, Any]) -> None:
        """Fingerprint by parsed content (uploads: multipart boundaries differ between retries)."""
        raw = json.dumps(jsonable_encoder(parts), sort_keys=True, separators=(",", ":"))
        self.fingerprint = hashlib.sha256(raw.encode()).hexdigest()

    def replay(self) -> Response | None:
        """The first response for this key, or None when the key is new (or absent)."""
        if self.key is None:
            return None
        row = self._remembered()
        if row is None and self.session.get_bind().dialect.name == "postgresql":
            # Duplicates in flight queue on the key until the first one commits (or
            # fails), then find its response. Without this a duplicate that reaches
            # the domain rules after the first committed is refused by them (e.g. "already
            # declared in") instead of replaying. SQLite serializes writers already.
            self.session.execute(
                text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
                {"key": f"{self.table.name}\n{self.client_id}\n{self.key}"},
            )
            row = self._remembered()
        if row is None:
            return None
        if row["fingerprint"] != self.fingerprint:
            raise ValidationFailed(
                [
                    {
                        "loc": "header.Idempotency-Key",
                        "msg": "already used with another request body",
                    }
                ],
                detail="This Idempotency-Key was used with a different request; use a new key",
                code="idempotency_key_reused",
            )
        headers = dict(row["response_headers"] or {})
        headers[REPLAYED_HEADER] = "true"
        return Response(
            content=row["response_body"],
            status_code=row["status_code"],
            media_type="application/json",
            headers=headers,
        )

    def _remembered(self) -> Any:
        return (
            self.session.execute(
                select(self.table).where(
                    self.table.c.client_id == self.client_id,
                    self.table.c.idempotency_key == self.key,
                )
            )
            .mappings()
            .first()
        )

    def respond(
        self, content: Any, *, status_code: int = 201, headers: Mapping[str, str] | None = None
    ) -> Response:
        """Remember and return the response; replay the winner if a duplicate committed first."""
        body = json.dumps(jsonable_encoder(content), separators=(",", ":"))
        kept = {k: v for k, v in (headers or {}).items() if k.lower() in _KEPT_HEADERS}
        if self.key is not None:
            try:
                with self.session.begin_nested():
                    self.session.execute(
                        insert(self.table).values(
                            client_id=self.client_id,
                            idempotency_key=self.key,
                            fingerprint=self.fingerprint,
                            status_code=status_code,
                            response_body=body,
                            response_headers=kept,
                            created_at=utcnow(),
                        )
                    )
            except IntegrityError:
                # A concurrent duplicate committed first: drop our work, answer as it did.
                self.session.rollback()
                winner = self.replay()
                if winner is not None:
                    return winner
                raise
        return Response(
            content=body, status_code=status_code, media_type="application/json", headers=dict(kept)
        )


def principal_client_id(request: Request) -> str:
    """The authenticated client's id, as the security dependency left it on the request."""
    principal = getattr(request.state, "principal", None)
    return str(getattr(principal, "client_id", "anonymous"))


IdempotencyKeyHeader = Annotated[
    str | None,
    Header(
        min_length=1,
        max_length=255,
        description="Makes retries safe: the same key and body return the first response.",
    ),
]


async def idempotency(
    request: Request, session: SessionDep, idempotency_key: IdempotencyKeyHeader = None
) -> Idempotency:
    """FastAPI dependency giving the route its :class:`Idempotency`."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media == "multipart/form-data":
        # FastAPI has already streamed the form into its fields, so the raw body is
        # gone; upload routes fingerprint the parsed parts with use_fingerprint().
        body = b""
    else:
        body = await request.body()
    digest = hashlib.sha256(f"{request.method} {request.url.path}\n".encode() + body).hexdigest()
    return Idempotency(
        session=session,
        table=request.app.state.idempotency_table,
        client_id=principal_client_id(request),
        key=idempotency_key,
        fingerprint=digest,
    )


IdempotencyDep = Annotated[Idempotency, Depends(idempotency)]


@dataclass(frozen=True)
class PendingIdempotency:
    """The idempotency context of a creating upload before it has a session: the route
    reads its file with no database lock, then binds this to the short write session."""

    table: Table
    client_id: str
    key: str | None

    def bind(self, session: Session, *, fingerprint: Mapping[str, Any]) -> Idempotency:
        """The :class:`Idempotency` of ``session``, fingerprinted by the parsed content."""
        bound = Idempotency(
            session=session,
            table=self.table,
            client_id=self.client_id,
            key=self.key,
            fingerprint="",
        )
        bound.use_fingerprint(fingerprint)
        return bound


def pending_idempotency(
    request: Request, idempotency_key: IdempotencyKeyHeader = None
) -> PendingIdempotency:
    """FastAPI dependency for upload routes that take no ``SessionDep``."""
    return PendingIdempotency(
        table=request.app.state.idempotency_table,
        client_id=principal_client_id(request),
        key=idempotency_key,
    )


PendingIdempotencyDep = Annotated[PendingIdempotency, Depends(pending_idempotency)]
