"""Missions: peace operations in whose areas contingents deploy materiel."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, DateTime
from sqlmodel import Field

from services.common.tables import utcnow
from services.registry.tables import RegistryTable


class Mission(RegistryTable, table=True):
    """A peace operation (UN, AU, ECOWAS, ECCAS, ...), identified by its short code."""

    __tablename__ = "missions"

    code: str = Field(primary_key=True, max_length=32)
    name: str = Field(max_length=255)
    authority: str = Field(max_length=32)
    host_countries: list[str] = Field(sa_column=Column(JSON, nullable=False))
    start_date: date
    end_date: date | None = Field(default=None)
    source: str | None = Field(
        default=None, max_length=255, description="The mandate the start date is taken from"
    )
    note: str | None = Field(default=None, max_length=1000, description='"check" marks')
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
