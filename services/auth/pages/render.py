"""Server-rendered pages of auth (enrolment, sign-in): templates, headers, CSRF.

Pages carry a strict Content-Security-Policy (no script at all; the style sheet
from this origin; the QR code is inline SVG), cannot be framed, are never
cached, and every form carries a CSRF token checked against a ``__Host-`` cookie
(double submit: a cross-site page can neither read the cookie nor set it).

Over plain HTTP (a developer's loopback) the cookie is plain ``csrf``: browsers and
curl refuse a ``__Host-`` cookie that is not ``Secure``, and a ``Secure`` cookie is
not sent back over HTTP. Behind a TLS-terminating proxy, run uvicorn with proxy
headers so requests are seen as HTTPS.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from services.auth.pages.i18n import language, translator

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
CSRF_COOKIE = "__Host-csrf"
CSRF_COOKIE_PLAIN_HTTP = "csrf"
CSRF_FIELD = "csrf_token"

_environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
    auto_reload=False,
)


@dataclass(frozen=True)
class FieldError:
    """One problem on a form, named for the field it is about (the summary links to it)."""

    field: str
    message: str


def csp(form_targets: Iterable[str] = ()) -> str:
    """The pages' policy; ``form_targets`` are origins a form may lead to (redirects)."""
    targets = " ".join(["'self'", *form_targets])
    return (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; "
        f"form-action {targets}; frame-ancestors 'none'; base-uri 'none'"
    )


def csrf_cookie_name(request: Request) -> str:
    """``__Host-csrf`` over HTTPS; ``csrf`` over plain HTTP (see the module's docstring)."""
    return CSRF_COOKIE if request.url.scheme == "https" else CSRF_COOKIE_PLAIN_HTTP


def csrf_cookie(request: Request) -> str:
    """The CSRF cookie's value as the browser sent it ("" when absent)."""
    return request.cookies.get(csrf_cookie_name(request), "")


def csrf_token(request: Request) -> str:
    """This browser's CSRF token (the cookie's, or a new one set with the response)."""
    existing = csrf_cookie(request)
    if 20 <= len(existing) <= 64 and existing.isascii():
        return existing
    return secrets.token_urlsafe(32)


def csrf_ok(request: Request, submitted: str | None) -> bool:
    """True when the form's token matches the cookie (constant-time)."""
    cookie = csrf_cookie(request)
    if not cookie or not submitted:
        return False
    return hmac.compare_digest(cookie.encode(), submitted.encode())


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    status: int = 200,
    errors: list[FieldError] | None = None,
    form_targets: Iterable[str] = (),
) -> HTMLResponse:
    """Render a page in the request's language with the pages' headers and CSRF cookie."""
    lang = language(request)
    _ = translator(lang)
    token = csrf_token(request)
    body = _environment.get_template(template).render(
        {
            **(context or {}),
            "_": _,
            "lang": lang,
            "lang_query": f"?lang={lang}" if "lang" in request.query_params else "",
            "csrf_field": CSRF_FIELD,
            "csrf_token": token,
            "errors": [FieldError(e.field, _(e.message)) for e in errors or []],
            "static": "/auth/static/pages.css",
        }
    )
    response = HTMLResponse(body, status_code=status)
    response.headers["Content-Security-Policy"] = csp(form_targets)
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Language"] = lang
    response.headers["Vary"] = "Accept-Language, Cookie"
    response.set_cookie(
        csrf_cookie_name(request),
        token,
        path="/",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    return response
