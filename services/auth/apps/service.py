"""Browser apps: registered by the operator; confidential ones get a secret shown once."""

from __future__ import annotations

import secrets as random
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from services.auth.actors import Actor
from services.auth.apps import repository
from services.auth.apps.schemas import AppCreate
from services.auth.audit import service as audit
from services.auth.clients import secrets
from services.auth.models import BrowserApp
from services.auth.settings import AuthSettings
from services.common.errors import NotFound


@dataclass(frozen=True)
class NewApp:
    """An app and its plain secret (None for a public app), to show once."""

    app: BrowserApp
    secret: str | None


def create_app(
    *, session: Session, settings: AuthSettings, data: AppCreate, actor: Actor, now: datetime
) -> NewApp:
    """Register an app; its redirect URIs are matched exactly at sign-in."""
    secret = None if data.public else secrets.new_client_secret()
    app = BrowserApp(
        client_id="app-" + random.token_hex(8),
        name=data.name.strip(),
        redirect_uris=list(data.redirect_uris),
        public=data.public,
        secret_hash=secrets.hash_secret(settings, secret) if secret else None,
        enabled=True,
        created_at=now,
    )
    session.add(app)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        event="app.created",
        subject=app.client_id,
        details={"name": app.name, "public": app.public, "redirect_uris": app.redirect_uris},
        now=now,
    )
    return NewApp(app=app, secret=secret)


def get_app(*, session: Session, client_id: str) -> BrowserApp:
    """One app (404 when unknown)."""
    app = repository.get(session, client_id)
    if app is None:
        raise NotFound(f"No app {client_id}")
    return app


def list_apps(*, session: Session) -> list[BrowserApp]:
    """Every app."""
    return repository.all_apps(session)
