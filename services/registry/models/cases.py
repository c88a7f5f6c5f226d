"""Tracing cases and the trace requests sent from them (registry0016).

Case              an inquiry opened by an organisation (a secretariat or a state), which
                  owns it; read by that organisation and the states it was shared with
CaseItem          a record added to a case: a manifest item, a declared item, a weapon as
                  a trace showed it, or an alert; what it said is copied when it is added
                  (a declaration's amendment replaces its indexed items)
CaseShare         a state a secretariat shared its case with
TraceRequest      a request to a state to trace one weapon (ITI paragraph 17), its status,
                  deadline, answer and outcome
TraceRequestEvent every status change of a request, with its actor; rows only ever added

Nothing here is deleted: there is no route that deletes, and statuses only move forward.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Column, DateTime, Index, LargeBinary, Text
from sqlmodel import Field

from services.common.submitted_by import SubmittedBy, submitted_by_of
from services.common.tables import utcnow
from services.registry.models.manifests import ItemId
from services.registry.tables import RegistryTable

CASE_ITEM_KINDS = ("manifest_item", "declared_item", "trace_result", "alert")
TRACE_STATUSES = ("draft", "sent", "acknowledged", "answered")
RECIPIENT_ROLES = ("producing_state", "last_exporter", "last_importer", "contributing_state")
LANGUAGES = ("en", "fr", "pt", "es")
OUTCOMES = ("origin_established", "not_established")
ORIGIN_KINDS = (
    "contingent_owned_equipment",
    "national_stockpile",
    "legal_transfer",
    "manufactured_for_embargoed_party",
)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Case(RegistryTable, table=True):
    """A tracing case, owned by the organisation that opened it."""

    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_owner_created", "owner_org", "created_at", "id"),
        Index("ix_cases_created", "created_at", "id"),
    )

    id: str = Field(primary_key=True, max_length=36)
    title: str = Field(max_length=200)
    summary: str = Field(sa_type=Text)
    owner_org: str = Field(max_length=64)
    owner_org_type: str = Field(max_length=16)
    from_alert_id: str | None = Field(default=None, max_length=36)
    opened_by: str = Field(max_length=255)
    opened_by_type: str = Field(max_length=8)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )

    @property
    def submitted_by(self) -> SubmittedBy | None:
        """Who opened the case."""
        return submitted_by_of(self.opened_by_type, self.opened_by, self.owner_org)


class CaseItem(RegistryTable, table=True):
    """One record of a case, as it read when it was added."""

    __tablename__ = "case_items"
    __table_args__ = (
        CheckConstraint(_in("kind", CASE_ITEM_KINDS), name="kind"),
        Index("ix_case_items_case", "case_id", "id"),
    )

    id: int | None = Field(default=None, sa_type=ItemId, primary_key=True)
    case_id: str = Field(foreign_key="cases.id", max_length=36)
    kind: str = Field(max_length=16)
    # manifest item id, declaration id, or alert id (null for a trace result)
    reference: str | None = Field(default=None, max_length=64)
    item_index: int | None = Field(default=None, description="a declared item's place")
    declaration_version: int | None = Field(default=None)
    log_index: int | None = Field(default=None, sa_type=BigInteger)
    log_leaf_hash: str | None = Field(default=None, max_length=64)
    # The entry's proof as the index checked it (registry0025; null before, and for records
    # indexed before it kept proofs): signed checkpoint note and audit path, one a line.
    log_checkpoint: str | None = Field(default=None, sa_type=Text)
    log_inclusion: str | None = Field(default=None, sa_type=Text)
    item_kind: str | None = Field(default=None, max_length=16)
    category: str | None = Field(default=None, max_length=32)
    manufacturer: str | None = Field(default=None, max_length=255)
    model: str | None = Field(default=None, max_length=255)
    calibre: str | None = Field(default=None, max_length=200)
    serial_number: str | None = Field(default=None, max_length=200)
    markings: str | None = Field(default=None, max_length=1000)
    # Whose record and of when: what tenancy reads for the statistics of traced weapons.
    country: str | None = Field(default=None, max_length=3)
    record_date: date | None = Field(default=None)
    place: str | None = Field(default=None, max_length=255)
    note: str | None = Field(default=None, max_length=2000)
    added_by: str = Field(max_length=255)
    added_by_type: str = Field(max_length=8)
    added_by_org: str = Field(max_length=64)
    added_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )

    @property
    def submitted_by(self) -> SubmittedBy | None:
        """Who added the item."""
        return submitted_by_of(self.added_by_type, self.added_by, self.added_by_org)


class CaseShare(RegistryTable, table=True):
    """A state the owning secretariat shared the case with: it may read the case."""

    __tablename__ = "case_shares"
    __table_args__ = (Index("ix_case_shares_case_org", "case_id", "organisation", unique=True),)

    id: int | None = Field(default=None, sa_type=ItemId, primary_key=True)
    case_id: str = Field(foreign_key="cases.id", max_length=36)
    organisation: str = Field(max_length=64, index=True)
    shared_by: str = Field(max_length=255)
    shared_by_type: str = Field(max_length=8)
    shared_by_org: str = Field(max_length=64)
    shared_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )


class TraceRequest(RegistryTable, table=True):
    """A request to a state to trace one weapon of a case (ITI paragraph 17)."""

    __tablename__ = "trace_requests"
    __table_args__ = (
        CheckConstraint(_in("status", TRACE_STATUSES), name="status"),
        CheckConstraint(_in("recipient_role", RECIPIENT_ROLES), name="recipient_role"),
        CheckConstraint(_in("language", LANGUAGES), name="language"),
        CheckConstraint(f"outcome IS NULL OR {_in('outcome', OUTCOMES)}", name="outcome"),
        CheckConstraint(
            f"origin_kind IS NULL OR {_in('origin_kind', ORIGIN_KINDS)}", name="origin_kind"
        ),
        # An answer carries its outcome; only an established origin has a kind.
        CheckConstraint("(status = 'answered') = (outcome IS NOT NULL)", name="answered_outcome"),
        CheckConstraint(
            "(COALESCE(outcome, '') = 'origin_established') = (origin_kind IS NOT NULL)",
            name="origin_kind_set",
        ),
        Index("ix_trace_requests_case", "case_id", "created_at", "id"),
        Index("ix_trace_requests_outcome", "outcome", "record_country", "record_date"),
    )

    id: str = Field(primary_key=True, max_length=36)
    case_id: str = Field(foreign_key="cases.id", max_length=36)
    case_item_id: int = Field(foreign_key="case_items.id", sa_type=ItemId)
    recipient_country: str = Field(max_length=3)
    recipient_role: str = Field(max_length=24)
    language: str = Field(max_length=2)
    marking: str = Field(max_length=1000)
    weapon_type: str | None = Field(default=None, max_length=64)
    calibre: str | None = Field(default=None, max_length=200)
    manufacturer: str | None = Field(default=None, max_length=255)
    model: str | None = Field(default=None, max_length=255)
    recovery_context: str = Field(sa_type=Text)
    request_text: str = Field(sa_type=Text)
    status: str = Field(default="draft", max_length=16)
    reply_days: int = Field(description="days after sending to answer, unless a deadline is set")
    deadline: date | None = Field(default=None)
    sent_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    answer_text: str | None = Field(default=None, sa_type=Text)
    answer_file: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    answer_file_name: str | None = Field(default=None, max_length=255)
    answer_file_type: str | None = Field(default=None, max_length=127)
    outcome: str | None = Field(default=None, max_length=24)
    origin_kind: str | None = Field(default=None, max_length=40)
    origin_state: str | None = Field(default=None, max_length=3)
    origin_recipient: str | None = Field(default=None, max_length=255)
    # The traced record's country and date, copied from the case item (statistics).
    record_country: str | None = Field(default=None, max_length=3)
    record_date: date | None = Field(default=None)
    created_by: str = Field(max_length=255)
    created_by_type: str = Field(max_length=8)
    created_by_org: str = Field(max_length=64)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )

    @property
    def submitted_by(self) -> SubmittedBy | None:
        """Who prepared the request."""
        return submitted_by_of(self.created_by_type, self.created_by, self.created_by_org)


class TraceRequestEvent(RegistryTable, table=True):
    """One status change of a trace request (``from_status`` null: prepared)."""

    __tablename__ = "trace_request_events"
    __table_args__ = (Index("ix_trace_request_events_request", "trace_request_id", "id"),)

    id: int | None = Field(default=None, sa_type=ItemId, primary_key=True)
    trace_request_id: str = Field(foreign_key="trace_requests.id", max_length=36)
    from_status: str | None = Field(default=None, max_length=16)
    to_status: str = Field(max_length=16)
    note: str | None = Field(default=None, sa_type=Text)
    actor: str = Field(max_length=255)
    actor_type: str = Field(max_length=8)
    actor_org: str = Field(max_length=64)
    at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )

    @property
    def submitted_by(self) -> SubmittedBy | None:
        """Who made this change."""
        return submitted_by_of(self.actor_type, self.actor, self.actor_org)
