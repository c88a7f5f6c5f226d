"""Who an alert may be assigned to: the people of the person's own organisation who
triage alerts, as auth lists them to the signed-in person (an organisation's admin).

The console asks with the person's own token and never with a wider one: auth lists
people to their organisation's admin only, so an analyst is offered "assign to me" and
the admin the whole select. The registry records the assignee the console sends; the
console checks the choice against the same list before sending it."""

from __future__ import annotations

from dataclasses import dataclass

from services.common.scopes import Scope
from services.console.clients.auth_people_api import AuthAdminApi
from services.console.clients.base import ApiProblem
from services.console.session import Session

MAX_PAGES = 5
"""At most this many pages of 1000 people are read (a secretariat has dozens)."""


@dataclass(frozen=True)
class Colleague:
    """A person the alert may be assigned to."""

    id: str
    name: str
    email: str


async def colleagues(auth: AuthAdminApi, session: Session) -> list[Colleague]:
    """The enabled people of the person's organisation holding ``alerts:triage``, by
    name; empty when auth does not list people to this person (only admins may)."""
    if not session.administers or not session.can(Scope.ALERTS_TRIAGE):
        return []
    found: list[Colleague] = []
    cursor: str | None = None
    for _page in range(MAX_PAGES):
        try:
            page = await auth.people(
                session.access_token,
                organisation=session.organisation,
                limit=1000,
                cursor=cursor,
            )
        except ApiProblem as problem:
            if problem.status in (400, 403, 404, 422):
                return []
            raise
        found += [
            Colleague(id=str(p["id"]), name=str(p["name"]), email=str(p["email"]))
            for p in page.get("items", [])
            if p.get("enabled")
            and p.get("organisation") == session.organisation
            and Scope.ALERTS_TRIAGE in p.get("scopes", [])
        ]
        next_cursor = page.get("next_cursor")
        if not isinstance(next_cursor, str) or not next_cursor:
            break
        cursor = next_cursor
    return sorted(found, key=lambda c: (c.name.casefold(), c.id))


async def may_be_assigned(auth: AuthAdminApi, session: Session, person_id: str | None) -> bool:
    """True for nobody, the person themselves, or a colleague the select offers them."""
    if person_id is None or person_id == session.person:
        return True
    return person_id in {c.id for c in await colleagues(auth, session)}
