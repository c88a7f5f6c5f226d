"""What the case pages' routes share: the path id, the names templates show, reading a
posted form (its CSRF token checked), the redirect after a change, and refusals turned
into the form's problems."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Request
from fastapi.responses import RedirectResponse, Response

from services.console.cases import service
from services.console.clients.base import ApiProblem
from services.console.i18n import language, translator
from services.console.signed_in import SignedIn

Id = Annotated[str, Path(max_length=64)]
REFUSALS = (409, 413, 422)
NAMES = {
    "roles": service.ROLE_NAMES,
    "statuses": service.STATUS_NAMES,
    "overdue_names": service.OVERDUE_NAMES,
    "item_kinds": service.ITEM_KIND_NAMES,
    "origins": service.ORIGIN_NAMES,
    "request_languages": service.LANGUAGE_CHOICES,
}


def text_of(value: object) -> str:
    """A form field's text, trimmed (a file or nothing: empty)."""
    return value.strip() if isinstance(value, str) else ""


async def read_form(request: Request, signed: SignedIn, names: tuple[str, ...]) -> dict[str, str]:
    """The posted form's ``names`` (after its CSRF token is checked)."""
    async with request.form(max_files=0, max_fields=40) as form:
        signed.check_csrf(text_of(form.get("csrf_token")))
        return {name: text_of(form.get(name)) for name in names}


def redirect(request: Request, signed: SignedIn, to: str) -> Response:
    """303 to ``to``, carrying a refreshed session."""
    response = RedirectResponse(to, status_code=303)
    if signed.refreshed:
        request.app.state.sealer.store_session(request, response, signed.session)
    return response


def problems(request: Request, problem: ApiProblem) -> list[service.FormProblem]:
    """A refusal's problems for the form (anything but a refusal is raised again)."""
    if problem.status not in REFUSALS:
        raise problem
    return service.problems_of(problem, translator(language(request)))
