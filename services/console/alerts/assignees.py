"""Who an alert may be assigned to: the people of the person's own organisation who
triage alerts, as auth lists them to the signed-in person
(``GET /auth/v1/organisations/{code}/triagers``, for analysts and admins alike).

The console asks with the person's own token and never with a wider one. The registry
checks the assignee against the same list in auth (a 422 otherwise); the console checks
the choice first, so a choice it never offered is refused on the page, never sent."""

from __future__ import annotations

from dataclasses import dataclass

from services.common.scopes import Scope
from services.console.clients.auth_people_api import AuthAdminApi
from services.console.clients.base import ApiProblem
from services.console.session import Session


@dataclass(frozen=True)
class Colleague:
    """A person the alert may be assigned to."""

    id: str
    name: str
    email: str


async def colleagues(auth: AuthAdminApi, session: Session) -> list[Colleague]:
    """The enabled people of the person's organisation holding ``alerts:triage``, by
    name; empty for a person who does not triage alerts (auth would refuse them)."""
    if not session.can(Scope.ALERTS_TRIAGE):
        return []
    try:
        listed = await auth.triagers(session.access_token, session.organisation)
    except ApiProblem as problem:
        if problem.status in (403, 404, 422):
            return []
        raise
    found = [
        Colleague(id=str(p["id"]), name=str(p["name"]), email=str(p["email"]))
        for p in listed.get("items", [])
    ]
    return sorted(found, key=lambda c: (c.name.casefold(), c.id))


async def may_be_assigned(auth: AuthAdminApi, session: Session, person_id: str | None) -> bool:
    """True for nobody, the person themselves, or a colleague the select offers them."""
    if person_id is None or person_id == session.person:
        return True
    return person_id in {c.id for c in await colleagues(auth, session)}
