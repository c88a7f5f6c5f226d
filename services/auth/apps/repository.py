"""Queries on browser apps."""

from __future__ import annotations

from sqlmodel import Session, col, select

from services.auth.models import BrowserApp


def get(session: Session, client_id: str) -> BrowserApp | None:
    """One app by client id."""
    return session.get(BrowserApp, client_id)


def all_apps(session: Session) -> list[BrowserApp]:
    """Every app, by client id (a handful; never paginated in practice)."""
    return list(session.exec(select(BrowserApp).order_by(col(BrowserApp.client_id))))
