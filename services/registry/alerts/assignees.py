"""Whom an alert may be assigned to: nobody, the caller themselves, or an enabled person
of the caller's organisation whose role triages alerts (``alerts:triage``: a
secretariat's admins and analysts), as auth's people directory lists them.

The registry asks auth over HTTP (its own ``people:read`` client, cached for
``assignee_cache_seconds``) before it reads the alert, so no transaction waits on auth;
the answer is applied after the alert's 404 and 403, in the order of every triage step.
If auth cannot be asked, assigning to someone else is refused with a 503 (a server-side
outage, retried later), never accepted unchecked."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from services.common.errors import FieldProblem, ServiceUnavailable
from services.common.scopes import Scope
from services.common.security import Principal
from services.registry.mail.directory import DirectoryUnavailable, PeopleDirectory

logger = logging.getLogger(__name__)

NOT_A_TRIAGER = "is not a person of your organisation who triages alerts"
RETRY_AFTER_SECONDS = 30


@dataclass(frozen=True)
class AssigneeCheck:
    """The assignee asked for and what the directory said of them."""

    assignee: str | None
    known_triager: bool = True
    directory_unavailable: bool = False

    def problems(self) -> list[FieldProblem]:
        """The assignee's problem (none when they may be assigned); 503 when auth could
        not be asked."""
        if self.directory_unavailable:
            raise ServiceUnavailable(
                "Whom the alert may be assigned to could not be checked: the auth service"
                " did not answer. Try again shortly (assigning to yourself or to nobody"
                " works meanwhile)",
                code="auth_unavailable",
                headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            )
        if not self.known_triager:
            return [FieldProblem(loc="assignee", msg=NOT_A_TRIAGER)]
        return []


async def check_assignee(
    *, directory: PeopleDirectory, principal: Principal, assignee: str | None
) -> AssigneeCheck:
    """What auth's directory says of ``assignee`` for this caller (no lookup for nobody,
    for the caller's own person id, nor for a caller who may not assign at all: triage
    refuses them with a 403 first)."""
    if assignee is None:
        return AssigneeCheck(assignee)
    if principal.subject_type == "person" and assignee == principal.client_id:
        return AssigneeCheck(assignee)
    if principal.org_type != "secretariat" or not principal.has_scope(Scope.ALERTS_TRIAGE):
        return AssigneeCheck(assignee)
    try:
        person = await directory.colleague(principal.org, assignee)
    except DirectoryUnavailable as error:
        logger.warning("alert assignee %s not checked: %s", assignee, error)
        return AssigneeCheck(assignee, directory_unavailable=True)
    known = (
        person is not None
        and person.organisation == principal.org
        and Scope.ALERTS_TRIAGE in person.scopes
    )
    return AssigneeCheck(assignee, known_triager=known)
