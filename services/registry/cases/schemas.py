"""Request and response models of tracing cases and trace requests."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from services.common.countries import CountryCode
from services.common.dates import IsoDate
from services.common.submitted_by import SubmittedBy
from services.common.tables import UtcDatetime

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Organisation = Annotated[
    str, StringConstraints(strip_whitespace=True, to_upper=True, min_length=2, max_length=64)
]
CaseItemKind = Literal["manifest_item", "declared_item", "trace_result", "alert"]
TraceStatus = Literal["draft", "sent", "acknowledged", "answered"]
RecipientRole = Literal["producing_state", "last_exporter", "last_importer", "contributing_state"]
Language = Literal["en", "fr", "pt", "es"]
OriginKind = Literal[
    "contingent_owned_equipment",
    "national_stockpile",
    "legal_transfer",
    "manufactured_for_embargoed_party",
]


class TraceOutcomeCount(BaseModel):
    """Answered trace requests of one outcome (and kind of origin, when established)."""

    result: Literal["origin_established", "not_established"]
    kind: OriginKind | None = Field(description="null when the origin was not established")
    requests: int = Field(description="Answered trace requests")
    weapons: int = Field(description="Distinct weapons (case items) they concern")


class CaseItemCreate(BaseModel):
    """A record to add to a case: say which by its ``kind``.

    - ``manifest_item``: ``manifest_id`` and ``line`` (the item's place in it, from 0);
    - ``declared_item``: ``declaration_id`` and ``item_index`` (its place, from 0);
    - ``trace_result``: a weapon as a trace showed it: ``serial_number``, ``manufacturer``,
      ``model`` (and ``calibre``, ``category``), with ``country`` where it was recorded;
    - ``alert``: ``alert_id``.
    """

    model_config = ConfigDict(extra="forbid")

    kind: CaseItemKind
    manifest_id: Annotated[str, StringConstraints(min_length=1, max_length=36)] | None = None
    line: int | None = Field(default=None, ge=0, le=2**31 - 1)
    declaration_id: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = None
    item_index: int | None = Field(default=None, ge=0, le=2**31 - 1)
    alert_id: Annotated[str, StringConstraints(min_length=1, max_length=36)] | None = None
    serial_number: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
        | None
    ) = None
    manufacturer: Short | None = None
    model: Short | None = None
    calibre: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None = None
    category: Annotated[str, StringConstraints(max_length=32)] | None = None
    country: CountryCode | None = Field(
        default=None, description="trace_result: the state whose record showed the weapon"
    )
    record_date: IsoDate | None = Field(default=None, description="trace_result: its date")
    note: Note | None = None


class CaseCreate(BaseModel):
    """Open a case; ``from_alert`` adds that alert as its first record, ``from_item`` a
    declared item, a trace result (a weapon as a trace showed it), a manifest item or an
    alert (after ``from_alert`` when both are given)."""

    model_config = ConfigDict(extra="forbid")

    title: Title
    summary: Text
    from_alert: Annotated[str, StringConstraints(min_length=1, max_length=36)] | None = None
    from_item: CaseItemCreate | None = Field(
        default=None,
        description="the record the case is opened from, as ``POST .../items`` takes it:"
        " a declared item (``declaration_id``, ``item_index``, read through the caller's"
        " tenancy, else 422) or a trace result (``serial_number``, ``manufacturer``,"
        " ``model`` as typed, ``country``)",
    )


class CaseItemRead(BaseModel):
    """A record of a case, as it read when it was added."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: CaseItemKind
    reference: str | None = Field(description="manifest, declaration or alert id")
    item_index: int | None = Field(description="the item's line in the manifest or declaration")
    declaration_version: int | None
    log_index: int | None = Field(description="the declaration version's entry in the log")
    log_leaf_hash: str | None = Field(description="hex SHA-256 leaf hash of that entry")
    item_kind: str | None
    category: str | None
    manufacturer: str | None
    model: str | None
    calibre: str | None
    serial_number: str | None
    markings: str | None
    country: str | None
    record_date: date | None
    place: str | None
    note: str | None
    submitted_by: SubmittedBy | None
    added_at: UtcDatetime


class CaseShareCreate(BaseModel):
    """Share a secretariat's case with a state it concerns."""

    model_config = ConfigDict(extra="forbid")

    organisation: CountryCode = Field(description="the state (its alpha-3 organisation code)")


class CaseShareRead(BaseModel):
    """A state the case is shared with."""

    model_config = ConfigDict(from_attributes=True)

    organisation: str
    shared_at: UtcDatetime


class CaseRead(BaseModel):
    """A case as lists show it."""

    model_config = ConfigDict(from_attributes=True, populate_by_name=True)

    id: str
    title: str
    summary: str
    owner: str = Field(validation_alias="owner_org", description="the organisation owning it")
    from_alert: str | None = Field(validation_alias="from_alert_id")
    submitted_by: SubmittedBy | None
    created_at: UtcDatetime


class TraceOutcome(BaseModel):
    """What the answer established: the weapon's origin (and its kind) or nothing."""

    model_config = ConfigDict(extra="forbid")

    result: Literal["origin_established", "not_established"]
    kind: OriginKind | None = Field(default=None, description="required when established")
    state: CountryCode | None = Field(
        default=None,
        description="the state whose contingent's equipment or national stockpile it was"
        " (required for those two kinds), or the exporting state of a legal transfer",
    )
    recipient: Short | None = Field(
        default=None,
        description="legal_transfer: the named recipient; manufactured_for_embargoed_party:"
        " the party (both required)",
    )


class TraceRequestCreate(BaseModel):
    """Prepare a trace request (a draft) for one weapon of the case: the fields of the
    International Tracing Instrument's paragraph 17. Marking, type, calibre, maker and
    model default to what the case item recorded."""

    model_config = ConfigDict(extra="forbid")

    case_item_id: int = Field(ge=1, le=2**63 - 1, description="the weapon among the case's items")
    recipient_country: CountryCode
    recipient_role: RecipientRole
    language: Language = "en"
    marking: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]
        | None
    ) = None
    weapon_type: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)] | None
    ) = None
    calibre: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
        | None
    ) = None
    manufacturer: Short | None = None
    model: Short | None = None
    recovery_context: Text = Field(description="where, when and how the weapon was recovered")
    request_text: Text = Field(description="what is asked of the recipient state")
    reply_days: int | None = Field(
        default=None, ge=1, le=366, description="days to answer once sent (default: setting)"
    )


