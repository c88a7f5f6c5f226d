"""Helpers of the email tests: a real SMTP server on 127.0.0.1 (aiosmtpd), people
invited through auth's API, and one pass of the mail worker with its own clients."""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from services.common.auth_client import AuthServiceClient
from services.common.security import CommunityDirectory
from services.embedded import EmbeddedRegister, EmbeddedSettings
from services.registry.mail.directory import PeopleDirectory
from services.registry.mail.worker import MailReport, MailWorker
from tests.auth.people_support import direct_person_token, invite
from tests.support.auth_fixtures import AuthApi

CONSOLE = "https://console.register.test/console/"


@dataclass
class Inbox:
    """What the SMTP server received: one parsed message per recipient."""

    messages: list[tuple[str, EmailMessage]] = field(default_factory=list)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        for rcpt in envelope.rcpt_tos:
            self.messages.append((rcpt, parsed))
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        """The messages received for ``address``."""
        return [m for rcpt, m in self.messages if rcpt == address]


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server on 127.0.0.1 (an unused port) and what it received."""
    inbox = Inbox()
    with socket.socket() as probe:  # an unused port (aiosmtpd checks its own by connecting)
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@dataclass(frozen=True)
class Someone:
    """A person invited through auth's API and their bearer headers."""

    id: str
    email: str
    headers: dict[str, str]


def person(
    client: Any,
    auth_api: AuthApi,
    settings: EmbeddedSettings,
    *,
    org_type: str,
    org: str,
    role: str,
    email_address: str,
) -> Someone:
    """Invite a person (as the operator) and sign a token for them."""
    auth_api.ensure_organisation(org_type, org)
    response = invite(
        client, auth_api.admin_headers(), org=org, email=email_address, role=role, name="Awa"
    )
    assert response.status_code == 201, response.text
    person_id = response.json()["id"]
    token = direct_person_token(settings, person_id)
    return Someone(id=person_id, email=email_address, headers=auth_api.headers(token))


def run_mail_pass(
    register: EmbeddedRegister,
    auth_api: AuthApi,
    *,
    digest: bool = False,
    **settings: Any,
) -> MailReport:
    """One pass of the mail worker as the background task runs it, reading the people
    directory over HTTP with a ``people:read`` client of the operator."""
    client_id, secret = auth_api.create_operator_client(("people:read",))
    app = register.registry

    async def one() -> MailReport:
        transport = httpx.ASGITransport(app=register.auth)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as auth:
            communities = CommunityDirectory(fetch_json=AuthServiceClient(auth).fetch_json)
            worker = MailWorker(
                engine=app.state.engine,
                settings=app.state.settings.model_copy(update={"console_url": CONSOLE, **settings}),
                directory=PeopleDirectory(auth=auth, credentials=lambda: (client_id, secret)),
                community_periods=communities.periods,
            )
            return await worker.run_pass(digest=digest)

    return asyncio.run(one())


def parts(message: EmailMessage) -> tuple[str, str]:
    """The plain text and HTML parts of a message."""
    plain = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert plain is not None, "a plain text part"
    assert html is not None, "an HTML part"
    return str(plain.get_content()), str(html.get_content())
