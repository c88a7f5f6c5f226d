"""Reference tables that resolve what the field records as written.

ArmedGroup      a non-state armed group, its names and aliases and active dates: a
                declared presumed user (free text, kept as declared) resolves to one
                for counting and screening
HeadstampCode   a factory code as stamped on cartridge heads, and the maker it stands
                for: a declared headstamp resolves to a maker for linkage
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, DateTime
from sqlmodel import Field

from services.common.tables import utcnow
from services.registry.tables import RegistryTable


class ArmedGroup(RegistryTable, table=True):
    """An armed group, by a short code (``JNIM``); ``part_of`` the group it merged into."""

    __tablename__ = "armed_groups"

    code: str = Field(primary_key=True, max_length=32)
    name: str = Field(max_length=255)
    aliases: list[str] = Field(sa_column=Column(JSON, nullable=False))
    active_from: date | None = Field(default=None)
    active_to: date | None = Field(default=None)
    part_of: str | None = Field(default=None, max_length=32)
    source: str = Field(max_length=255)
    note: str | None = Field(default=None, max_length=1000, description='"check" marks')
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )


class HeadstampCode(RegistryTable, table=True):
    """A headstamp factory code (``539``) and the maker it stands for, with its source."""

    __tablename__ = "headstamp_codes"

    code: str = Field(primary_key=True, max_length=32)
    maker: str = Field(max_length=255)
    country: str | None = Field(default=None, max_length=3)
    source: str = Field(max_length=255)
    note: str | None = Field(default=None, max_length=1000, description='"check" marks')
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