class TraceRequestSend(BaseModel):
    """Mark a draft sent; ``deadline`` overrides ``reply_days`` after today."""

    model_config = ConfigDict(extra="forbid")

    deadline: IsoDate | None = None
    note: Note | None = None


class TraceRequestNote(BaseModel):
    """A note on a transition (acknowledged)."""

    model_config = ConfigDict(extra="forbid")

    note: Note | None = None


class TraceAttachment(BaseModel):
    """A file of the answer, base64-encoded (its decoded size is capped by a setting)."""

    model_config = ConfigDict(extra="forbid")

    filename: Short
    media_type: Annotated[str, StringConstraints(pattern=r"^[\w.+-]+/[\w.+-]+$", max_length=127)]
    content_base64: str = Field(max_length=100 * 1024 * 1024)


class TraceAnswer(BaseModel):
    """The recipient state's answer as received, and what it established."""

    model_config = ConfigDict(extra="forbid")

    text: Text
    outcome: TraceOutcome
    attachment: TraceAttachment | None = None


class TraceRequestEventRead(BaseModel):
    """One status change of a trace request."""

    model_config = ConfigDict(from_attributes=True)

    from_status: TraceStatus | None
    to_status: TraceStatus
    note: str | None
    submitted_by: SubmittedBy | None
    at: UtcDatetime


class TraceRequestRead(BaseModel):
    """A trace request with its status, deadline and outcome."""

    id: str
    case_id: str
    case_item_id: int
    recipient_country: str
    recipient_role: RecipientRole
    language: Language
    marking: str
    weapon_type: str | None
    calibre: str | None
    manufacturer: str | None
    model: str | None
    recovery_context: str
    request_text: str
    status: TraceStatus
    reply_days: int
    deadline: date | None = Field(description="set when sent: the day the answer is due")
    overdue: bool = Field(description="sent or acknowledged, unanswered after the deadline")
    sent_at: UtcDatetime | None
    answer_text: str | None
    answer_file: str | None = Field(description="the answer file's name (GET .../answer-file)")
    answer_file_type: str | None = Field(description="the media type its sender declared")
    outcome: TraceOutcome | None
    submitted_by: SubmittedBy | None
    created_at: UtcDatetime


class TraceRequestDetail(TraceRequestRead):
    """A trace request with its history."""

    events: list[TraceRequestEventRead]


class CaseDetail(CaseRead):
    """A case with its records, shares and trace requests."""

    items: list[CaseItemRead]
    shares: list[CaseShareRead]
    trace_requests: list[TraceRequestRead]
