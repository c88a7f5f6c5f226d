"""The relay: delivers feed entries of the log to the registry's weapon index.

The log is a transactional outbox: a declaration version and its log entry
commit together, so nothing is lost when the registry is down; the relay
catches up when it returns. Delivery is at-least-once with stable event ids,
and the registry ignores what it has seen, so items arrive exactly once.
Failures back off exponentially per entry (capped), and every failed attempt
is recorded for operators (``GET /declarations/v1/index-feed``). An entry in
backoff is skipped, so the entries behind it still go through. An entry the
registry refuses for good (a 4xx about the entry itself, such as a 422) is
settled with the outcome ``rejected``: retrying cannot help, and it must not
hold up the feed. Rejections are counted and listed for operators, who can ask
for a rejected entry to be delivered again after a fix (``regctl index retry``):
the entry is pending again until that redelivery has an outcome.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import httpx
from anyio import to_thread
from sqlalchemy import Engine
from sqlmodel import Session

from services.common.database import write_session
from services.common.scopes import Scope
from services.common.tables import utcnow
from services.declarations.incidents import repository as incidents
from services.declarations.index_feed import repository
from services.declarations.index_feed.events import build_event, incident_id_of, incident_of
from services.declarations.log import service as log_service
from services.declarations.settings import DeclarationsSettings

logger = logging.getLogger("salw.declarations.index_feed")
INDEX_PATH = "/registry/v1/index/declarations"
ERROR_TEXT_LIMIT = 1800  # of the registry's answer kept with a failed attempt
# 4xx answers that say nothing about the entry: the relay's token (401, 403), time or
# load (408, 425, 429), a concurrent twin of the same delivery (409, which the registry
# documents as "retry"), and a registry without the index route (404, 405: a wrong base
# URL or an older registry), which would otherwise settle the whole log as rejected.
RETRYABLE_CLIENT_ERRORS = frozenset({401, 403, 404, 405, 408, 409, 425, 429})


def is_rejection(status_code: int) -> bool:
    """True if the registry refused the entry itself: redelivering it cannot succeed."""
    return 400 <= status_code < 500 and status_code not in RETRYABLE_CLIENT_ERRORS


@dataclass
class RelayReport:
    """What one pass did."""

    delivered: int = 0
    rejected: int = 0
    failed: int = 0
    waiting: int = 0
    errors: list[str] = field(default_factory=list)


def load_client_credentials(settings: DeclarationsSettings) -> tuple[str, str] | None:
    """The relay's client id and secret, from settings or the saved file."""
    if settings.index_client_id and settings.index_client_secret:
        return settings.index_client_id, settings.index_client_secret
    path: Path = settings.resolved_index_credentials_file()
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
        return str(saved["client_id"]), str(saved["client_secret"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


class IndexRelay:
    """Delivers pending feed entries (:meth:`run` in the background, or one pass)."""

    def __init__(
        self,
        *,
        engine: Engine,
        settings: DeclarationsSettings,
        registry: httpx.AsyncClient,
        auth: httpx.AsyncClient,
        origin: str,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.registry = registry
        self.auth = auth
        self.origin = origin
        self.clock = clock
        self._token: str | None = None
        self._token_expires = 0.0

    async def _bearer(self) -> str:
        if self._token and time.monotonic() < self._token_expires:
            return self._token
        credentials = load_client_credentials(self.settings)
        if credentials is None:
            raise RuntimeError(
                "no client for the index relay: set DECLARATIONS_INDEX_CLIENT_ID and"
                " DECLARATIONS_INDEX_CLIENT_SECRET (a client with scope index:write)"
            )
        response = await self.auth.post(
            "/auth/v1/token",
            data={"grant_type": "client_credentials", "scope": Scope.INDEX_WRITE},
            auth=credentials,
        )
        if response.status_code != 200:
            raise RuntimeError(
                f"the auth service refused the relay's token ({response.text[:200]})"
            )
        body = response.json()
        self._token = str(body["access_token"])
        self._token_expires = time.monotonic() + max(float(body.get("expires_in", 60)) - 30, 5)
        return self._token

    def _pending(
        self, now: datetime
    ) -> tuple[list[tuple[repository.PendingEntry, dict[str, object] | None]], int]:
        with Session(self.engine) as session:
            entries = repository.pending_entries(
                session, limit=self.settings.index_relay_batch, now=now
            )
            # One signed tree for the batch: every pending entry was committed with (or
            # before) the checkpoint its own append stored, so the latest one covers all.
            tree = log_service.latest_signed_tree(session)
            if tree is None:
                return [], repository.count_waiting(session, now=now)
            events = []
            for entry in entries:
                row = repository.declaration_version(
                    session,
                    entry.declaration_id,
                    None if entry.entry_type == "disposal" else entry.version,
                )
                named = incident_id_of(row) if entry.entry_type != "disposal" else None
                incident = (
                    incident_of(incidents.incident_for_index(session, named)) if named else None
                )
                event = build_event(
                    entry,
                    row,
                    origin=self.origin,
                    inclusion=log_service.signed_inclusion(
                        session, index=entry.log_index, tree=tree
                    ),
                    incident=incident,
                )
                events.append((entry, event))
            return events, repository.count_waiting(session, now=now)

    def _record(
        self, entry: repository.PendingEntry, *, outcome: str | None, error: str | None
    ) -> None:
        with write_session(self.engine) as session:
            now = self.clock()
            index = entry.log_index
            if outcome is None or outcome == repository.REJECTED:
                repository.record_attempt(session, log_index=index, error=error or "", now=now)
            if outcome is not None and entry.retrying:
                repository.record_retry_outcome(session, log_index=index, outcome=outcome, now=now)
            elif outcome is not None:
                repository.record_delivery(session, log_index=index, outcome=outcome, now=now)
            session.commit()

    async def _deliver(self, event: dict[str, object]) -> tuple[str | None, str | None]:
        """``(outcome, None)`` when settled, ``(rejected, error)`` when refused for good,
        ``(None, error)`` when worth another try."""
        try:
            token = await self._bearer()
            response = await self.registry.post(
                INDEX_PATH, json=event, headers={"Authorization": f"Bearer {token}"}
            )
        except (httpx.HTTPError, RuntimeError) as exc:
            return None, f"{type(exc).__name__}: {exc}"
        if response.status_code == 401:
            self._token = None  # expired or rotated: fetch a new one next time
        if response.status_code == 200:
            return str(response.json().get("status", "indexed")), None
        answer = response.text
        if len(answer) > ERROR_TEXT_LIMIT:
            answer = answer[:ERROR_TEXT_LIMIT] + f"... ({len(response.text)} characters in all)"
        error = f"registry answered {response.status_code}: {answer}"
        if is_rejection(response.status_code):
            return repository.REJECTED, error
        return None, error

    async def deliver_pending(self) -> RelayReport:
        """Deliver up to a batch of due pending entries once.

        Failures are recorded and retried in a later pass after their backoff;
        rejections are settled (outcome ``rejected``) and not retried.
        """
        report = RelayReport()
        events, report.waiting = await to_thread.run_sync(self._pending, self.clock())
        for entry, event in events:
            outcome: str | None = "nothing_to_index"
            error: str | None = None
            if event is not None:
                outcome, error = await self._deliver(event)
            await to_thread.run_sync(
                functools.partial(self._record, entry, outcome=outcome, error=error)
            )
            if outcome is None:
                report.failed += 1
                report.errors.append(f"log entry {entry.log_index}: {error}")
            elif outcome == repository.REJECTED:
                report.rejected += 1
                report.errors.append(f"log entry {entry.log_index} rejected: {error}")
            else:
                report.delivered += 1
        return report

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until ``stop`` is set, pausing between passes."""
        while not stop.is_set():
            try:
                report = await self.deliver_pending()
                if report.failed or report.rejected:
                    logger.warning(
                        "index feed: %d deliveries failed, %d rejected by the registry",
                        report.failed,
                        report.rejected,
                        extra={"errors": report.errors[:5]},
                    )
            except Exception:  # a database outage must not kill the relay
                logger.exception("index feed: pass failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    stop.wait(), timeout=self.settings.index_relay_interval_seconds
                )
