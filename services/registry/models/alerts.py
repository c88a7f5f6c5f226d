"""Alerts raised by the index and the manifests, their audit trail, and embargoes.

Alert            one finding (diversion, linkage, embargo, unreturned, destroyed_twice,
                 context_amended) with its evidence
AlertAudience    who may see an alert: (country, date) pairs read through the caller's
                 tenancy, some for secretariats only
AlertEvent       every step of its triage (raised, assigned, acknowledged, commented,
                 closed, reopened), insert-only (database triggers refuse the rest)
Embargo          an arms embargo on a country from a date, with its scope and exemptions
                 (editable reference data)
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column, DateTime, Index, Integer, Text
from sqlmodel import Field

from services.common.submitted_by import SubmittedBy, submitted_by_of
from services.common.tables import utcnow
from services.registry.models.manifests import ItemId
from services.registry.tables import RegistryTable

ALERT_OUTCOMES = ("confirmed_diversion", "not_same_item", "duplicate", "other")
ALERT_ACTIONS = (
    "raised",
    "assigned",
    "acknowledged",
    "commented",
    "closed",
    "reopened",
    "evidence_added",
)
OUTCOMES_SQL = ", ".join(f"'{o}'" for o in ALERT_OUTCOMES)
ACTIONS_SQL = ", ".join(f"'{a}'" for a in ALERT_ACTIONS)


class Alert(RegistryTable, table=True):
    """A finding for an analyst to follow up; ``dedupe_key`` makes raising idempotent."""

    __tablename__ = "alerts"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('diversion', 'linkage', 'embargo', 'unreturned', 'destroyed_twice',"
            " 'context_amended')",
            name="kind",
        ),
        CheckConstraint("status IN ('open', 'acknowledged', 'closed')", name="status"),
        CheckConstraint(
            f"outcome IS NULL OR (outcome IN ({OUTCOMES_SQL}) AND status = 'closed')",
            name="outcome",
        ),
        CheckConstraint(
            "outcome IS NULL OR outcome <> 'other' OR outcome_note IS NOT NULL",
            name="outcome_note",
        ),
        Index("ix_alerts_dedupe_key", "dedupe_key", unique=True),
        Index("ix_alerts_created", "created_at", "id"),
        Index("ix_alerts_declaration", "declaration_id"),
    )

    id: str = Field(primary_key=True, max_length=36)
    kind: str = Field(max_length=16)
    status: str = Field(default="open", max_length=16)
    dedupe_key: str = Field(max_length=400)
    summary: str = Field(max_length=1000)
    country: str = Field(max_length=3, description="The state the alert concerns most")
    mission_code: str | None = Field(default=None, max_length=32)
    declaration_id: str | None = Field(default=None, max_length=64)
    record_date: date
    every_audience: bool = Field(
        default=False,
        description="Seen only by callers whom every audience row admits (it names records"
        " of several states, each of which the caller must be able to read)",
    )
    evidence: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    # Triage (registry0015): a person of a secretariat, and what closing found.
    assignee: str | None = Field(default=None, max_length=255)
    assignee_org: str | None = Field(default=None, max_length=64)
    outcome: str | None = Field(default=None, max_length=32)
    outcome_note: str | None = Field(default=None, sa_type=Text)
    version: int = Field(
        default=1,
        sa_column=Column(Integer, nullable=False, server_default="1"),
        description="Bumped by every change of status or assignee: the alert's ETag",
    )


class AlertAudience(RegistryTable, table=True):
    """The alert is visible to ``country`` (unless ``secretariat_only``) and to the
    secretariats of which ``country`` was a member on ``on_date``."""

    __tablename__ = "alert_audiences"
    __table_args__ = (Index("ix_alert_audiences_country", "country", "on_date", "alert_id"),)

    id: int | None = Field(default=None, sa_type=ItemId, primary_key=True)
    alert_id: str = Field(foreign_key="alerts.id", max_length=36, index=True)
    country: str = Field(max_length=3)
    on_date: date
    secretariat_only: bool = Field(default=False)


class AlertEvent(RegistryTable, table=True):
    """One step of an alert's triage; rows are only ever added (triggers refuse the rest).

    ``action`` is NULL for no row (registry0015 filled it in for the older ones); a
    comment keeps the status (``from_status`` = ``to_status``)."""

    __tablename__ = "alert_events"
    __table_args__ = (
        Index("ix_alert_events_alert", "alert_id", "id"),
        CheckConstraint(f"action IN ({ACTIONS_SQL})", name="action"),
        CheckConstraint(f"outcome IN ({OUTCOMES_SQL})", name="outcome"),
    )

    id: int | None = Field(default=None, sa_type=ItemId, primary_key=True)
    alert_id: str = Field(foreign_key="alerts.id", max_length=36)
    from_status: str | None = Field(default=None, max_length=16)
    to_status: str = Field(max_length=16)
    note: str | None = Field(default=None, sa_type=Text)
    actor: str = Field(max_length=255)
    actor_org: str = Field(max_length=64)
    # person or client (NULL before registry0010 and for the registry's own events)
    actor_type: str | None = Field(default=None, max_length=8)
    at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    action: str | None = Field(default=None, max_length=16)
    from_assignee: str | None = Field(default=None, max_length=255)
    to_assignee: str | None = Field(default=None, max_length=255)
    outcome: str | None = Field(default=None, max_length=32)

    @property
    def submitted_by(self) -> SubmittedBy | None:
        """Who made this transition (None for the registry's own and pre-registry0010 ones)."""
        return submitted_by_of(self.actor_type, self.actor, self.actor_org)


class Embargo(RegistryTable, table=True):
    """An arms embargo on deliveries to ``country`` from ``starts_on`` (until ``ends_on``).

    ``scope`` says to whom it applies there: ``territory`` (everyone) or ``non_state``
    (non-governmental entities only); ``listed_entities`` (no ``country``) applies to
    the armed groups in ``listed_groups`` (and those ``part_of`` them) wherever they are,
    as the ISIL (Da'esh) and Al-Qaida regime does. ``exemptions`` (JSON list of ``{party, starts_on,
    ends_on, reference, note}``) lift it for a kind of presumed user from a date, as res.
    2693 (2023) did for the Central African Republic's government forces. A withdrawn
    embargo (``withdrawn_at``, with its reason) is kept but no longer screened.
    """

    __tablename__ = "embargoes"
    __table_args__ = (
        Index("ix_embargoes_country", "country", "starts_on"),
        CheckConstraint("scope IN ('territory', 'non_state', 'listed_entities')", name="scope"),
    )

    id: str = Field(primary_key=True, max_length=36)
    country: str | None = Field(default=None, max_length=3)
    starts_on: date
    ends_on: date | None = Field(default=None)
    authority: str = Field(max_length=64)
    reference: str = Field(max_length=255)
    note: str | None = Field(default=None, max_length=1000)
    scope: str = Field(default="territory", max_length=16)
    paragraph: str | None = Field(default=None, max_length=64)
    exemptions: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    listed_groups: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    withdrawn_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    withdrawal_reason: str | None = Field(default=None, max_length=1000)
    created_by: str = Field(max_length=255)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
