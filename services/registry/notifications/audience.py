"""Who is told what: an event's grants, evaluated for one receiving organisation.

An event carries an ordered list of grants, each naming a payload variant (``full`` or
``redacted``), which organisations it is for (``readers``: ``any``, ``member_state``
or ``secretariat``; or one ``org``) and the records (country, date) a receiver must be
able to read, all of them, exactly as the API's tenancy decides (a member state reads
its own country's records, a secretariat those of its community's members at the
record's date, the operator with ``register:read`` everything). The first grant that
admits the receiver decides its variant; none: the receiver is told nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, TypedDict

from services.common.security import MembershipPeriod, ReadScope

# A member state reads its own records of any date (as services.common.security does).
FOREVER = date(1900, 1, 1)
Variant = Literal["full", "redacted"]
Readers = Literal["any", "member_state", "secretariat"]


class Grant(TypedDict, total=False):
    """One rule of an event's audience (stored as JSON on the outbox row)."""

    variant: Variant
    readers: Readers
    all_of: list[list[str]]  # [[country, ISO date], ...]
    org: str  # only this organisation (webhook.disabled)


def grant(variant: Variant, readers: Readers, *records: tuple[str, date]) -> Grant:
    """A grant of ``variant`` to ``readers`` able to read every one of ``records``."""
    return {
        "variant": variant,
        "readers": readers,
        "all_of": [[country, on.isoformat()] for country, on in records],
    }


def readers_of(country: str, on: date) -> list[Grant]:
    """The usual audience: whoever may read a record of ``country`` dated ``on``."""
    return [grant("full", "any", (country, on))]


@dataclass(frozen=True)
class Recipient:
    """A receiving organisation and what it may read."""

    org: str
    org_type: str
    scope: ReadScope

    @classmethod
    def of_endpoint(cls, endpoint: Any) -> Recipient:
        """What an endpoint's organisation may read (its stored tenancy)."""
        if endpoint.reads_everything:
            scope = ReadScope(everything=True, periods=())
        elif endpoint.org_type == "member_state":
            periods = (MembershipPeriod(country=endpoint.country, joined=FOREVER, left=None),)
            scope = ReadScope(everything=False, periods=periods)
        else:
            scope = ReadScope(everything=False, periods=periods_from_json(endpoint.periods))
        return cls(org=endpoint.org, org_type=endpoint.org_type, scope=scope)


def periods_to_json(periods: Sequence[MembershipPeriod]) -> list[list[Any]]:
    """Membership periods as stored on an endpoint."""
    return [
        [p.country, p.joined.isoformat(), p.left.isoformat() if p.left else None] for p in periods
    ]


def periods_from_json(rows: Sequence[Sequence[Any]]) -> tuple[MembershipPeriod, ...]:
    """The inverse of :func:`periods_to_json`."""
    return tuple(
        MembershipPeriod(
            country=str(country),
            joined=date.fromisoformat(joined),
            left=date.fromisoformat(left) if left else None,
        )
        for country, joined, left in rows
    )


def _admits(g: Grant | dict[str, Any], recipient: Recipient) -> bool:
    if "org" in g:
        return g["org"] == recipient.org
    readers = g.get("readers", "any")
    # The operator reads everything (with register:read) and manages alerts like a
    # secretariat: grants for secretariats admit it too.
    if readers == "member_state" and recipient.org_type != "member_state":
        return False
    if readers == "secretariat" and recipient.org_type == "member_state":
        return False
    records = g.get("all_of", [])
    return bool(records) and all(
        recipient.scope.allows(country, date.fromisoformat(on)) for country, on in records
    )


def variant_for(
    grants: Sequence[Grant] | Sequence[dict[str, Any]], recipient: Recipient
) -> Variant | None:
    """Which payload ``recipient`` receives: the first grant admitting it, else None."""
    for g in grants:
        if _admits(g, recipient):
            variant: Variant = g["variant"]
            return variant
    return None
