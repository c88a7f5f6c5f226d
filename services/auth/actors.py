"""Who acts in the audit trail: one value every auth domain passes down."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """Who acts: a client id (or ``regctl``, ``bootstrap``), its organisation, its address."""

    actor: str
    actor_org: str | None = None
    address: str | None = None
    request_id: str | None = None


COMMAND_LINE = Actor(actor="regctl")
BOOTSTRAP = Actor(actor="bootstrap")
# Who acts on the server itself, not over the API. Compared by identity: no request
# can build these very objects, whatever client id or name it carries.
_LOCAL_ACTORS = (COMMAND_LINE, BOOTSTRAP)


def is_local(actor: Actor) -> bool:
    """True for the command line and bootstrap: someone at the machine, not an API caller."""
    return any(actor is local for local in _LOCAL_ACTORS)
