"""The mail worker: turns the outbox into email for people, in the background.

1. notices: each event not yet mailed gets one notice per enabled person whose
   organisation a grant of the event admits (``notifications.audience``, the rules the
   webhooks follow), whose role may read it (``register:read``; ``webhook.disabled``:
   the organisation's admins) and whose preference for its type is not ``never``;
   the unique (person, event) index makes that at most once;
2. immediate notices become one message each; daily ones one digest per person once
   the person's oldest waiting notice is ``mail_digest_interval_seconds`` old (so a
   restart never delays a digest, and a person gets at most one a day);
3. sending: with an SMTP host, each pending message is claimed (``sending``, committed),
   sent, then marked ``sent``; a failure puts it back with exponential backoff until
   ``mail_max_attempts``. A claimed message is never sent twice. With no SMTP host,
   messages are ``kept`` in the mail outbox (``GET /registry/v1/mail-outbox``).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import smtplib
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar

import anyio
from anyio import to_thread
from fastapi import FastAPI
from sqlalchemy import Engine
from sqlmodel import Session

from services.common import retry
from services.common.database import write_transaction
from services.common.security import MembershipPeriod, ReadScope
from services.common.tables import assume_utc, utcnow
from services.registry.mail import render, repository, smtp
from services.registry.mail.catalogue import LANGUAGES
from services.registry.mail.directory import PeopleDirectory, Person, load_credentials
from services.registry.mail.service import mode_for
from services.registry.models import MailMessage, MailNotice, NotificationEvent
from services.registry.notifications.audience import FOREVER, Recipient, variant_for

logger = logging.getLogger("salw.registry.mail")
T = TypeVar("T")
BATCH = 500


class MailSettings(smtp.SmtpSettings, Protocol):
    """The settings the mail worker reads (``RegistrySettings``'s ``mail_*``, ``smtp_*``)."""

    console_url: str
    mail_worker_interval_seconds: float
    mail_digest_interval_seconds: float
    mail_retry_base_seconds: float
    mail_retry_max_interval_seconds: float
    mail_max_attempts: int


@dataclass
class MailReport:
    """What one pass did."""

    notices: int = 0
    messages: int = 0
    sent: int = 0
    failed: int = 0


@dataclass
class MailWorker:
    """The mail worker of one app."""

    engine: Engine
    settings: MailSettings
    directory: PeopleDirectory
    community_periods: Callable[[str, str], Any] | None = None  # (community, token)
    state: Any = None
    clock: Callable[[], datetime] = utcnow

    async def _write(self, work: Callable[[Session], T]) -> T:
        def run() -> T:
            with write_transaction(self.engine) as session:
                return work(session)

        if self.engine.dialect.name == "sqlite" and self.state is not None:
            gate = getattr(self.state, "sqlite_write_gate", None)
            if gate is None:
                gate = self.state.sqlite_write_gate = anyio.Lock()
            async with gate:
                return await to_thread.run_sync(run)
        return await to_thread.run_sync(run)

    # -- who is told ---------------------------------------------------------------

    async def _recipients(self, people: Sequence[Person]) -> dict[str, Recipient]:
        """What each organisation of ``people`` may read, as the API's tenancy decides."""
        recipients: dict[str, Recipient] = {}
        for person in people:
            org = person.organisation
            if org in recipients:
                continue
            if person.org_type == "member_state":
                periods = (MembershipPeriod(country=org, joined=FOREVER, left=None),)
                scope = ReadScope(everything=False, periods=periods)
            elif person.org_type == "secretariat" and self.community_periods is not None:
                token = await self.directory.token()
                found = await self.community_periods(org, token)
                scope = ReadScope(everything=False, periods=tuple(found))
            elif person.org_type == "operator":
                scope = ReadScope(everything=True, periods=())
            else:
                scope = ReadScope(everything=False, periods=())
            recipients[org] = Recipient(org=org, org_type=person.org_type, scope=scope)
        return recipients

    @staticmethod
    def may_read(person: Person, event_type: str) -> bool:
        """The person's role may read this event (their organisation's tenancy aside)."""
        if event_type == "webhook.disabled":
            return person.role == "admin"
        return "register:read" in person.scopes

    def _write_notices(
        self,
        session: Session,
        *,
        people: Sequence[Person],
        recipients: dict[str, Recipient],
    ) -> tuple[int, int]:
        batch = repository.events_to_mail(session, limit=BATCH)
        if not batch:
            return 0, 0
        preferences = repository.preferences_of(session, [p.id for p in people])
        now = self.clock()
        rows = []
        for event in batch:
            for person in people:
                if not self.may_read(person, event.type):
                    continue
                variant = variant_for(event.grants, recipients[person.organisation])
                if variant is None or variant not in event.payloads:
                    continue
                mode = mode_for(preferences.get(person.id), person.role, event.type)
                if mode == "never":
                    continue
                rows.append(
                    {
                        "person_id": person.id,
                        "event_id": event.id,
                        "event_type": event.type,
                        "variant": variant,
                        "mode": mode,
                        "message_id": None,
                        "created_at": now,
                    }
                )
        repository.add_notices(session, rows)
        repository.mark_mailed(session, [e.id for e in batch if e.id is not None], now)
        return len(batch), len(rows)

    async def write_notices(self) -> int:
        """Notices for every event not mailed yet; how many notices."""
        total = 0
        while True:
            people = await self.directory.people()
            recipients = await self._recipients(people)
            events, notices = await self._write(
                functools.partial(self._write_notices, people=people, recipients=recipients)
            )
            total += notices
            if not events:
                return total

    # -- messages ------------------------------------------------------------------

    def _language(self, person: Person, chosen: str | None) -> str:
        for language in (chosen, person.language):
            if language in LANGUAGES:
                assert language is not None
                return language
        return "en"

    def _compose(
        self,
        session: Session,
        *,
        mode: str,
        people: dict[str, Person],
        due_before: datetime | None = None,
    ) -> int:
        waiting = repository.waiting_notices(session, mode=mode)
        by_person: dict[str, list[tuple[MailNotice, NotificationEvent]]] = defaultdict(list)
        for notice, event in waiting:
            by_person[notice.person_id].append((notice, event))
        if due_before is not None:  # digests: only people whose oldest notice is due
            by_person = defaultdict(
                list,
                {
                    person_id: items
                    for person_id, items in by_person.items()
                    if min(assume_utc(n.created_at) for n, _ in items) <= due_before
                },
            )
        preferences = repository.preferences_of(session, list(by_person))
        made = 0
        now = self.clock()
        for person_id, items in by_person.items():
            person = people.get(person_id)
            if person is None:  # disabled since: nothing is sent to them
                continue
            chosen = preferences.get(person_id)
            language = self._language(person, chosen.language if chosen else None)
            groups = [[item] for item in items] if mode == "immediate" else [items]
            for group in groups:
                entries = [
                    render.entry(
                        language=language,
                        event_type=event.type,
                        variant=notice.variant,
                        data=event.payloads[notice.variant],
                        console_url=self.settings.console_url,
                    )
                    for notice, event in group
                ]
                rendered = render.message(
                    language=language,
                    name=person.name,
                    entries=entries,
                    digest=mode == "daily",
                    console_url=self.settings.console_url,
                )
                message_id = repository.add_message(
                    session,
                    MailMessage(
                        person_id=person.id,
                        org=person.organisation,
                        to_address=person.email,
                        language=language,
                        kind="immediate" if mode == "immediate" else "digest",
                        subject=rendered.subject,
                        text_body=rendered.text,
                        html_body=rendered.html,
                        status="pending" if self.settings.smtp_host else "kept",
                        next_attempt_at=now,
                        created_at=now,
                    ),
                )
                ids = [notice.id for notice, _ in group if notice.id is not None]
                repository.attach_notices(session, ids, message_id)
                made += 1
        return made

    async def compose(self, mode: str, *, due_before: datetime | None = None) -> int:
        """Messages for the waiting notices of ``mode`` (``immediate``: one each;
        ``daily``: one digest per person whose oldest notice dates from ``due_before`` or
        earlier); how many messages."""
        people = {p.id: p for p in await self.directory.people()}
        return await self._write(
            functools.partial(self._compose, mode=mode, people=people, due_before=due_before)
        )

    # -- sending -------------------------------------------------------------------

    def backoff(self, attempts: int) -> timedelta:
        """The wait after the ``attempts``-th failure: doubling, capped, with jitter."""
        s = self.settings
        return retry.backoff(
            attempts,
            base_seconds=s.mail_retry_base_seconds,
            max_seconds=s.mail_retry_max_interval_seconds,
        )

    async def send_due(self, report: MailReport) -> None:
        """Send every due pending message (none without an SMTP host)."""
        if not self.settings.smtp_host:
            return
        due = await self._write(lambda s: repository.due_messages(s, now=self.clock(), limit=BATCH))
        for message in due:
            assert message.id is not None
            message_id = message.id
            if not await self._write(
                functools.partial(repository.claim_message, message_id=message_id)
            ):
                continue
            email = smtp.build(
                self.settings,
                to=message.to_address,
                subject=message.subject,
                text=message.text_body,
                html=message.html_body,
                language=message.language,
            )
            try:
                await to_thread.run_sync(smtp.send, self.settings, email)
            except (smtplib.SMTPException, OSError) as exc:
                error = f"{type(exc).__name__}: {exc}"[:1000]
                attempts = message.attempts + 1
                gave_up = attempts >= self.settings.mail_max_attempts
                values: dict[str, Any] = {
                    "status": "failed" if gave_up else "pending",
                    "attempts": attempts,
                    "last_error": error,
                    "next_attempt_at": self.clock() + self.backoff(attempts),
                }
                await self._write(
                    functools.partial(
                        repository.settle_message, message_id=message_id, values=values
                    )
                )
                report.failed += 1
                continue
            sent: dict[str, Any] = {
                "status": "sent",
                "attempts": message.attempts + 1,
                "sent_at": self.clock(),
            }
            await self._write(
                functools.partial(repository.settle_message, message_id=message_id, values=sent)
            )
            report.sent += 1

    async def run_pass(self, *, digest: bool = False) -> MailReport:
        """Notices, immediate messages, the digests that are due (every waiting one if
        ``digest``), then sending."""
        report = MailReport()
        with repository.pass_lock(self.engine) as mine:
            if not mine:
                return report
            report.notices = await self.write_notices()
            report.messages = await self.compose("immediate")
            interval = timedelta(seconds=self.settings.mail_digest_interval_seconds)
            due = self.clock() if digest else self.clock() - interval
            report.messages += await self.compose("daily", due_before=due)
            await self.send_due(report)
        return report


def make_mail_worker(app: FastAPI, settings: Any) -> MailWorker:
    """The app's mail worker, reading the directory through the app's auth client."""
    auth = app.state.auth_client.client
    credentials_file = settings.resolved_auth_credentials_file()
    directory = PeopleDirectory(
        auth=auth,
        credentials=lambda: load_credentials(
            settings.auth_client_id, settings.auth_client_secret, credentials_file
        ),
        ttl_seconds=settings.mail_directory_cache_seconds,
    )
    return MailWorker(
        engine=app.state.engine,
        settings=settings,
        directory=directory,
        community_periods=app.state.communities.periods,
        state=app.state,
    )


async def run_mail_worker(app: FastAPI, stop: asyncio.Event, settings: Any) -> None:
    """The registry's background mail worker, until ``stop`` is set."""
    worker = make_mail_worker(app, settings)
    app.state.mail_worker = worker
    while not stop.is_set():
        try:
            report = await worker.run_pass()
            if report.notices or report.sent or report.failed:
                logger.info("mail: %s", report)
        except Exception:  # auth, the database or SMTP down must not kill the worker
            logger.exception("mail: pass failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=settings.mail_worker_interval_seconds)
