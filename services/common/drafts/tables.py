"""The two tables of a service's drafts: the drafts and their history.

Each service that owns a kind of record keeps its drafts beside it (registry:
manifests; declarations: declarations) in its own database, so the tables are
built per service, in its metadata, with the same shape and the same CHECKs.
Nothing is ever deleted: a withdrawn draft keeps its row and its history.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

DRAFT_STATUSES: Final = ("draft", "awaiting_approval", "returned", "submitted", "withdrawn")
DRAFT_ACTIONS: Final = ("created", "saved", "submitted", "returned", "approved", "withdrawn")
MAX_TITLE_LENGTH: Final = 200
MAX_COMMENT_LENGTH: Final = 4000


def _in(column: str, values: tuple[str, ...]) -> str:
    return "{} IN ({})".format(column, ", ".join(f"'{value}'" for value in values))


@dataclass(frozen=True)
class DraftTables:
    """A service's drafts table and its history table."""

    drafts: Table
    events: Table


def draft_tables(metadata: MetaData, *, drafts: str, events: str) -> DraftTables:
    """The drafts table ``drafts`` and its history ``events`` in ``metadata``.

    ``status`` and ``action`` are CHECKed; a draft names its record exactly when it
    was submitted (approved), and only then.
    """
    drafts_table = Table(
        drafts,
        metadata,
        Column("id", String(36), primary_key=True),
        Column("organisation", String(64), nullable=False),
        Column("title", String(MAX_TITLE_LENGTH), nullable=True),
        Column("body", JSON, nullable=False),
        Column("status", String(24), nullable=False),
        Column("version", Integer, nullable=False),
        Column("record_id", String(64), nullable=True),
        Column("created_by", String(255), nullable=False),
        Column("created_by_type", String(8), nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("updated_at", DateTime(timezone=True), nullable=False),
        CheckConstraint(_in("status", DRAFT_STATUSES), name="status"),
        CheckConstraint("(status = 'submitted') = (record_id IS NOT NULL)", name="record_id"),
        CheckConstraint("version > 0", name="version"),
        Index(f"ix_{drafts}_organisation", "organisation", "created_at", "id"),
    )
    events_table = Table(
        events,
        metadata,
        Column("id", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True),
        Column("draft_id", String(36), ForeignKey(f"{drafts}.id"), nullable=False),
        Column("action", String(16), nullable=False),
        Column("actor", String(255), nullable=False),
        Column("actor_type", String(8), nullable=False),
        Column("actor_org", String(64), nullable=False),
        Column("at", DateTime(timezone=True), nullable=False),
        Column("comment", Text, nullable=True),
        CheckConstraint(_in("action", DRAFT_ACTIONS), name="action"),
        Index(f"ix_{events}_draft", "draft_id", "id"),
    )
    return DraftTables(drafts=drafts_table, events=events_table)
