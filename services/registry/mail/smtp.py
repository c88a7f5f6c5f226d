"""Sending one message through SMTP (STARTTLS, implicit TLS, or none), text and HTML."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Protocol


class SmtpSettings(Protocol):
    """The ``smtp_*`` settings (``RegistrySettings``)."""

    smtp_host: str
    smtp_port: int
    smtp_security: str
    smtp_username: str
    smtp_password: str
    smtp_from: str
    smtp_timeout_seconds: float


def build(
    settings: SmtpSettings, *, to: str, subject: str, text: str, html: str, language: str
) -> EmailMessage:
    """A multipart/alternative message: the plain text, then the HTML."""
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="salw-register")
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    # After the parts: making the alternative moves Content-* headers into the first part.
    message["Content-Language"] = language
    return message


def send(settings: SmtpSettings, message: EmailMessage) -> None:
    """Deliver ``message`` to the SMTP server (blocking; run it in a thread). Raises
    ``smtplib.SMTPException`` or ``OSError`` when the server does not take it."""
    context = ssl.create_default_context()
    timeout = settings.smtp_timeout_seconds
    server: smtplib.SMTP
    if settings.smtp_security == "tls":
        server = smtplib.SMTP_SSL(
            settings.smtp_host, settings.smtp_port, timeout=timeout, context=context
        )
    else:
        server = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout)
    with server:
        if settings.smtp_security == "starttls":
            server.starttls(context=context)
        if settings.smtp_username:
            server.login(settings.smtp_username, settings.smtp_password)
        server.send_message(message)
