"""The trail of changes to reference data (missions, embargoes, armed groups, headstamp
codes): insert-only."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, Column, DateTime, Index, Integer
from sqlmodel import Field

from services.common.tables import utcnow
from services.registry.tables import RegistryTable

REFERENCE_ENTITIES = ("mission", "embargo", "armed_group", "headstamp")
REFERENCE_ACTIONS = ("create", "update")


class ReferenceChange(RegistryTable, table=True):
    """One change to reference data: who (client, organisation, address, request), when,
    what (entity and key), and the entity before and after. The database refuses to
    update or delete a row (triggers of migration registry0009)."""

    __tablename__ = "reference_changes"
    __table_args__ = (
        CheckConstraint(
            f"entity IN ({', '.join(repr(e) for e in REFERENCE_ENTITIES)})", name="entity"
        ),
        CheckConstraint(
            f"action IN ({', '.join(repr(a) for a in REFERENCE_ACTIONS)})", name="action"
        ),
        Index("ix_reference_changes_entity_key", "entity", "key", "id"),
    )

    id: int | None = Field(
        default=None,
        sa_column=Column(
            BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
        ),
    )
    occurred_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    actor: str = Field(max_length=255)
    actor_org: str | None = Field(default=None, max_length=32)
    address: str | None = Field(default=None, max_length=64)
    request_id: str | None = Field(default=None, max_length=128)
    entity: str = Field(max_length=16)
    key: str = Field(max_length=64)
    action: str = Field(max_length=16)
    before: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    after: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    # Since registry0028: why (required for changes to armed groups and headstamp codes).
    reason: str | None = Field(default=None, max_length=1000)
