"""Signing people in to the embedded console as a browser would (cookies, redirects)."""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta

import pyotp
from fastapi.testclient import TestClient

from services.auth.bootstrap import ensure_console_app
from services.common.database import make_engine
from services.embedded import EmbeddedSettings
from tests.auth.people_support import Enrolled, hidden_fields

BASE = "http://127.0.0.1"


def register_console(settings: EmbeddedSettings) -> None:
    """What the first start does: the console registered as a confidential app."""
    engine = make_engine(settings.auth.resolved_database_url())
    try:
        ensure_console_app(settings=settings.auth, engine=engine)
    finally:
        engine.dispose()


def sign_in(
    client: TestClient,
    person: Enrolled,
    *,
    start: str = "/console/",
    cookies_out: list[str] | None = None,
) -> str:
    """Open ``start``, sign in on auth's pages, and return the console page's HTML."""
    page = client.get(start)  # -> console sign-in -> auth's sign-in page
    assert page.status_code == 200, page.text
    assert str(page.url).startswith(f"{BASE}/auth/authorize"), page.url
    form = {**hidden_fields(html.unescape(page.text)), "email": person.email}
    form["password"] = person.password
    second = client.post("/auth/authorize", data=form)
    assert second.status_code == 200, second.text
    # The next 30 s step: enrolment may have spent the current one.
    code = pyotp.TOTP(person.totp_key).at(datetime.now(UTC) + timedelta(seconds=30))
    done = client.post(
        "/auth/authorize/verify",
        data={**hidden_fields(html.unescape(second.text)), "code": code},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    assert done.headers["location"].startswith(f"{BASE}/console/callback?")
    callback = client.get(done.headers["location"], follow_redirects=False)
    assert callback.status_code == 303, callback.text
    if cookies_out is not None:
        cookies_out.extend(callback.headers.get_list("set-cookie"))
    landed = client.get(callback.headers["location"])
    assert landed.status_code == 200, landed.text
    return landed.text
