"""The two tables of a service's drafts: the drafts and their steps (the history).

Each service that owns a kind of record keeps its drafts beside it (registry:
manifests; declarations: declarations) in its own database, so the tables are
built per service, in its metadata, with the same shape and the same CHECKs.
Nothing is ever updated or deleted (the declarations service's database role may
only select and insert): a draft's state is its latest step.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy import (
    JSON,
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
    """A service's drafts table and its steps table."""

    drafts: Table
    steps: Table


@dataclass(frozen=True)
class DraftState:
    """A draft as its latest step left it: the status and version of the latest step,
    the body and title of the latest step that saved one."""

    id: str
    organisation: str
    created_by: str
    created_by_type: str
    created_at: datetime
    status: str
    version: int
    record_id: str | None
    updated_at: datetime
    title: str | None
    body: dict[str, Any]


def draft_tables(metadata: MetaData, *, drafts: str, steps: str) -> DraftTables:
    """The drafts table ``drafts`` and its steps ``steps`` in ``metadata``.

    Both are insert-only: a draft is the row saying whose it is and when it began, and
    each step (created, saved, submitted, returned, approved, withdrawn) is a new row of
    ``steps`` numbered by ``version``, carrying the status it leaves and, when it saved
    one, the body and title. Two concurrent changes of one version cannot both insert
    the next (primary key). ``status`` and ``action`` are CHECKed; a step names the
    record exactly when it approved the draft.
    """
    drafts_table = Table(
        drafts,
        metadata,
        Column("id", String(36), primary_key=True),
        Column("organisation", String(64), nullable=False),
        Column("created_by", String(255), nullable=False),
        Column("created_by_type", String(8), nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Index(f"ix_{drafts}_organisation", "organisation", "created_at", "id"),
    )
    steps_table = Table(
        steps,
        metadata,
        Column("draft_id", String(36), ForeignKey(f"{drafts}.id"), primary_key=True),
        Column("version", Integer, primary_key=True, autoincrement=False),
        Column("action", String(16), nullable=False),
        Column("status", String(24), nullable=False),
        Column("title", String(MAX_TITLE_LENGTH), nullable=True),
        Column("body", JSON(none_as_null=True), nullable=True),
        Column("record_id", String(64), nullable=True),
        Column("actor", String(255), nullable=False),
        Column("actor_type", String(8), nullable=False),
        Column("actor_org", String(64), nullable=False),
        Column("at", DateTime(timezone=True), nullable=False),
        Column("comment", Text, nullable=True),
        CheckConstraint(_in("action", DRAFT_ACTIONS), name="action"),
        CheckConstraint(_in("status", DRAFT_STATUSES), name="status"),
        CheckConstraint("version > 0", name="version"),
        CheckConstraint("(action = 'approved') = (record_id IS NOT NULL)", name="record_id"),
        CheckConstraint("(action IN ('created', 'saved')) = (body IS NOT NULL)", name="body"),
    )
    return DraftTables(drafts=drafts_table, steps=steps_table)
