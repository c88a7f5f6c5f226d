"""Rendering the console's pages: templates, language, menus, headers, static files.

Every page carries a strict Content-Security-Policy (scripts and styles only from
this origin, no inline script or style), cannot be framed, and is never cached;
static files are fingerprinted (``/console/static/<hash>/<name>``) and cached for a
year, so a repeat visit downloads only the page.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, select_autoescape

from services.console.i18n import (
    LANG_COOKIE,
    LANGUAGE_NAMES,
    LANGUAGES,
    N_,
    Formats,
    asked_language,
    language,
    translator,
)
from services.console.session import Session, secure
from services.console.signed_in import SignedIn, sealer_of

PACKAGE = Path(__file__).resolve().parent
STATIC = PACKAGE / "static"
DOMAINS: tuple[str, ...] = ("signin", "home", "manifests", "declarations", "losses")
DOMAINS += ("trace", "alerts", "drafts", "holdings", "cases", "statistics")
DOMAINS += ("admin", "profile")
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)

_environment = Environment(
    loader=ChoiceLoader(
        [
            FileSystemLoader(PACKAGE / "templates"),
            PrefixLoader({d: FileSystemLoader(PACKAGE / d / "templates") for d in DOMAINS}),
        ]
    ),
    autoescape=select_autoescape(["html"]),
    auto_reload=False,
)


def _fingerprints() -> dict[str, str]:
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        for path in sorted(STATIC.iterdir())
        if path.is_file()
    }


FINGERPRINTS = _fingerprints()


def static_url(name: str) -> str:
    """The fingerprinted URL of a static file (cached for a year)."""
    return f"/console/static/{FINGERPRINTS[name]}/{name}"


@dataclass(frozen=True)
class MenuEntry:
    """A menu link the person's role lets them use."""

    href: str
    label: str
    key: str


def menu(session: Session | None) -> list[MenuEntry]:
    """The menu for the person's scopes: only what their role can do."""
    if session is None:
        return []
    entries = [MenuEntry("/console/", N_("What needs me"), "home")]
    if session.can("register:read") or session.can("manifests:write"):
        entries.append(MenuEntry("/console/manifests", N_("Manifests"), "manifests"))
    if session.can("manifests:write"):
        entries.append(MenuEntry("/console/manifests/upload", N_("Upload a manifest"), "upload"))
    if session.can("register:read"):
        entries.append(MenuEntry("/console/declarations", N_("Declarations"), "declarations"))
    if session.can("declarations:write"):
        entries.append(MenuEntry("/console/declarations/new", N_("Declare"), "declare"))
        entries.append(
            MenuEntry(
                "/console/declarations/upload", N_("Upload declarations"), "upload-declarations"
            )
        )
    if session.can("register:read"):
        entries.append(MenuEntry("/console/losses", N_("Loss reports"), "losses"))
    if session.can("manifests:write"):
        entries.append(MenuEntry("/console/losses/new", N_("Report a loss"), "report-loss"))
    if session.can("register:read"):
        entries.append(MenuEntry("/console/trace", N_("Trace a weapon"), "trace"))
        entries.append(MenuEntry("/console/alerts", N_("Alerts"), "alerts"))
        entries.append(MenuEntry("/console/holdings", N_("Holdings"), "holdings"))
    if session.can("manifests:write") or session.can("declarations:write"):
        entries.append(MenuEntry("/console/drafts", N_("Drafts"), "drafts"))
    if session.can("alerts:triage") or (
        session.org_type == "member_state" and session.can("manifests:write")
    ):
        entries.append(MenuEntry("/console/cases", N_("Cases"), "cases"))
    if session.can("register:read"):
        entries.append(MenuEntry("/console/statistics", N_("Statistics"), "statistics"))
    if session.administers:
        entries.append(MenuEntry("/console/admin/people", N_("People"), "people"))
    if session.role == "admin" and session.org_type != "operator":
        entries.append(MenuEntry("/console/admin/webhooks", N_("Webhooks"), "webhooks"))
    if session.org_type == "operator" and session.can("admin"):
        entries.append(
            MenuEntry("/console/admin/organisations", N_("Organisations"), "organisations")
        )
    if session.administers:
        entries.append(MenuEntry("/console/admin/clients", N_("API clients"), "clients"))
        entries.append(MenuEntry("/console/admin/sessions", N_("Sessions"), "sessions"))
    entries.append(MenuEntry("/console/profile", N_("Your profile"), "profile"))
    return entries


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    signed: SignedIn | None = None,
    status: int = 200,
    active: str = "",
) -> HTMLResponse:
    """Render a page in the request's language with the console's headers."""
    session = signed.session if signed else None
    lang = language(request)
    _ = translator(lang)
    path = request.url.path
    body = _environment.get_template(template).render(
        {
            **(context or {}),
            "_": _,
            "lang": lang,
            "fmt": Formats(lang),
            "languages": [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
            "here": path,
            "session": session,
            "menu": menu(session),
            "active": active,
            "csrf_token": session.csrf if session else "",
            "static_url": static_url,
        }
    )
    response = HTMLResponse(body, status_code=status)
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Language"] = lang
    response.headers["Vary"] = "Accept-Language, Cookie"
    remember_language(request, response)
    if signed is not None and signed.refreshed:
        sealer_of(request).store_session(request, response, signed.session)
    return response


def remember_language(request: Request, response: Any) -> None:
    """Keep the language asked for with ``?lang=`` as the person's choice."""
    asked = asked_language(request)
    if asked is not None and request.cookies.get(LANG_COOKIE) != asked:
        response.set_cookie(
            LANG_COOKIE,
            asked,
            max_age=365 * 24 * 3600,
            path="/console",
            httponly=True,
            samesite="lax",
            secure=secure(request),
        )
