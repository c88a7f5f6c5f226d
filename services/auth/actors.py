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
