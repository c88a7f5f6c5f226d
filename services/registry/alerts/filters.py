"""What the alert queue filters on, read from the query string once for every route that
lists, counts, exports or bulk-acknowledges alerts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import Depends, Query

from services.common.errors import FieldProblem, ValidationFailed
from services.common.security import PrincipalDep
from services.registry.alerts.schemas import AlertKind, AlertStatus

ASSIGNEE_ME = "me"
ASSIGNEE_NONE = "none"


@dataclass(frozen=True)
class AlertFilter:
    """The queue's filters; None means "any". ``assignee`` is a person id, or
    ``ASSIGNEE_NONE`` for alerts nobody is assigned."""

    kind: str | None = None
    status: str | None = None
    country: str | None = None
    mission: str | None = None
    assignee: str | None = None
    raised_from: date | None = None
    raised_to: date | None = None
    record_from: date | None = None
    record_to: date | None = None

    def problems(self, prefix: str = "") -> list[FieldProblem]:
        """Date ranges that end before they start, each side named."""
        found = []
        for start, end in (("raised_from", "raised_to"), ("record_from", "record_to")):
            first, last = getattr(self, start), getattr(self, end)
            if first is not None and last is not None and first > last:
                found += [
                    FieldProblem(loc=f"{prefix}{start}", msg=f"is after {end}"),
                    FieldProblem(loc=f"{prefix}{end}", msg=f"is before {start}"),
                ]
        return found


def alert_filter(
    principal: PrincipalDep,
    kind: AlertKind | None = None,
    status: AlertStatus | None = None,
    country: Annotated[
        str | None, Query(min_length=3, max_length=3, description="The state concerned")
    ] = None,
    mission: Annotated[str | None, Query(max_length=32)] = None,
    assignee: Annotated[
        str | None,
        Query(
            max_length=255,
            description="A person id, `me` (the caller) or `none` (alerts nobody is assigned)",
        ),
    ] = None,
    raised_from: Annotated[date | None, Query(description="Raised on or after")] = None,
    raised_to: Annotated[date | None, Query(description="Raised on or before")] = None,
    record_from: Annotated[date | None, Query(description="Record date on or after")] = None,
    record_to: Annotated[date | None, Query(description="Record date on or before")] = None,
) -> AlertFilter:
    """The filters of a request; 422 naming each date range that ends before it starts."""
    found = AlertFilter(
        kind=kind,
        status=status,
        country=country.upper() if country else None,
        mission=mission.upper() if mission else None,
        assignee=principal.client_id if assignee == ASSIGNEE_ME else assignee,
        raised_from=raised_from,
        raised_to=raised_to,
        record_from=record_from,
        record_to=record_to,
    )
    problems = found.problems("query.")
    if problems:
        raise ValidationFailed(problems)
    return found


AlertFilterDep = Annotated[AlertFilter, Depends(alert_filter)]
