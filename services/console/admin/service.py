"""Administration: an organisation's people, and for the operator its organisations.

Auth decides who may administer whom (an organisation's admin its own people, the
operator everyone); the console only offers the forms and shows auth's answers.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from services.console.clients.auth_api import AuthApi
from services.console.clients.base import ApiProblem, FieldProblem
from services.console.i18n import N_, Gettext

PAGE_SIZE = 50
# The roles each type of organisation may hold (auth's table; auth refuses any other).
ROLES: dict[str, tuple[str, ...]] = {
    "member_state": ("admin", "editor", "reader"),
    "secretariat": ("admin", "analyst", "reader"),
    "operator": ("admin",),
}
ROLE_NAMES: dict[str, str] = {
    "admin": N_("Administrator"),
    "editor": N_("Editor"),
    "reader": N_("Reader"),
    "analyst": N_("Analyst"),
}
ORG_TYPE_NAMES: dict[str, str] = {
    "member_state": N_("Member state"),
    "secretariat": N_("Secretariat"),
    "operator": N_("Operator"),
}
FIELD_LABELS: dict[str, str] = {
    "email": N_("Email address"),
    "name": N_("Full name"),
    "role": N_("Role"),
    "organisation": N_("Organisation"),
    "code": N_("Code"),
    "type": N_("Type of organisation"),
}
ORGANISATION_LABELS: dict[str, str] = {
    "code": N_("Code"),
    "name": N_("Name"),
    "type": N_("Type of organisation"),
}
KNOWN_CODES: dict[str, tuple[str, str]] = {
    "email_taken": ("email", N_("Someone already has this email address.")),
    "organisation_exists": ("code", N_("An organisation already has this code.")),
    "cannot_disable_self": ("", N_("You cannot disable yourself.")),
    "person_disabled": ("", N_("This person is disabled: enable them first.")),
}
# What a refused field needs, in plain words (auth's own texts name its patterns).
FIELD_MESSAGES: dict[str, str] = {
    "email": N_("Enter an email address, like name@example.org."),
    "name": N_("Enter a name."),
    "role": N_("Choose a role."),
    "code": N_("Use 2 to 16 letters, digits or underscores."),
    "type": N_("Choose member state or secretariat."),
}
# Actions on a person that ask for confirmation first, and what the page says.
CONFIRMED_ACTIONS: dict[str, tuple[str, str]] = {
    "disable": (
        N_("Disable this person?"),
        N_("They are signed out everywhere at once and cannot sign in until enabled again."),
    ),
    "reset-mfa": (
        N_("Reset this person's two-factor sign-in?"),
        N_(
            "Their password and authenticator stop working and their sessions end now."
            " You get a new one-time enrolment link to hand over."
        ),
    ),
    "sign-out": (
        N_("Sign this person out everywhere?"),
        N_("Every session of theirs ends now; they can sign in again."),
    ),
    "enable": (
        N_("Enable this person again?"),
        N_("They can sign in again with their password and authenticator."),
    ),
}


@dataclass(frozen=True)
class FieldError:
    """One problem of a refused form, on one field (shape of ``_problems.html``)."""

    field: str
    column: str
    message: str
    row: str = ""


def new_form_key() -> str:
    """The Idempotency-Key a form carries: sending it twice invites one person."""
    return "console-" + secrets.token_urlsafe(24)


def page_query(organisation: str, cursor: str | None) -> str | None:
    """The query of the next page, or None on the last page."""
    if cursor is None:
        return None
    return urlencode({**({"organisation": organisation} if organisation else {}), "cursor": cursor})


async def people_page(
    *, auth: AuthApi, token: str, organisation: str, cursor: str | None
) -> dict[str, Any]:
    """A page of the people the caller administers (403 problem for anyone else)."""
    return await auth.people(token, limit=PAGE_SIZE, cursor=cursor, organisation=organisation)


async def invite(*, auth: AuthApi, token: str, values: dict[str, str], key: str) -> dict[str, Any]:
    """Invite a person; the answer carries their one-time enrolment link."""
    body = {name: values.get(name, "") for name in ("organisation", "email", "name", "role")}
    return await auth.invite(token, body, key)


async def act_on_person(
    *, auth: AuthApi, token: str, person_id: str, action: str
) -> dict[str, Any]:
    """Disable, enable or re-enrol a person (404 problem outside the caller's reach)."""
    return await auth.person_action(token, person_id, action)


async def organisations_page(*, auth: AuthApi, token: str, cursor: str | None) -> dict[str, Any]:
    """A page of organisations (the operator's; 403 problem for anyone else)."""
    return await auth.organisations(token, limit=PAGE_SIZE, cursor=cursor)


def refusal(
    problem: ApiProblem, _: Gettext, labels: dict[str, str] | None = None
) -> list[FieldError]:
    """Every problem of a refused form, each on its field, in the person's language
    where the console knows the text."""
    labels = labels or FIELD_LABELS
    if problem.code in KNOWN_CODES:
        name, message = KNOWN_CODES[problem.code]
        label = _(labels.get(name, FIELD_LABELS.get(name, ""))) if name else ""
        return [FieldError(name, label, _(message))]
    result = []
    for error in problem.errors or [FieldProblem("", problem.detail)]:
        name = error.loc.removeprefix("body.")
        label = _(labels[name]) if name in labels else error.loc
        message = _(FIELD_MESSAGES[name]) if name in FIELD_MESSAGES else error.msg
        result.append(FieldError(name if name in labels else "", label, message))
    return result
